#!/usr/bin/env bash
# The host's share of an eager GPU training step, on any machine (HostStepBench.java says how).
#
#   bench/gpu/host/run.sh [HIDDEN] [BATCH] [STEPS] [ROUNDS]     defaults 100 100 5000 10
set -euo pipefail
cd "$(dirname "$0")/../../.."
mvn -B -q install -DskipTests >/dev/null
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
jar=examples/mnist/target/jgrad-mnist.jar
javac -d "$classes" -cp "$jar" bench/gpu/host/HostStepBench.java
mkdir -p "$classes/META-INF/services"
echo HostStepBench > "$classes/META-INF/services/dev.jgrad.api.op.OpProvider"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
java -cp "$classes:$jar" HostStepBench "$@"
