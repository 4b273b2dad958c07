#!/usr/bin/env bash
# Console catalog latency with 10,000 services, for docs/performance.md. Run from the
# repository root, alone on the machine (under the shared lock):
#   flock /tmp/pave-cpu.lock bash bench/console-catalog.sh [SERVICES] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/console
mkdir -p "$OUT"
./mvnw -B -q test-compile dependency:build-classpath -pl pave-console -am \
  -Dmdep.outputFile="$PWD/$OUT/classpath.txt" -Dmdep.includeScope=test >/dev/null
CP="pave-console/target/test-classes:pave-console/target/classes:$(cat "$OUT/classpath.txt")"
${JAVA:-java} -Xmx2g -cp "$CP" dev.pave.console.CatalogLoad "${1:-10000}" "${2:-2000}" \
  2>"$OUT/stderr.txt" | tee "$OUT/results.txt"
