#!/usr/bin/env bash
# CPU GEMM benchmark: jgrad's CPU backend (OpenBLAS through org.bytedeco) against NumPy on the
# same shapes, timed the same way, in one run. Builds the cpu-backend module and its test classes
# (where the Java benchmark lives), then prints a table with the ratio jgrad / numpy per shape.
#
# Usage: bench/gemm/run.sh            (from anywhere; needs mvn, java 17+, python3 with numpy)
# Env:   JAVA_OPTS  extra JVM options for the Java benchmark
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

cd "$root"
# Only this module: the api jar comes from the local repository (mvn -pl api install once).
mvn -B -q -Dstyle.color=never -pl cpu-backend test-compile dependency:build-classpath \
  -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test >/dev/null
cp="cpu-backend/target/classes:cpu-backend/target/test-classes:$(cat "$out/classpath.txt")"

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(java -version 2>&1 | head -1)"
echo "numpy:   $(python3 -c 'import numpy; print(numpy.__version__)')"
echo "date:    $(date)"
echo

# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$cp" dev.jgrad.cpu.GemmBenchmark | tee "$out/java.txt" >/dev/null
python3 "$here/gemm_numpy.py" > "$out/numpy.txt"
python3 "$here/report.py" "$out/java.txt" "$out/numpy.txt"
