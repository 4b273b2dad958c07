#!/usr/bin/env bash
# Writes N realistic pave.yaml files (default 1000) under DIR (default bench/out/specs), cycling
# through the shapes of the examples with distinct names, teams and images.
set -euo pipefail
n="${1:-1000}"
dir="${2:-$(dirname "$0")/out/specs}"
rm -rf "$dir"
mkdir -p "$dir"
for i in $(seq 1 "$n"); do
  name=$(printf 'svc-%04d' "$i")
  team="team-$((i % 37))"
  d="$dir/$name"
  mkdir -p "$d"
  case $((i % 3)) in
    0) cat > "$d/pave.yaml" <<YAML
apiVersion: pave.dev/v1alpha1
kind: Application
metadata:
  name: $name
spec:
  team: $team
  image: registry.example.com/$team/$name:1.$((i % 10)).$((i % 7))
  port: 8080
  expose: public
  owner: $team@example.com
  runbook: https://runbooks.example.com/$team/$name
  env:
    LOG_LEVEL: info
    DB_PASSWORD: {secret: $name-db, key: password}
  dependsOn: [svc-$(printf '%04d' $(( (i % n) + 1 ))), api.stripe.com]
  overrides:
    prod: {replicas: 3, resources: medium}
YAML
    ;;
    1) cat > "$d/pave.yaml" <<YAML
apiVersion: pave.dev/v1alpha1
kind: Application
metadata:
  name: $name
spec:
  team: $team
  image: registry.example.com/$team/$name:2.$((i % 10)).0
  health: {command: [/app/healthcheck]}
  resources: {requests: {cpu: 200m, memory: 384Mi}, limits: {cpu: "1", memory: 768Mi}}
  config: {files: {worker.properties: "batch.size=$i"}}
  volumes: [{name: scratch, mountPath: /var/lib/work, size: 2Gi}]
  jobs: [{name: nightly, schedule: "30 2 * * *", command: [/app/report]}]
  dependsOn: [{app: ledger}, {host: smtp.example.net, port: 587}, "10.40.0.0/16:5432"]
YAML
    ;;
    2) cat > "$d/pave.yaml" <<YAML
apiVersion: pave.dev/v1alpha1
kind: Application
metadata:
  name: $name
spec:
  team: $team
  image: registry.example.com/$team/$name:3.1.$((i % 9))
  port: 9000
  tier: critical
  resources: large
  autoscale: {min: 2, max: 12, cpuPercent: 65}
  health: {path: /ready, livenessPath: /live, startupSeconds: 120}
  metrics: {port: 9100}
  expose: {type: internal, allowFrom: [storefront]}
  dependsOn: ["catalog:8080"]
YAML
    ;;
  esac
done
echo "wrote $n specs under $dir" >&2
