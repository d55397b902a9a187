#!/usr/bin/env bash
# The inference half of the CPU benchmark suite: the training workloads' models (random weights,
# the same shapes) predicting the test set in jgrad, NumPy (the book's layers) and PyTorch eager
# (1 and 2 threads), forward only, no graph, programs alternating over rounds; one table.
#
#   bench/suite/infer.sh [ROUNDS] [WORKLOADS] [JGRAD_JVM_OPTIONS]
#
# WORKLOADS (comma-separated, default all): mlp-small, mlp-large, cnn, each /embedded (the 2,000
# test images in the jar) or /fashion (Fashion-MNIST's 10,000, skipped when missing; see run.sh).
# Figures per program (infer.py): the first call in a fresh process, the median of the 1,000 calls
# after it, single-image latency (median and p99 of 3,000 calls after 3 s of them), samples/s in
# batches of 100 and 1,000. OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE are unset for every program (suite.env).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
workloads="${2:-mlp-small/embedded,mlp-large/embedded,cnn/embedded,mlp-small/fashion,mlp-large/fashion,cnn/fashion}"
jvm="${3:-}"

mvn -B -q install -DskipTests ${MVN_OPTS:-} >/dev/null
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
jar=examples/mnist/target/jgrad-mnist.jar
javac -d "$classes" -cp "$jar" bench/suite/InferWorkload.java bench/suite/SuiteModels.java
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# $(java -version 2>&1 | head -1); numpy $(python3 -c 'import numpy; print(numpy.__version__)')"
python3 bench/suite/infer.py --jgrad-cp "$classes:$jar" \
  --torch-python "${TORCH_PYTHON:-/tmp/torchenv/bin/python}" \
  --rounds "$rounds" --workloads "$workloads" --jgrad-opts "$jvm"
