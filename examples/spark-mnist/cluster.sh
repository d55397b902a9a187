#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, from the Maven artifacts (no Spark download):
# a master and two workers as separate JVMs on 127.0.0.1, the MNIST job submitted to them in
# client mode, one worker killed (kill -9) in the middle, and the job finishing on the other.
#   examples/spark-mnist/cluster.sh [--epochs 2] [other SparkMnist options]
# Output: the job's log, then the round timings; the run recorded in docs/spark.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
source examples/spark-mnist/env.sh

# A SPARK_HOME whose jars/ are links to the Maven artifacts: the workers build their executors'
# class path from it.
work="$(mktemp -d /tmp/jgrad-spark-cluster.XXXXXX)"
mkdir -p "$work/home/jars" "$work/logs"
IFS=: read -ra entries <<< "$cp"
for e in "${entries[@]}"; do
  if [[ "$e" == *.jar ]]; then ln -sf "$e" "$work/home/jars/"; fi
done
# SPARK_SCALA_VERSION: a home without a build directory to infer it from
export SPARK_HOME="$work/home" SPARK_SCALA_VERSION=2.13 SPARK_LOG_DIR="$work/logs"
server=("${jvm[@]}" -Xmx512m)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

port=$((17000 + RANDOM % 1000))
java "${server[@]}" -cp "$cp" org.apache.spark.deploy.master.Master --host 127.0.0.1 \
  --port "$port" --webui-port 0 > "$work/logs/master.log" 2>&1 &
pids+=($!)
for i in 1 2; do
  java "${server[@]}" -cp "$cp" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
    --cores 1 --memory 1g --webui-port 0 --work-dir "$work/worker$i" \
    "spark://127.0.0.1:$port" > "$work/logs/worker$i.log" 2>&1 &
  pids+=($!)
  eval "worker$i=$!"
done
for _ in $(seq 60); do
  if [[ $(grep -c "Successfully registered with master" "$work"/logs/worker*.log 2>/dev/null \
    | awk -F: '{s+=$2} END {print s}') -ge 2 ]]; then break; fi
  sleep 1
done
echo "cluster: master spark://127.0.0.1:$port, workers pids $worker1 $worker2 (logs in $work/logs)"

out="$work/out"
java "${jvm[@]}" -cp "$cp" \
  -Dspark.executor.extraClassPath="$cp" -Dspark.executor.memory=512m \
  -Dspark.driver.host=127.0.0.1 -Dspark.ui.enabled=false \
  dev.jgrad.examples.spark.SparkMnist --master "spark://127.0.0.1:$port" --partitions 2 \
  --out "$out" "$@" 2>&1 | tee "$work/logs/job.log" &
job=$!
# kill worker 2 once the job is well into its rounds
for _ in $(seq 600); do
  kill -0 "$job" 2>/dev/null || break
  if [[ -f "$out/rounds.csv" ]] && [[ $(wc -l < "$out/rounds.csv") -gt 30 ]]; then break; fi
  sleep 0.5
done
echo "=== killing worker 2 (pid $worker2, kill -9) after $(($(wc -l < "$out/rounds.csv" 2>/dev/null || echo 1) - 1)) rounds ==="
kill -9 "$worker2"
wait "$job"
echo "=== job finished; rounds around the kill (round,samples,partitions,loss,accuracy,seconds,...) ==="
awk -F, 'NR > 1 && $6 > 1.0' "$out/rounds.csv" | head -5
tail -1 "$out/rounds.csv"
