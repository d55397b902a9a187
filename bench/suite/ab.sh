#!/usr/bin/env bash
# A/B of two builds on one workload of the suite, the programs alternating, for a change's cost:
#
#   bench/suite/ab.sh JAR_A JAR_B WORKLOAD DATA EPOCHS [PAIRS]    (PAIRS default 3)
#
# JAR_A and JAR_B: jgrad-mnist.jar of each build (e.g. built in a `git worktree` of the old
# commit); WORKLOAD and DATA as JgradWorkload takes them (mlp-small, mlp-large, cnn, deep;
# embedded or fashion). Prints, per run, the first epoch, the median epoch and the sum of the
# epochs in seconds. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for both programs.
set -euo pipefail
[ $# -ge 5 ] || { echo "usage: ab.sh JAR_A JAR_B WORKLOAD DATA EPOCHS [PAIRS]" >&2; exit 2; }
a=$1 b=$2 workload=$3 data=$4 epochs=$5 pairs=${6:-3}
here="$(cd "$(dirname "$0")" && pwd)"
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
javac -d "$classes" -cp "$a" "$here/JgradWorkload.java" "$here/SuiteModels.java"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$pairs"); do
  for jar in "$a" "$b"; do
    line=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -cp "$classes:$jar" JgradWorkload \
      "$workload" "$data" "$epochs" 2>/dev/null | grep '^EPOCH_SECONDS') \
      || { echo "ab.sh: JgradWorkload $workload $data $epochs failed with $jar" >&2; exit 1; }
    epochs_s=${line#EPOCH_SECONDS }
    sorted=$(tr ',' '\n' <<< "$epochs_s" | sort -g | paste -sd' ')
    awk -v i="$i" -v jar="$jar" -v all="$epochs_s" -v sorted="$sorted" 'BEGIN {
      n = split(all, e, ","); split(sorted, v, " "); s = 0
      for (k = 1; k <= n; k++) s += e[k]
      m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      printf "%s %s first %.3f median %.3f sum %.3f\n", i, jar, e[1], m, s }'
  done
done
