#!/usr/bin/env bash
# Signals figures for docs/performance.md: intake to committed journal (maximum rate, and
# acknowledgement latency at 1,000 alerts/s), end to end to a webhook sink, and Alertmanager's
# own ingestion of the same alerts in the same run as the baseline.
# Run from the repository root, alone on the machine (under the shared lock):
#   flock /tmp/pave-cpu.lock bash bench/signals.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/signals
rm -rf "$OUT" && mkdir -p "$OUT"

if [ ! -f pave-cli/target/pave.jar ]; then
  ./mvnw -B -q package -DskipTests -pl pave-cli -am
fi
JAVA=${JAVA:-java}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PAVE_PORT=$(free_port); RECV_PORT=$(free_port); AM_PORT=$(free_port)
echo "bench-token" > "$OUT/token"

cat > "$OUT/signals.yaml" <<YAML
apiVersion: pave.dev/v1alpha1
kind: SignalsConfig
intake:
  port: $PAVE_PORT
  alertmanager: {bearerTokenFile: token}
database: {url: embedded, dataDirectory: data}
catalog:
  applications:
    - {app: checkout, environment: prod, team: payments, owner: ana@example.com,
       onCall: "pagerduty:payments-primary", runbook: "https://runbooks.example.com/checkout",
       tier: critical, cluster: prod-eu-1, namespace: payments}
sinks:
  - {name: hook, type: webhook, url: "http://127.0.0.1:$RECV_PORT/hook", format: json, partitions: 8}
routes:
  - sinks: [hook]
YAML

start_pave() {  # $1: data directory name, $2: more fields of the webhook sink (optional)
  sed -e "s/dataDirectory: data/dataDirectory: $1/" -e "s/partitions: 8}/partitions: 8${2:+, $2}}/" \
    "$OUT/signals.yaml" > "$OUT/signals-$1.yaml"
  # PAVE_JAVA_OPTS, {name} replaced by $1: e.g. to profile each pipeline
  #   PAVE_JAVA_OPTS='-XX:StartFlightRecording=filename=bench/out/signals/{name}.jfr'
  local opts=${PAVE_JAVA_OPTS:-}
  # shellcheck disable=SC2086
  "$JAVA" -Xmx1g ${opts//\{name\}/$1} -jar pave-cli/target/pave.jar signals --config "$OUT/signals-$1.yaml" \
    --status-every 0s > "$OUT/pave-$1.log" 2>&1 &
  PAVE_PID=$!
  for _ in $(seq 1 120); do grep -q "listening" "$OUT/pave-$1.log" && break; sleep 0.5; done
  grep "listening" "$OUT/pave-$1.log"
}
# A CHECKPOINT of the pipeline's embedded PostgreSQL ($1: data directory name). A pipeline that
# has run past its first checkpoint reuses its old write-ahead log segments; a fresh one creates
# a new 16 MB segment every few seconds at 1,000 signals/s, and each creation holds the commits.
checkpoint_pg() {
  if command -v psql >/dev/null; then
    psql -h localhost -p "$(sed -n 4p "$OUT/$1/postmaster.pid")" -U postgres -d postgres -XAtqc checkpoint
    sleep 5
  else
    echo "psql is not installed: no checkpoint before the steady-state step"
  fi
}
stop_pave() { kill "$PAVE_PID"; wait "$PAVE_PID" 2>/dev/null || true; }
PAVE_PID=""
AM_PID=""
cleanup() { [ -n "$PAVE_PID" ] && kill "$PAVE_PID" 2>/dev/null || true; [ -n "$AM_PID" ] && kill "$AM_PID" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
# Intake figures: the webhook sink is routed (its outbox rows are written in the same
# transaction) but its receiver is not running, so its circuit is open and delivery is idle.
start_pave intake

# Alertmanager as the baseline: its own ingestion API (/api/v2/alerts) of the same alerts.
cat > "$OUT/alertmanager.yml" <<YAML
route: {receiver: none, group_by: [alertname], group_wait: 30s, group_interval: 5m}
receivers: [{name: none}]
YAML
mkdir -p "$OUT/am-data"
prometheus-alertmanager --config.file="$OUT/alertmanager.yml" --storage.path="$OUT/am-data" \
  --web.listen-address=127.0.0.1:$AM_PORT --cluster.listen-address= > "$OUT/am.log" 2>&1 &
AM_PID=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$AM_PORT/-/ready" >/dev/null && break; sleep 0.5; done

LOAD="$JAVA bench/SignalsLoad.java"
PAVE=http://127.0.0.1:$PAVE_PORT/api/v1/alertmanager
AM=http://127.0.0.1:$AM_PORT/api/v2/alerts
echo "== warm-up"
$LOAD max "$PAVE" alerts=20000 per=10 conc=32 token=bench-token run=warm >/dev/null
$LOAD max "$AM" alerts=20000 per=10 conc=32 run=warm >/dev/null
echo "== intake to committed journal, maximum rate"
$LOAD max "$PAVE" alerts=50000 per=1 conc=64 token=bench-token run=max1 | tee -a "$OUT/results.txt"
$LOAD max "$AM" alerts=50000 per=1 conc=64 run=max1 | tee -a "$OUT/results.txt"
$LOAD max "$PAVE" alerts=100000 per=10 conc=32 token=bench-token run=max10 | tee -a "$OUT/results.txt"
$LOAD max "$AM" alerts=100000 per=10 conc=32 run=max10 | tee -a "$OUT/results.txt"
echo "== intake, 1 alert per request, wrk as the load generator (its own CPU cost shown)"
TIMEFORMAT="load generator (wrk) cpu %U s user + %S s system over %R s wall"
{ time wrk -t2 -c64 -d30s -s bench/signals-wrk.lua "$PAVE" -- pave bench-token wrk1 ; } 2>&1 | grep -E "^wrk|load generator" | sed "s|^wrk:|wrk $PAVE:|" | tee -a "$OUT/results.txt"
{ time wrk -t2 -c64 -d30s -s bench/signals-wrk.lua "$AM" -- am "" wrk1 ; } 2>&1 | grep -E "^wrk|load generator" | sed "s|^wrk:|wrk $AM:|" | tee -a "$OUT/results.txt"
echo "== acknowledgement latency at 1,000 alerts/s"
$LOAD rate "$PAVE" rate=1000 seconds=30 token=bench-token run=rate | tee -a "$OUT/results.txt"
$LOAD rate "$AM" rate=1000 seconds=30 run=rate | tee -a "$OUT/results.txt"
$LOAD rate-raw "$PAVE" rate=1000 seconds=30 conc=32 token=bench-token run=rateraw \
  timeline="$OUT/timeline-fresh.txt" | tee -a "$OUT/results.txt"
$LOAD rate-raw "$AM" rate=1000 seconds=30 conc=32 run=rateraw | tee -a "$OUT/results.txt"
echo "== the same after the pipeline's first checkpoint (write-ahead log segments reused)"
checkpoint_pg intake
$LOAD rate-raw "$PAVE" rate=1000 seconds=30 conc=32 token=bench-token run=ratesteady \
  timeline="$OUT/timeline-steady.txt" | tee -a "$OUT/results.txt"
echo "== end to end: enriched and delivered to a webhook sink (fresh pipeline, receiver up)"
stop_pave
start_pave e2e
$LOAD e2e "$PAVE" alerts=30000 per=10 conc=32 receiver=$RECV_PORT token=bench-token run=e2e | tee -a "$OUT/results.txt"
echo "== the same with up to 100 notices per webhook request (batch: 100)"
stop_pave
start_pave e2ebatch "batch: 100"
$LOAD e2e "$PAVE" alerts=30000 per=10 conc=32 receiver=$RECV_PORT token=bench-token run=e2eb | tee -a "$OUT/results.txt"
