#!/usr/bin/env bash
# device-check.sh [--cpu] - the one command run on the GPU machine, from the repository root, with
# the bundle that bench/gpu/pack.sh put in .devpack/ (see docs/gpu/README.md):
#
#   device tool: run(command="bash .devpack/device-check.sh", carry=[".devpack"], timeout_s=540)
#
# It needs no Java there (the bundle brings a runtime) and no network. Steps, each with a time
# limit, all within BUDGET seconds (default 450): the environment; the CUDA probe and cuBLAS;
# the CUDA test classes, and every op's parity with the CPU; examples/mnist on the GPU, on the CPU
# with the same seed, the GPU's checkpoint evaluated on the CPU, and the main job with and without
# --capture-steps; the soak; the two benchmarks against PyTorch, each also as a CUDA graph; in
# the time left, the two convolutional nets with and without --capture-steps, and a short
# SimpleConvNet run with the augmentations. The
# GPU tests run with -Djgrad.test.requireGpu=true, so a missing GPU fails them instead of
# skipping them. Writes to $OUT (at most 8 files): env.txt, tests.log, run.log, summary.txt,
# junit-cuda/ and junit-parity/ (JUnit XML), training.png and crash.txt (only when a JVM
# crashed). Prints the summary last; exits 0 only when every check passed.
#
# --cpu is the dry run on a machine without a GPU (CI, through pack.sh --dry-run): the probe must
# say why CUDA is unavailable, the GPU test classes must load and skip, and the main job, the
# soak, the benchmark main and the checkpoint check run briefly on the CPU backend.
set -u
MODE=gpu
case "${1:-}" in
  --cpu) MODE=cpu ;;
  "") ;;
  *) echo "usage: device-check.sh [--cpu]" >&2; exit 2 ;;
esac
OUT=${OUT:-/tmp/jgrad-device-out}
mkdir -p "$OUT"
END=$((SECONDS + ${BUDGET:-450}))
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/jgrad-device.XXXXXX)
mkdir -p "$W/tmp"
tar -xzf "$HERE/jgrad-device.tgz" -C "$W" || { echo "FAIL: could not unpack the bundle"; exit 1; }
ENVF=$OUT/env.txt T=$OUT/tests.log R=$OUT/run.log S=$OUT/summary.txt
: > "$T"; : > "$R"; : > "$S"
J=("$W/runtime/bin/java" -Xss512k "-Djava.io.tmpdir=$W/tmp" "-XX:ErrorFile=$W/hs_err_%p.log")
CP="$W/lib/*"
TCP="$W/lib/*:$W/test-lib/*"
BCP="$W/lib/*:$W/bench"
if [ $MODE = gpu ]; then
  BACKEND=cuda
  REQUIRE=(-Djgrad.test.requireGpu=true)
else
  BACKEND=cpu
  REQUIRE=()
fi
FAILED=0
# pass|fail NAME DETAIL: one line of the summary
pass() { printf 'PASS  %-22s %s\n' "$1" "$2" >> "$S"; }
fail() { printf 'FAIL  %-22s %s\n' "$1" "$2" >> "$S"; FAILED=1; }
note() { printf 'NOTE  %-22s %s\n' "$1" "$2" >> "$S"; }
# t SECONDS CMD...: runs CMD with a limit, never past END; says so when it failed or timed out
t() {
  local limit=$1 left=$((END - SECONDS)); shift
  if [ $left -lt 15 ]; then echo "NO TIME LEFT for: $*"; return 124; fi
  [ "$limit" -gt "$left" ] && limit=$left
  echo "== $(date -u +%T) ($SECONDS s) $*"
  timeout -k 5 "$limit" "$@"
  local rc=$?
  [ $rc = 0 ] || echo "EXIT $rc (limit $limit s): $*"
  return $rc
}

# ---- 0. the machine ------------------------------------------------------------------------
{
  date -u
  nvidia-smi 2>&1 | head -20
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv 2>&1
  uname -a; head -2 /etc/os-release; ldd --version 2>&1 | head -1
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  echo "python3: $(command -v python3)"
  ldconfig -p 2>/dev/null | grep -E 'libcuda.so.1|libcublas|libfreetype.so.6|libfontconfig'
  python3 -c 'import torch; print("torch", torch.__version__, torch.version.cuda,
    torch.cuda.is_available())' 2>&1 | tail -1
  python3 -c 'import glob, os, nvidia
for r in nvidia.__path__:
    for p in sorted(glob.glob(os.path.join(r, "*", "lib", "libcublas*.so*"))): print("pip:", p)' \
    2>&1 | tail -4
  command -v java || echo "no system java (the bundle brings one)"
  "${J[0]}" -version 2>&1
} > "$ENVF" 2>&1
gpu=$(grep -A1 '^name, driver' "$ENVF" | tail -1)
note machine "${gpu:-no nvidia-smi} | $(grep -m1 '^torch' "$ENVF")"

# ---- 1. the probe and cuBLAS, found by the backend's own search --------------------------------
probe=$(t 60 "${J[@]}" -cp "$TCP" dev.jgrad.cuda.ProbeMain 2>&1 | tee -a "$T" | grep -m1 '^PROBE')
if [ $MODE = gpu ] && [ "$probe" != "PROBE: available" ] && echo "$probe" | grep -q cuBLAS; then
  # The product's own search missed cuBLAS: record that, and go on with the pip folders on the
  # loader path, so the rest of the run still says something.
  fail "cuBLAS search" "${probe:0:300}"
  pip=$(python3 -c 'import glob, os, nvidia
print(":".join(sorted({os.path.dirname(p) for r in nvidia.__path__
    for p in glob.glob(os.path.join(r, "*", "lib", "lib*.so*"))})))' 2>/dev/null)
  export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$pip"
  note "fallback" "LD_LIBRARY_PATH += pip nvidia folders for the remaining steps"
  probe=$(t 60 "${J[@]}" -cp "$TCP" dev.jgrad.cuda.ProbeMain 2>&1 | tee -a "$T" | grep -m1 '^PROBE')
fi
if [ $MODE = gpu ]; then
  [ "$probe" = "PROBE: available" ] && pass probe "available" || fail probe "${probe:-no answer}"
  cublas=$(t 60 "${J[@]}" -cp "$TCP" dev.jgrad.cuda.CublasLoadMain 2>&1 | tee -a "$T")
  if echo "$cublas" | grep -q '^CREATE status 0$'; then
    pass cuBLAS "$(echo "$cublas" | grep -E '^(LOADED|CUBLAS)' | paste -sd' ' | cut -c1-200)"
  else
    fail cuBLAS "$(echo "$cublas" | grep -vE '^(==|EXIT)|^\s+at ' | tail -3 | paste -sd' ' \
      | cut -c1-300)"
    # Without a working cuBLAS every later step would fail on its first product: run them with
    # jgrad's own products instead, so this run still checks everything else
    J+=(-Djgrad.cuda.gemm=ptx)
    note "fallback" "the remaining steps run with -Djgrad.cuda.gemm=ptx (no cuBLAS): their \
speed figures are not cuBLAS's"
  fi
else
  case "$probe" in
    "PROBE: unavailable"*) pass probe "${probe:0:160}" ;;
    *) fail probe "expected unavailable on the CPU, got: ${probe:-no answer}" ;;
  esac
  if [ -n "${JGRAD_CUBLAS_PATH:-}" ]; then # cuBLAS 13 without a GPU: the shim still loads
    cublas=$(t 60 "${J[@]}" -cp "$TCP" dev.jgrad.cuda.CublasLoadMain 2>&1 | tee -a "$T")
    echo "$cublas" | grep -q '^CUBLAS 13\.' && pass cuBLAS "loads through the shim (no GPU)" \
      || fail cuBLAS "$(echo "$cublas" | grep -vE '^(==|EXIT)|^\s+at ' | tail -3 \
      | paste -sd' ' | cut -c1-300)"
  fi
fi

# ---- 2. JUnit: the CUDA test classes, then every op against the CPU --------------------------
junit() { # NAME LIMIT CLASS...
  local name=$1 limit=$2; shift 2
  local sel=() c
  for c; do sel+=(--select-class="$c"); done
  local log="$W/$name.log"
  t "$limit" "${J[@]}" -Djgrad.backend=$BACKEND "${REQUIRE[@]}" -cp "$TCP" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors \
    --include-engine=junit-jupiter --details=tree --reports-dir="$OUT/$name" "${sel[@]}" \
    > "$log" 2>&1
  cat "$log" >> "$T"
  local ok failed aborted skipped cfailed caborted
  n() { grep -E "^\[ +[0-9]+ $1" "$log" | grep -oE '[0-9]+' | head -1; }
  ok=$(n 'tests successful'); failed=$(n 'tests failed'); aborted=$(n 'tests aborted')
  skipped=$(n 'tests skipped')
  # a class or test factory that fails as a whole runs no test at all: it counts as a container
  cfailed=$(n 'containers failed'); caborted=$(n 'containers aborted')
  local counts="${ok:-?} passed, ${failed:-?} failed, ${aborted:-?} aborted, ${skipped:-?} skipped"
  counts="$counts; containers ${cfailed:-?} failed, ${caborted:-?} aborted"
  if [ -z "$ok" ]; then
    fail "$name" "no JUnit summary: $(grep -vE '^\s+at ' "$log" | tail -2 | paste -sd' ' | cut -c1-200)"
  elif [ $MODE = gpu ]; then
    if [ "$failed$aborted$skipped$cfailed$caborted" = 00000 ] && [ "$ok" -gt 0 ]; then
      pass "$name" "$counts"
    else
      fail "$name" "$counts; first: $(grep -m3 -E '✘' "$log" | cut -c1-120 | paste -sd'|')"
    fi
  else # without a GPU the GPU tests load and skip (aborted by their assumption), none fails
    if [ "$failed" = 0 ] && [ "$cfailed" = 0 ] && [ "$aborted" -gt 0 ]; then
      pass "$name" "$counts (no GPU: the GPU tests skipped, as they must)"
    else fail "$name" "$counts"; fi
  fi
}
junit junit-cuda 150 dev.jgrad.cuda.CudaPrimitivesTest dev.jgrad.cuda.CudaBackendBehaviourTest \
  dev.jgrad.cuda.CudaGraphTest dev.jgrad.cuda.PtxGemmTest
# every op, activation, loss and FLOAT64 gradient against the CPU; the plugin's PTX. Before the
# long steps below, so that their time cannot starve it (it needs tens of seconds)
junit junit-parity 170 dev.jgrad.cuda.BackendParityTest dev.jgrad.examples.swish.SwishTest

# ---- 3. the main job: GPU, the CPU with the same seed, the GPU's checkpoint on the CPU -------
acc() { grep -oE 'final test accuracy: [0-9.]+' "$1" | grep -oE '[0-9.]+$'; }
if [ $MODE = gpu ]; then MNIST_ARGS=(); else MNIST_ARGS=(--epochs 1 --limit 1000); fi
t 100 "${J[@]}" -Djgrad.backend=$BACKEND -cp "$CP" dev.jgrad.examples.mnist.MnistMain \
  "${MNIST_ARGS[@]}" --out "$W/mnist" > "$W/mnist.log" 2>&1
cat "$W/mnist.log" >> "$R"
cp "$W/mnist/training.png" "$OUT/" 2>/dev/null
a_dev=$(acc "$W/mnist.log")
files=$(cd "$W/mnist" 2>/dev/null && ls training.png metrics.csv checkpoint.safetensors 2>/dev/null \
  | wc -l)
if [ -n "$a_dev" ] && [ "$files" = 3 ]; then
  pass "mnist ($BACKEND)" "test accuracy $a_dev%; chart, CSV and checkpoint written"
else
  fail "mnist ($BACKEND)" "$(grep -E 'error|Exception' "$W/mnist.log" | head -2 | paste -sd' ' \
    | cut -c1-250) ($files of 3 files)"
fi
# the main job with its steps captured as CUDA graphs, and without: the same checkpoint, byte for
# byte. Batch 128 (a smaller last batch: a second capture) and momentum (its velocities) here;
# the CNN with Adam (convolutions, and the rate filled in before each launch) and DeepConvNet
# (Adam and two Dropout layers, whose mask counters are filled in before each launch) at the end
capture_check() { # NAME EPOCHS LIMIT ARGS... (EPOCHS and LIMIT on the GPU; LIMIT 0: all samples)
  local name=$1 epochs=$2 limit=$3 mode a_eager a_graph; shift 3
  if [ $((END - SECONDS)) -lt 130 ]; then # two runs of up to 60 s each
    note "$name --capture-steps" "not run: no time left in the budget"; return
  fi
  local args=("$@" --batch 128)
  if [ $MODE = gpu ]; then
    args+=(--epochs "$epochs"); [ "$limit" = 0 ] || args+=(--limit "$limit")
  else args+=(--epochs 1 --limit 1000); fi
  for mode in eager graph; do
    local extra=(); [ $mode = graph ] && extra=(--capture-steps)
    t 60 "${J[@]}" -Djgrad.backend=$BACKEND -cp "$CP" dev.jgrad.examples.mnist.MnistMain \
      "${args[@]}" "${extra[@]}" --out "$W/$name-$mode" > "$W/$name-$mode.log" 2>&1
    cat "$W/$name-$mode.log" >> "$R"
  done
  a_eager=$(acc "$W/$name-eager.log"); a_graph=$(acc "$W/$name-graph.log")
  # on the GPU the steps must really have been captured: the Trainer falls back with a warning
  local fallback=""
  [ $MODE = gpu ] && fallback=$(grep -m1 -E 'captureSteps: .*(run as usual|cannot capture)' \
    "$W/$name-graph.log")
  if [ -n "$fallback" ]; then
    fail "$name --capture-steps" "not captured: ${fallback:0:200}"
  elif [ -n "$a_graph" ] && [ -n "$a_eager" ] && cmp -s "$W/$name-eager/checkpoint.safetensors" \
      "$W/$name-graph/checkpoint.safetensors"; then
    pass "$name --capture-steps" "test accuracy $a_graph% (${args[*]}); the checkpoint is the \
uncaptured run's, byte for byte"
  else
    fail "$name --capture-steps" "test accuracy ${a_graph:-?}% vs ${a_eager:-?}% uncaptured \
(${args[*]}); checkpoints differ or missing: $(grep -hE 'error|Exception|WARN' \
      "$W/$name-graph.log" "$W/$name-eager.log" | head -2 | paste -sd' ' | cut -c1-200)"
  fi
}
capture_check mnist 5 0 --optimizer momentum
if [ $MODE = gpu ]; then
  t 90 "${J[@]}" -Djgrad.backend=cpu -cp "$CP" dev.jgrad.examples.mnist.MnistMain \
    --out "$W/mnist-cpu" > "$W/mnist-cpu.log" 2>&1
  cat "$W/mnist-cpu.log" >> "$R"
  a_cpu=$(acc "$W/mnist-cpu.log")
  if [ -n "$a_dev" ] && [ -n "$a_cpu" ] \
      && awk -v a="$a_dev" -v b="$a_cpu" 'BEGIN { d = a - b; exit !(d <= 0.5 && d >= -0.5) }'; then
    pass "mnist cuda vs cpu" "$a_dev% vs $a_cpu% (same seed; within 0.5 points)"
  else
    fail "mnist cuda vs cpu" "cuda ${a_dev:-?}% vs cpu ${a_cpu:-?}% (same seed; 0.5 points allowed)"
  fi
fi
pred=$(t 60 "${J[@]}" -Djgrad.backend=cpu -cp "$BCP" GpuTrainBench predict \
  "$W/mnist/checkpoint.safetensors" 2>&1 | tee -a "$R" | grep -m1 '^predict:')
a_pred=$(echo "$pred" | grep -oE 'test accuracy [0-9.]+' | grep -oE '[0-9.]+$')
if [ -n "$a_pred" ] && [ "$a_pred" = "$a_dev" ]; then
  pass "checkpoint on cpu" "$a_pred%, the same as the $BACKEND run"
else
  fail "checkpoint on cpu" "${a_pred:-?}% on the CPU vs ${a_dev:-?}% by the $BACKEND run: ${pred:0:200}"
fi

# ---- 4. the soak: the Trainer for 20 epochs, memory after each ------------------------------
if [ $MODE = gpu ]; then SOAK=(60000 20); else SOAK=(2000 3); fi
verdict=$(t 120 "${J[@]}" -Djgrad.backend=$BACKEND -cp "$BCP" GpuTrainBench soak "${SOAK[@]}" \
  2>&1 | tee -a "$R" | grep -m1 '^soak: verdict')
if [ $MODE = gpu ]; then
  echo "$verdict" | grep -q 'device memory flat' && echo "$verdict" | grep -q 'host heap flat' \
    && pass soak "${verdict#soak: verdict: }" || fail soak "${verdict:-no verdict}"
else
  echo "$verdict" | grep -q 'host heap flat' && pass soak "${verdict#soak: verdict: }" \
    || fail soak "${verdict:-no verdict}"
fi

# ---- 5. throughput: jgrad and PyTorch eager, same model, data and batches -------------------
bench() { # HIDDEN BATCH SAMPLES EPOCHS WARMUP
  local line
  line=$(t 75 "${J[@]}" -Djgrad.backend=$BACKEND -cp "$BCP" GpuTrainBench bench "$@" 2>&1 \
    | tee -a "$R" | grep -E '^bench: jgrad .*median')
  [ -n "$line" ] && pass "bench jgrad $1/$2" "${line#bench: jgrad }" \
    || fail "bench jgrad $1/$2" "no result (run.log)"
  line=$(grep -E '^bench: activity ' "$R" | tail -1)
  [ -n "$line" ] && note "activity $1/$2" "${line##*last epoch: }"
  # the same steps captured once as a CUDA graph and replayed: the same last loss, bit for bit
  local eager_loss graph_line graph_loss glog="$W/graph-$1-$2.log"
  eager_loss=$(grep -E "^bench: jgrad 784-.* batch $2: median" "$R" | tail -1 | grep -oE 'last loss \S+$')
  t 75 "${J[@]}" -Djgrad.backend=$BACKEND -cp "$BCP" GpuTrainBench bench "$@" graph > "$glog" 2>&1
  cat "$glog" >> "$R"
  graph_line=$(grep -E '^bench: jgrad .*median' "$glog")
  graph_loss=$(echo "$graph_line" | grep -oE 'last loss \S+$')
  if [ $((END - SECONDS)) -lt 15 ] && [ -z "$graph_line" ]; then
    note "bench graph $1/$2" "not run: no time left in the budget"
  elif [ -z "$graph_line" ]; then
    fail "bench graph $1/$2" "no result: $(grep -E 'Exception|error' "$glog" | head -2 \
      | paste -sd' ' | cut -c1-250)"
  elif [ -n "$eager_loss" ] && [ "$graph_loss" = "$eager_loss" ]; then
    pass "bench graph $1/$2" "${graph_line#bench: jgrad }; the eager run's $eager_loss"
  else
    fail "bench graph $1/$2" "${graph_line#bench: jgrad } but eager: ${eager_loss:-?}"
  fi
  if [ $MODE = gpu ] || python3 -c 'import torch, sys; sys.exit(not torch.cuda.is_available())' \
      2>/dev/null; then
    line=$(PYTHONUNBUFFERED=1 t 75 python3 "$HERE/torch_gpu_mlp.py" "$@" 2>&1 | tee -a "$R" \
      | grep -E '^bench: torch .*median')
    [ -n "$line" ] && pass "bench torch $1/$2" "${line#bench: torch }" \
      || fail "bench torch $1/$2" "no result (run.log)"
  fi
}
if [ $MODE = gpu ]; then
  bench 100 100 60000 20 2
  bench 1000,1000 1000 60000 10 2
else
  bench 100 100 2000 3 1
fi

# ---- 6. the convolutional nets captured, in the time left (after what the issue requires) ----
capture_check cnn 2 4000 --model cnn
capture_check deep 1 2000 --model deep
# the augmentations (a gather from a list uploaded each batch), last: they only have to run there
if [ $((END - SECONDS)) -ge 45 ]; then
  t 40 "${J[@]}" -Djgrad.backend=$BACKEND -cp "$CP" dev.jgrad.examples.mnist.MnistMain \
    --model cnn --epochs 1 --limit 2000 --augment 1 --rotate 10 --out "$W/augment" \
    > "$W/augment.log" 2>&1
  cat "$W/augment.log" >> "$R"
  a_aug=$(acc "$W/augment.log")
  if [ -n "$a_aug" ] && awk -v a="$a_aug" 'BEGIN { exit !(a > 50) }'; then
    pass "cnn --augment --rotate" "test accuracy $a_aug% after 1 epoch of 2,000 moved and turned images"
  else
    fail "cnn --augment --rotate" "${a_aug:-no}% after 1 epoch: $(grep -E 'error|Exception' \
      "$W/augment.log" | head -2 | paste -sd' ' | cut -c1-200)"
  fi
else
  note "cnn --augment --rotate" "not run: no time left in the budget"
fi


# ---- the end --------------------------------------------------------------------------------
# the CUDA backend's own warnings (a cuBLAS workspace not set, a fallback): not failures, but the
# first lines to read when a figure is off
cuda_warns=$(grep -h -E ' WARN +[^ ]*(Cuda|Cublas|cuda)' "$T" "$R" 2>/dev/null \
  | sed -E 's/^[0-9:.]+ WARN +//' | sort | uniq -c | sort -rn | head -3 | cut -c1-150 | paste -sd'|')
[ -n "$cuda_warns" ] && note "cuda warnings" "$cuda_warns"
crashes=$(ls "$W"/hs_err_*.log 2>/dev/null)
if [ -n "$crashes" ]; then
  for f in $crashes; do echo "== $f"; head -120 "$f"; done > "$OUT/crash.txt"
  fail "JVM crash" "$(grep -m2 -E '^# (Problematic frame|C  \[)|^# +(SIGSEGV|SIGBUS)' "$OUT/crash.txt" \
    | paste -sd' ' | cut -c1-200) (crash.txt)"
fi
{
  echo "== jgrad device check ($MODE mode): $SECONDS s"
  cat "$S"
  [ $FAILED = 0 ] && echo "RESULT: PASS" || echo "RESULT: FAIL"
} | tee "$S.tmp"
mv "$S.tmp" "$S"
rm -rf "$W"
exit $FAILED
