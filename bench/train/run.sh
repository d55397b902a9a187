#!/usr/bin/env bash
# Training throughput of the 784-100-10 MLP (batch 100, SGD lr 0.1, embedded MNIST train split)
# in jgrad, NumPy (the book's TwoLayerNet) and PyTorch eager, side by side in one run.
#
#   bench/train/run.sh [EPOCHS] [WARMUP] [ROUNDS]
#
# Each program trains EPOCHS epochs and ranks those after the first WARMUP (the peers get the
# same treatment), and also reports the whole run, warm-up included. jgrad's JIT compiles the step
# over the first 100-160 epochs here (2 cores: its compiler threads take CPU from the training),
# so the defaults warm up for 150; jgrad prints how long the JIT compiled within the ranked epochs.
#
# PyTorch runs from $TORCH_PYTHON (default /tmp/torchenv/bin/python; see ../shared/README.md for
# installing torch 2.13.0+cpu from local wheels); it is skipped with a note when missing.
# The three alternate ROUNDS times so that a burst of load on this shared machine hits all alike.
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs="${1:-300}"
warmup="${2:-150}"
rounds="${3:-3}"
torch_python="${TORCH_PYTHON:-/tmp/torchenv/bin/python}"

mvn -B -q install -DskipTests >/dev/null
# Compiled here, not by the source launcher inside the measured JVM, where javac's own warm-up
# competed with the benchmark's for the JIT compiler threads and the second core.
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
javac -d "$classes" -cp examples/mnist/target/jgrad-mnist.jar bench/train/TrainThroughput.java
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# $(java -version 2>&1 | head -1); numpy $(python3 -c 'import numpy; print(numpy.__version__)')"
for round in $(seq "$rounds"); do
  echo "## round $round"
  java -cp "$classes:examples/mnist/target/jgrad-mnist.jar" TrainThroughput "$epochs" "$warmup" \
    2>/dev/null
  python3 bench/train/numpy_twolayer.py "$epochs" "$warmup"
  if [ -x "$torch_python" ]; then
    "$torch_python" bench/train/torch_mlp.py "$epochs" "$warmup"
  else
    echo "pytorch: skipped ($torch_python not found)"
  fi
done
