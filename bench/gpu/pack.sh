#!/usr/bin/env bash
# pack.sh [--no-build] [--dry-run] - builds .devpack/ for the GPU machine (see docs/gpu/README.md):
#
#   .devpack/jgrad-device.tgz   a jlinked Java runtime; lib/: examples/mnist's runtime class path
#                               (unused natives stripped); test-lib/: the JUnit console launcher,
#                               the testkit, the swish plugin and the test classes of cuda-backend,
#                               autograd and the plugin; bench/: GpuTrainBench compiled
#   .devpack/device-check.sh    the one command to run there
#   .devpack/torch_gpu_mlp.py   the PyTorch peer of the benchmark
#
# --no-build   use the build already in the target folders (e.g. right after mvn verify)
# --dry-run    then run the bundle here, on the CPU (device-check.sh --cpu), and exit with its
#              status: the bundle's classes load, the probe says why CUDA is unavailable, the GPU
#              tests skip, the main job, soak and benchmark main run on the CPU backend
#
# Needs a JDK (jlink, jdeps, javac), Maven, zip, unzip, tar and gzip. The bundle plus the working
# tree must stay under 60 MiB (the device tool carries 64 MiB at most); this script fails above that.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
die() { echo "pack.sh: $*" >&2; exit 1; }
build=1
dry=0
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --dry-run) dry=1 ;;
    -h|--help) sed -n 2,19p "$0"; exit 0 ;;
    *) die "unknown option '$a' (use --no-build, --dry-run or --help)" ;;
  esac
done
for tool in zip unzip tar gzip mvn; do
  command -v $tool >/dev/null || die "$tool is not on PATH; install it (e.g. apt-get install $tool)"
done
JDK=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
[ -x "$JDK/bin/jlink" ] || die "no jlink in $JDK; set JAVA_HOME to a JDK 17 or newer"
LIMIT=$((60 * 1024 * 1024))

if [ $build = 1 ]; then
  echo "pack.sh: building (mvn package -DskipTests)"
  mvn -B -q package -DskipTests
fi
MNIST=examples/mnist/target
for f in $MNIST/original-jgrad-mnist.jar $MNIST/lib cuda-backend/target/test-classes \
    autograd/target/test-classes examples/swish-plugin/target/test-classes; do
  [ -e "$f" ] || die "$f is missing: build first (mvn -B verify, or run without --no-build)"
done

ST=$(mktemp -d /tmp/jgrad-pack.XXXXXX)
trap 'rm -rf "$ST"' EXIT
mkdir -p "$ST/lib" "$ST/test-lib" "$ST/bench"
cp $MNIST/lib/*.jar "$ST/lib/"
# the plain jar beside its dependencies (jgrad-mnist.jar is the self-contained one, which holds
# them all again)
cp $MNIST/original-jgrad-mnist.jar "$ST/lib/jgrad-mnist.jar"
# Natives nothing loads (about 15 MB compressed): JCuda's PTX compiler and NVRTC bindings, the
# legacy cuBLAS binding (the backend uses JCublas2), OpenBLAS's LAPACK builds (the CPU backend
# loads openblas_nolapack).
(cd "$ST/lib"
  zip -q -d jcuda-natives-*-linux-x86_64.jar 'lib/libJNvPTXCompiler-*' 'lib/libJNvrtc-*'
  zip -q -d jcublas-natives-*-linux-x86_64.jar 'lib/libJCublas-*'
  zip -q -d openblas-*-linux-x86_64.jar '*/libjniopenblas.so' '*/libjniopenblas_full.so')

# The JUnit console launcher of the platform that goes with the project's Jupiter (5.x.y: 1.x.y).
jupiter=$(sed -n 's:.*<junit.version>\(5\.[0-9.]*\)</junit.version>.*:\1:p' pom.xml)
[ -n "$jupiter" ] || die "no <junit.version>5.x.y</junit.version> in pom.xml"
platform="1.${jupiter#5.}"
mvn -B -q dependency:copy \
  -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" \
  -DoutputDirectory="$ST/test-lib"
# the classes jars only: the globs would also take the -sources and -javadoc jars (170 KB)
for j in testkit/target/jgrad-testkit-*.jar examples/swish-plugin/target/jgrad-example-swish-plugin-*.jar; do
  case "$j" in *-sources.jar|*-javadoc.jar) ;; *) cp "$j" "$ST/test-lib/" ;; esac
done
for m in cuda-backend autograd examples/swish-plugin; do
  jar cf "$ST/test-lib/tests-$(basename $m).jar" -C "$m/target/test-classes" .
done
# The classes device-check.sh selects. Listed into a variable first: under pipefail, grep -q
# ending a pipe early fails the pipe whenever unzip is still writing (SIGPIPE).
listed=$(unzip -Z1 "$ST/test-lib/tests-cuda-backend.jar")
for t in CudaPrimitivesTest BackendParityTest PtxGemmTest; do
  grep -qx "dev/jgrad/cuda/$t.class" <<<"$listed" || die "the cuda-backend test classes lack $t"
done
"$JDK/bin/javac" --release 17 -d "$ST/bench" -cp "$ST/lib/*" bench/gpu/GpuTrainBench.java

echo "pack.sh: jlink"
# --module-path too: jgrad's jars are modules, and jdeps resolves what they require (JCuda's
# automatic modules) on it; without it jdeps fails and the runtime lacks java.naming and more.
modules=$("$JDK/bin/jdeps" --multi-release 17 --ignore-missing-deps -q --print-module-deps \
  --module-path "$ST/lib" --class-path "$ST/lib/*" "$ST"/lib/*.jar 2>/dev/null || true)
# java.xml: JUnit's XML reports; jdk.zipfs: reading jars as file systems; the rest as jdeps says
modules="java.base,java.logging,java.management,jdk.unsupported,java.xml,jdk.zipfs${modules:+,$modules}"
# No --compress: the bundle is gzipped whole, and gzip over jlink's zipped modules file left the
# runtime 30.6 MB in the tgz against 24.5 MB uncompressed (JDK 17, 2026-12-06)
"$JDK/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$ST/runtime"
if command -v strip >/dev/null; then # Debian's libjvm.so keeps its symbol table (about 4 MB)
  find "$ST/runtime" -name '*.so' -exec strip --strip-unneeded {} + 2>/dev/null || true
fi
"$ST/runtime/bin/java" -version >/dev/null 2>&1 || die "the jlinked runtime does not start"

mkdir -p .devpack
rm -f .devpack/*
tar -C "$ST" -czf .devpack/jgrad-device.tgz runtime lib test-lib bench
cp bench/gpu/device-check.sh bench/gpu/torch_gpu_mlp.py .devpack/
bundle=$(du -cb .devpack | tail -1 | cut -f1)
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null \
  | awk '$2 == "total" { s += $1 } END { print s + 0 }')
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "pack.sh: .devpack $(mib $bundle) + working tree $(mib $tree) = $(mib $((bundle + tree))) (limit $(mib $LIMIT))"
[ $((bundle + tree)) -le $LIMIT ] || die "the bundle and the working tree exceed $(mib $LIMIT)"

if [ $dry = 1 ]; then
  out=$(mktemp -d /tmp/jgrad-dry-run.XXXXXX)
  cublas13=cuda-backend/target/cublas13/lib # fetched by CublasShimLoadTest where pip works
  echo "pack.sh: dry run on the CPU (logs in $out)"
  rc=0
  if [ -e "$cublas13/libcublas.so.13" ]; then
    OUT=$out JGRAD_CUBLAS_PATH="$ROOT/$cublas13" bash .devpack/device-check.sh --cpu || rc=$?
  else
    OUT=$out bash .devpack/device-check.sh --cpu || rc=$?
  fi
  exit $rc
fi
