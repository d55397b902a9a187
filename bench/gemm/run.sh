#!/usr/bin/env bash
# CPU GEMM benchmark: jgrad's CPU backend (OpenBLAS through org.bytedeco) against NumPy on the
# same shapes, timed the same way, in one run. Builds the cpu-backend module and its test classes
# (where the Java benchmark lives), then prints a table with the ratio jgrad / numpy per shape.
#
# Usage: bench/gemm/run.sh            (from anywhere; needs mvn, java 17+, python3 with numpy)
# Env:   ROUNDS     rounds of Java-then-NumPy, alternated so both see the same machine load (3)
#        BLAS_THREADS  threads for both sides: NumPy's OpenBLAS gets OPENBLAS_NUM_THREADS; jgrad gets
#                   no split at all for 1, OpenBLAS's own threading for N > 1 (default: NumPy's
#                   OpenBLAS on all cores, jgrad's own split over all cores)
#        JAVA_OPTS  extra JVM options for the Java benchmark
#        MVN_FLAGS  extra Maven options, e.g. -Dmaven.repo.local=... or -o
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

cd "$root"
# Only this module: the api jar comes from the local repository (mvn -pl api install once).
# shellcheck disable=SC2086
mvn -B -q -Dstyle.color=never ${MVN_FLAGS:-} -pl cpu-backend test-compile dependency:build-classpath \
  -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test > "$out/mvn.log" 2>&1 \
  || { cat "$out/mvn.log"; exit 1; }
cp="cpu-backend/target/classes:cpu-backend/target/test-classes:$(cat "$out/classpath.txt")"

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(java -version 2>&1 | head -1)"
echo "numpy:   $(python3 -c 'import numpy; print(numpy.__version__)')"
echo "date:    $(date)"
echo

rounds="${ROUNDS:-3}"
java_opts="${JAVA_OPTS:-}"
if [[ -n "${BLAS_THREADS:-}" ]]; then
  export OPENBLAS_NUM_THREADS="$BLAS_THREADS"  # NumPy's OpenBLAS
  if [[ "$BLAS_THREADS" == 1 ]]; then
    java_opts="$java_opts -Djgrad.cpu.threads=1"
  else
    java_opts="$java_opts -Djgrad.cpu.blasThreads=$BLAS_THREADS"
  fi
  echo "OpenBLAS threads: $BLAS_THREADS on both sides"
fi
for r in $(seq 1 "$rounds"); do
  # shellcheck disable=SC2086
  java $java_opts -cp "$cp" dev.jgrad.cpu.GemmBenchmark > "$out/java$r.txt"
  python3 "$here/gemm_numpy.py" > "$out/numpy$r.txt"
done
python3 "$here/report.py" "$out"/java*.txt -- "$out"/numpy*.txt
