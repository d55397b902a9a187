#!/usr/bin/env bash
# The CPU backend's float products with its own kernel (the native helper's gemm_kernels.c, the
# default) against OpenBLAS (-Djgrad.cpu.sgemm=openblas), shape by shape, the two JVMs
# alternating over rounds; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for both. Prints the
# median microseconds per call of each and the ratio OpenBLAS / own (above 1: own faster).
#
#   bench/gemm/own-vs-openblas.sh [ROUNDS] [SHAPES]     (after mvn -B -q install -DskipTests)
#
# SHAPES: "M,N,K,TA,TB;..." (TA, TB: N or T); default the MLPs' and SimpleConvNet's products
# at batch 100 (784-1000-1000-10, 784-100-10, im2col's conv 1 and the affine layers).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
shapes="${2:-100,1000,784,N,N;100,1000,1000,N,N;1000,1000,100,T,N;784,1000,100,T,N;100,1000,1000,N,T;100,10,1000,N,N;1000,10,100,T,N;100,1000,10,N,T;100,100,784,N,N;784,100,100,T,N;100,784,100,N,T;57600,30,25,N,N;25,30,57600,T,N;100,100,4320,N,N;4320,100,100,T,N;100,4320,100,N,T}"
jar=examples/mnist/target/jgrad-mnist.jar
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores;" \
  "$(java -version 2>&1 | head -1); OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset"
for round in $(seq "$rounds"); do
  for kernel in jgrad openblas; do
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -Djgrad.cpu.sgemm=$kernel -cp "$jar" \
      bench/gemm/ShapeTimes.java "$shapes" 2>/dev/null > "$out/$kernel.$round"
  done
done
python3 - "$out" "$rounds" <<'PY'
import statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def load(kernel):
    times = {}
    for r in range(1, rounds + 1):
        for line in open(f"{out}/{kernel}.{r}"):
            if not line.startswith("SHAPE "):  # log lines
                continue
            _, shape, us = line.split()
            times.setdefault(shape, []).append(float(us))
    return times
own, blas = load("jgrad"), load("openblas")
print("| m,n,k,transA,transB | own us | OpenBLAS us | OpenBLAS / own |")
print("|---|---|---|---|")
for shape in own:
    o, b = statistics.median(own[shape]), statistics.median(blas[shape])
    print(f"| {shape} | {o:,.1f} | {b:,.1f} | {b / o:.2f} |")
PY
