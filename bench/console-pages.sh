#!/usr/bin/env bash
# Every console page and API read with 10,000 services (Applications, two revisions each, a
# timeline in pave-signals), for docs/performance.md. Run from the repository root, alone on
# the machine (under the shared lock):
#   flock /tmp/pave-cpu.lock bash bench/console-pages.sh [SERVICES] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/console-pages
mkdir -p "$OUT"
flock /tmp/pave-build.lock ./mvnw -o -B -q test-compile dependency:build-classpath -pl pave-console \
  -Dmdep.outputFile="$PWD/$OUT/classpath.txt" -Dmdep.includeScope=test >/dev/null
CP="pave-console/target/test-classes:pave-console/target/classes:$(cat "$OUT/classpath.txt")"
{ nproc; lscpu | head; java -version 2>&1 | head -1; } >"$OUT/machine.txt"
${JAVA:-java} -Xmx4g -cp "$CP" dev.pave.console.PagesLoad "${1:-10000}" "${2:-1000}" \
  2>"$OUT/stderr.txt" | tee "$OUT/results.txt"
