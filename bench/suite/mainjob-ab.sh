#!/usr/bin/env bash
# A/B of two builds on the README's main job as a user runs it, whole process, the builds
# alternating:
#
#   bench/suite/mainjob-ab.sh JAR_A JAR_B [PAIRS] [OUT_PARENT] [-- MAIN_JOB_ARGS...]
#
# JAR_A and JAR_B: jgrad-mnist.jar of each build; PAIRS default 5; OUT_PARENT (default a new
# temporary folder) is where each run's --out goes, e.g. /dev/shm to leave the disk's fsyncs out.
# Prints, per run, the process's wall time in ms (date around `java -jar`), the final accuracy
# and the checkpoint's sha1, then each build's median. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are
# unset for both builds.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: mainjob-ab.sh JAR_A JAR_B [PAIRS] [OUT_PARENT] [-- ARGS...]" >&2
  exit 2; }
a=$1 b=$2
shift 2
pairs=5
if [ $# -gt 0 ] && [ "$1" != "--" ]; then pairs=$1; shift; fi
parent=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then parent=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
work="$(mktemp -d "${parent:-${TMPDIR:-/tmp}}/mainjob-ab.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "out in $work, args: $*"
declare -A times
for i in $(seq "$pairs"); do
  for jar in "$a" "$b"; do
    out="$work/out"
    rm -rf "$out"
    start=$(date +%s%N)
    log=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -jar "$jar" --out "$out" "$@" 2>&1) \
      || { echo "mainjob-ab.sh: the main job failed with $jar:" >&2; tail -5 <<< "$log" >&2
           exit 1; }
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    times[$jar]="${times[$jar]:-} $ms"
    accuracy=$(grep -o 'final test accuracy: [0-9.]*%' <<< "$log" | grep -o '[0-9.]*%' || echo '?')
    sha=$(sha1sum "$out/checkpoint.safetensors" 2>/dev/null | cut -c1-8 || echo none)
    echo "$i $jar ${ms} ms accuracy $accuracy checkpoint $sha"
  done
done
for jar in "$a" "$b"; do
  echo "median $jar $(tr ' ' '\n' <<< "${times[$jar]}" | grep . | sort -n \
    | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}') ms"
done
