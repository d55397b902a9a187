#!/usr/bin/env bash
# Training throughput of the book's SimpleConvNet (conv 30 5x5, relu, 2x2 max pool, affine 100,
# relu, affine 10; batch 100, Adam lr 0.001, embedded MNIST train split) in jgrad and PyTorch
# eager on the CPU, side by side, alternating ROUNDS times so load on a shared machine hits both.
#
#   bench/conv/run.sh [EPOCHS] [WARMUP] [ROUNDS]
#
# PyTorch runs from $TORCH_PYTHON (default /tmp/torchenv/bin/python; install torch 2.13.0+cpu
# from the local wheel: python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install
# --no-index --find-links /opt/wheels torch==2.13.0+cpu numpy); skipped with a note when missing.
# Both run without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE. Builds with package (never install).
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs="${1:-10}"
warmup="${2:-3}"
rounds="${3:-3}"
torch_python="${TORCH_PYTHON:-/tmp/torchenv/bin/python}"

mvn -B -q -o package -pl examples/mnist -am -DskipTests >/dev/null
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
javac -d "$classes" -cp examples/mnist/target/jgrad-mnist.jar bench/conv/ConvThroughput.java
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# $(java -version 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  echo "## round $round"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -cp "$classes:examples/mnist/target/jgrad-mnist.jar" \
    ConvThroughput "$epochs" "$warmup" 2>/dev/null
  if [ -x "$torch_python" ]; then
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$torch_python" bench/conv/torch_convnet.py \
      "$epochs" "$warmup"
  else
    echo "pytorch: skipped ($torch_python not found)"
  fi
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
