#!/usr/bin/env bash
# Insights at 10,000 services and a year of history, for docs/performance.md: the history is
# generated and folded into the rollups by the pipeline's own fold (InsightsStore.record), then
# the scorecard is read as `pave insights` reads it and over GET /api/v1/insights, for the whole
# platform, one team and one environment over 30, 90 and 365 days. Run from the repository
# root, alone on the machine (under the shared lock):
#   flock /tmp/pave-cpu.lock bash bench/insights.sh [SERVICES] [DAYS] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/insights
mkdir -p "$OUT"
flock /tmp/pave-build.lock ./mvnw -o -B -q test-compile dependency:build-classpath -pl pave-signals \
  -Dmdep.outputFile="$PWD/$OUT/classpath.txt" -Dmdep.includeScope=test >/dev/null
CP="pave-signals/target/test-classes:pave-signals/target/classes:$(cat "$OUT/classpath.txt")"
{ nproc; lscpu | head -15; java -version 2>&1 | head -1; } >"$OUT/machine.txt"
${JAVA:-java} -Xmx2g -cp "$CP" dev.pave.signals.insights.InsightsLoad "${1:-10000}" "${2:-365}" \
  "${3:-50}" 2>"$OUT/stderr.txt" | tee "$OUT/results.txt"
