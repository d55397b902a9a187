#!/usr/bin/env bash
# Regenerates the PTX that the CUDA backend loads at run time, so neither the build nor the
# user needs nvcc. Commit the output (src/main/resources/dev/jgrad/cuda/*.ptx).
#
#   src/main/cuda/build-ptx.sh [OUT_DIR]      (default: the resources folder)
#
# Why the sed: nvcc 13 always writes ".version 9.0", which only drivers 580+ accept. Our kernels
# use nothing newer than PTX ISA 8.0, and the same text declared 8.0 loads on CUDA 12.0+
# drivers too (ptxas gives byte-identical machine code). ptxas then checks each file as 8.0.
# compute_75 (Turing) is the lowest target nvcc 13 supports; newer GPUs JIT it for themselves.
#
# PtxFreshnessTest runs this into a temporary folder and fails when the committed PTX differs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../resources/dev/jgrad/cuda}"
mkdir -p "$out"

command -v nvcc >/dev/null || { echo "build-ptx.sh: nvcc not found on PATH" >&2; exit 2; }
command -v ptxas >/dev/null || { echo "build-ptx.sh: ptxas not found on PATH" >&2; exit 2; }

for cu in "$here"/*.cu; do
  name="$(basename "$cu" .cu)"
  ptx="$out/$name.ptx"
  # -O3 is nvcc's default for device code; no fast-math: the tests hold FLOAT32 results to a
  # relative 1e-5 and fast-math exp/log/div are not that accurate.
  nvcc -arch=compute_75 -ptx -O3 -I "$here" -o "$ptx.tmp" "$cu"
  sed -e 's/^\.version 9\.0$/.version 8.0/' "$ptx.tmp" > "$ptx"
  rm -f "$ptx.tmp"
  grep -q '^\.version 8\.0$' "$ptx" || { echo "build-ptx.sh: $ptx has no .version 8.0 line" >&2; exit 1; }
  ptxas -arch=sm_75 "$ptx" -o /dev/null
  echo "build-ptx.sh: $name.ptx ok"
done
