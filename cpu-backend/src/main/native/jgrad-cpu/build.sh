#!/usr/bin/env bash
# Builds the CPU backend's native helper, libjgrad_cpu.so (x86-64 Linux), from the C sources
# beside this script. Only for maintainers: neither the build nor the user runs this; the library
# is committed under src/main/resources, and NativeLibraryFreshnessTest fails when it is stale.
#
#   build.sh [OUT_SO]     default: the committed location
#
# Needs gcc and a JDK (for jni.h; JAVA_HOME or the java on PATH).
set -euo pipefail
export LC_ALL=C
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../../resources/dev/jgrad/cpu/native/linux-x86_64/libjgrad_cpu.so}"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$here" # relative source names keep build paths out of the library
flags=(-O3 -fPIC -fvisibility=hidden -fno-plt -Wall -Wextra -Werror -Wno-unused-parameter -Wno-psabi)
objects=()
for source in sparse_kernels loss_kernels conv_kernels pool_kernels gemm_kernels \
    elementwise_kernels; do
  # -O3's predictive commoning carried the direct convolution's broadcasts from one tap to the
  # next through the stack, spilling accumulators: its register tiles ran 10-30% slower
  extra=()
  [ $source = conv_kernels ] && extra=(-fno-predictive-commoning)
  # the same bits as the Java loops they stand in for: no fused multiply-adds; sqrtf as one
  # vector instruction (errno, which nothing reads, kept it a library call in a scalar loop)
  [ $source = elementwise_kernels ] && extra=(-ffp-contract=off -fno-math-errno)
  for variant in avx512:x86-64-v4 avx2:x86-64-v3 base:x86-64; do
    gcc "${flags[@]}" "${extra[@]}" -march="${variant#*:}" -DSUFFIX="_${variant%%:*}" -c $source.c \
      -o "$tmp/${source}_${variant%%:*}.o"
    objects+=("$tmp/${source}_${variant%%:*}.o")
  done
done
gcc "${flags[@]}" -march=x86-64 -I"$java_home/include" -I"$java_home/include/linux" \
  -c jgrad_cpu_jni.c -o "$tmp/jni.o"
mkdir -p "$(dirname "$out")"
gcc -shared -Wl,-soname,libjgrad_cpu.so -Wl,--build-id=none -o "$tmp/libjgrad_cpu.so" \
  "$tmp/jni.o" "${objects[@]}" -ldl -lm -pthread
strip --strip-unneeded "$tmp/libjgrad_cpu.so"
mv "$tmp/libjgrad_cpu.so" "$out"
