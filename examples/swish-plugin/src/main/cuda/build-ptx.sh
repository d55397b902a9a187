#!/usr/bin/env bash
# Regenerates swish.ptx (committed, so users need no nvcc). As in the CUDA backend: compute_75,
# and the .version line lowered from nvcc 13's 9.0 to 8.0 so CUDA 12 drivers load it too; ptxas
# checks the result.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../resources/dev/jgrad/examples/swish}"
mkdir -p "$out"
nvcc -arch=compute_75 -ptx -O3 -o "$out/swish.ptx.tmp" "$here/swish.cu"
sed -e 's/^\.version 9\.0$/.version 8.0/' "$out/swish.ptx.tmp" > "$out/swish.ptx"
rm -f "$out/swish.ptx.tmp"
ptxas -arch=sm_75 "$out/swish.ptx" -o /dev/null
echo "build-ptx.sh: swish.ptx ok"
