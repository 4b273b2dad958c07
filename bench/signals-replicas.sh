#!/usr/bin/env bash
# Two replicas of the pipeline on one PostgreSQL take 20,000 alerts in turns; one is killed with
# SIGKILL halfway. Asserts what ReplicaKillTest asserts (every acknowledged alert at the webhook,
# one Request Tracker ticket per incident, outbox drained by the survivor) at ten times its size
# and prints the figures docs/performance.md records. Needs the Debian packages of .ci/run.
# Run from the repository root:  flock /tmp/pave-build.lock bash bench/signals-replicas.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -o -B -q -pl pave-signals test -Dtest=ReplicaKillTest \
  -Dpave.replicas.notifications=2000
grep -h '^replicas:' pave-signals/target/surefire-reports/dev.pave.signals.ReplicaKillTest-output.txt
