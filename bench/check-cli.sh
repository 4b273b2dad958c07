#!/usr/bin/env bash
# `pave check` over one file of 20,000 documents: wall time, documents per second and peak
# resident memory, next to a parse-only pass over the same file in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
docs="${DOCS:-20000}"
mkdir -p bench/out
python3 bench/gen-objects.py "$docs" bench/out/objects.yaml
# Every run goes through the ./pave launcher, JVM flags and class data sharing archive included
# (PAVE_JAVA_OPTS and PAVE_CDS=0 change them as they would for a user). The first, unmeasured
# run builds the jar if needed (the launcher then records the archive from its training check).
./pave check bench/out/objects.yaml --format json --fail-on critical >/dev/null 2>&1 || true
measure() {
  # prints "<ms> <max RSS KB>"
  local s e rss
  s=$(date +%s%N)
  /usr/bin/time -f '%M' -o bench/out/rss.txt ./pave "$@" >/dev/null 2>&1 || true
  e=$(date +%s%N)
  rss=$(tail -1 bench/out/rss.txt)
  echo "$(( (e - s) / 1000000 )) $rss"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
parse=(); check=(); prss=0; crss=0
for _ in $(seq "$runs"); do
  read -r t r < <(measure check bench/out/objects.yaml --parse-only); parse+=("$t"); prss=$(( r > prss ? r : prss ))
  read -r t r < <(measure check bench/out/objects.yaml --format json --fail-on critical); check+=("$t"); crss=$(( r > crss ? r : crss ))
done
# PyYAML's C loader (libyaml) reading the same file, nothing else: the yardstick for the check.
pyyaml=()
if python3 -c 'import yaml; assert yaml.__with_libyaml__' 2>/dev/null; then
  for _ in $(seq "$runs"); do
    s=$(date +%s%N)
    python3 -c 'import sys, yaml; sum(1 for _ in yaml.load_all(open(sys.argv[1]), Loader=yaml.CSafeLoader))' bench/out/objects.yaml
    e=$(date +%s%N); pyyaml+=("$(( (e - s) / 1000000 ))")
  done
fi
p=$(printf '%s\n' "${parse[@]}" | median)
c=$(printf '%s\n' "${check[@]}" | median)
echo "parse only: ${p} ms median of $runs, peak RSS $((prss / 1024)) MB"
echo "check (all packs, JSON report): ${c} ms median of $runs, peak RSS $((crss / 1024)) MB"
awk -v c="$c" -v p="$p" -v n="$docs" 'BEGIN {printf "documents per second: %.0f (check), %.0f (parse only); check/parse time ratio %.2f\n", n / (c / 1000), n / (p / 1000), c / p}'
if [ "${#pyyaml[@]}" -gt 0 ]; then
  y=$(printf '%s\n' "${pyyaml[@]}" | median)
  awk -v c="$c" -v y="$y" 'BEGIN {printf "PyYAML C loader, parse only: %d ms median; check/PyYAML time ratio %.2f (target at most 0.33)\n", y, c / y}'
else
  echo "PyYAML with libyaml not found (python3 -m pip install pyyaml, or apt-get install python3-yaml): no yardstick"
fi
