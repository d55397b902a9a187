#!/usr/bin/env bash
# The CPU benchmark suite: every workload users run, in jgrad, NumPy (the book's layers) and
# PyTorch eager, side by side in one run, programs alternating over rounds; one table at the end.
#
#   bench/suite/run.sh [ROUNDS] [EPOCHS] [WORKLOADS]
#
# WORKLOADS (comma-separated, default all): mlp-small/embedded, mlp-small/fashion,
# mlp-large/embedded, mlp-large/fashion, cnn/embedded, deep/embedded (DeepConvNet; NumPy not
# run: its book layers take minutes an epoch). "fashion" is Fashion-MNIST from the Debian
# package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist); this script installs nothing
# and skips those workloads with a note when it is missing. PyTorch runs from $TORCH_PYTHON
# (default /tmp/torchenv/bin/python; ../shared/README.md says how to install it), skipped when
# missing. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for every program (suite.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
epochs="${2:-10}"
workloads="${3:-mlp-small/embedded,mlp-small/fashion,mlp-large/embedded,mlp-large/fashion,cnn/embedded,deep/embedded}"

mvn -B -q install -DskipTests >/dev/null
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
jar=examples/mnist/target/jgrad-mnist.jar
javac -d "$classes" -cp "$jar" bench/suite/JgradWorkload.java bench/suite/SuiteModels.java bench/suite/GemmBound.java
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# $(java -version 2>&1 | head -1); numpy $(python3 -c 'import numpy; print(numpy.__version__)')"
python3 bench/suite/suite.py --jgrad-cp "$classes:$jar" \
  --torch-python "${TORCH_PYTHON:-/tmp/torchenv/bin/python}" \
  --rounds "$rounds" --epochs "$epochs" --workloads "$workloads"
