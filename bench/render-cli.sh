#!/usr/bin/env bash
# Wall time of `pave render` over a folder of 1,000 specs, JVM start included, next to
# `java -version` as the floor. Uses hyperfine when installed, else a plain timing loop.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-10}"
jar=pave-cli/target/pave.jar
[ -f "$jar" ] || ./mvnw -B -q -DskipTests -pl pave-cli -am package
bash bench/gen-specs.sh "${SPECS:-1000}" bench/out/specs
opts="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
render="java $opts -jar $jar render bench/out/specs -e prod"
$render | grep -c '^kind:' | sed 's/^/objects rendered: /' >&2
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 2 --runs "$runs" -N --export-markdown bench/out/render-cli.md \
    "java -version" "$render --out bench/out/rendered" "$render -o yaml"
  exit 0
fi
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_ms() {
  local s e
  s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
  echo $(( (e - s) / 1000000 ))
}
floor=$(for _ in $(seq "$runs"); do time_ms java -version; done | median)
full=$(for _ in $(seq "$runs"); do time_ms $render; done | median)
echo "java -version: ${floor} ms (median of $runs)"
echo "pave render of ${SPECS:-1000} specs to stdout: ${full} ms (median of $runs)"
awk -v a="$full" -v b="$floor" 'BEGIN {printf "ratio to the JVM floor: %.1fx\n", a / b}'
