#!/usr/bin/env bash
# Per-layer convolution times of the book's CNNs on the CPU: the native direct kernel, im2col +
# GEMM (-Djgrad.cpu.directConvolution=false) and PyTorch eager (torch_layers.py, from
# $TORCH_PYTHON, default /tmp/torchenv/bin/python; skipped with a note when missing; see
# ../shared/README.md for installing it), alternating over rounds in one run:
#
#   bench/conv/run.sh [ROUNDS] [REPS]       defaults: 3 rounds, 30 calls an op
#
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for all three. jgrad's heap is fixed and
# touched up front (-Xms/-Xmn, AlwaysPreTouch), so first touches of fresh output arrays do not
# land in the timings. Prints each layer's median per op per round; compare within a round.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
reps="${2:-30}"
jar=examples/mnist/target/jgrad-mnist.jar
mvn -B -q install -DskipTests >/dev/null
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
javac -d "$classes" -cp "$jar" bench/conv/ConvLayers.java
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores;" \
  "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset"
torch="${TORCH_PYTHON:-/tmp/torchenv/bin/python}"
[ -x "$torch" ] || echo "# no PyTorch at $torch: its rows are skipped"
for round in $(seq "$rounds"); do
  for direct in true false; do
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -XX:+AlwaysPreTouch -Xms3g -Xmn2500m \
      -Djgrad.cpu.directConvolution="$direct" -cp "$classes:$jar" ConvLayers "$reps" 2>/dev/null \
      | sed "s/^LAYER /round $round direct=$direct | /"
  done
  if [ -x "$torch" ]; then
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$torch" bench/conv/torch_layers.py "$reps" \
      | sed "s/^LAYER /round $round pytorch | /"
  fi
done
