#!/usr/bin/env bash
# Acknowledgement latency of pave signals at a fixed 1,000 alerts/s (one alert per request,
# raw-socket sender, latency from the due time) for each set of JVM options given, one fresh
# pipeline each: which collector settings keep the p99 down. Run alone (under the shared lock):
#   flock /tmp/pave-cpu.lock bash bench/signals-ack.sh "" "-XX:+UseSerialGC" ...
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/signals-ack
rm -rf "$OUT" && mkdir -p "$OUT"
[ -f pave-cli/target/pave.jar ] || ./mvnw -B -q package -DskipTests -pl pave-cli -am
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo "bench-token" > "$OUT/token"
n=0
for opts in "$@"; do
  n=$((n + 1))
  port=$(free_port)
  cat > "$OUT/signals-$n.yaml" <<YAML
apiVersion: pave.dev/v1alpha1
kind: SignalsConfig
intake:
  port: $port
  alertmanager: {bearerTokenFile: token}
database: {url: embedded, dataDirectory: data-$n}
catalog:
  applications:
    - {app: checkout, environment: prod, team: payments, owner: ana@example.com,
       onCall: "pagerduty:payments-primary", runbook: "https://runbooks.example.com/checkout",
       tier: critical, cluster: prod-eu-1, namespace: payments}
sinks:
  - {name: hook, type: webhook, url: "http://127.0.0.1:9/hook", format: json, partitions: 8}
routes:
  - sinks: [hook]
YAML
  # shellcheck disable=SC2086
  java -Xmx1g $opts -jar pave-cli/target/pave.jar signals --config "$OUT/signals-$n.yaml" \
    --status-every 0s > "$OUT/pave-$n.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do grep -q "listening" "$OUT/pave-$n.log" && break; sleep 0.5; done
  url=http://127.0.0.1:$port/api/v1/alertmanager
  # Warm up as the full benchmark does before its fixed-rate step (a fresh JVM compiles for
  # most of a minute): 30 s at the maximum rate, then 10 s at the fixed rate.
  wrk -t2 -c64 -d30s -s bench/signals-wrk.lua "$url" -- pave bench-token warm$n > /dev/null
  java bench/SignalsLoad.java rate-raw "$url" rate=1000 seconds=10 conc=32 token=bench-token run=warmr$n > /dev/null
  if [ "${STEADY:-1}" = 1 ] && command -v psql >/dev/null; then
    # Measure a pipeline past its first checkpoint, whose write-ahead log segments are reused
    # (STEADY=0: a fresh one, which creates a 16 MB segment every few seconds at this rate).
    psql -h localhost -p "$(sed -n 4p "$OUT/data-$n/postmaster.pid")" -U postgres -d postgres -XAtqc checkpoint
    sleep 5
  fi
  echo "JVM options: ${opts:-(none)}"
  java bench/SignalsLoad.java rate-raw "$url" rate=1000 seconds=30 conc=32 token=bench-token run=m$n \
    timeline="$OUT/timeline-$n.txt"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
