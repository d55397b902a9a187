#!/usr/bin/env bash
# keep-logs.sh FILES_AT [WHAT] - after a device check on the GPU machine, keeps its logs in the
# repository (issue: raw logs committed under docs/gpu/<date>-<what>/) and prints the benchmark
# lines as rows for docs/benchmarks.md, so that the short GPU session spends no time on this.
#
#   bench/gpu/keep-logs.sh /path/from/the/device/tool/files_at device-check
#
# Copies summary.txt, env.txt, tests.log, run.log, training.png, crash.txt and the JUnit XML
# folders (whichever exist) into docs/gpu/$(date -u +%F)-WHAT/ (WHAT defaults to device-check;
# a second run the same day gets -2, -3...), and writes there junit-summary.txt: per XML file,
# its tests, failures, errors and skipped. Fails when FILES_AT has no summary.txt.
set -euo pipefail
src=${1:?usage: keep-logs.sh FILES_AT [WHAT]}
what=${2:-device-check}
[ -f "$src/summary.txt" ] || { echo "keep-logs.sh: no summary.txt in $src" >&2; exit 1; }
here=$(cd "$(dirname "$0")/../.." && pwd)
base="$here/docs/gpu/$(date -u +%F)-$what"
dest=$base
n=2
while [ -e "$dest" ]; do dest="$base-$n"; n=$((n + 1)); done
mkdir -p "$dest"
for f in summary.txt env.txt tests.log run.log training.png crash.txt; do
  [ -f "$src/$f" ] && cp "$src/$f" "$dest/"
done
for d in junit-cuda junit-parity; do
  [ -d "$src/$d" ] && cp -r "$src/$d" "$dest/"
done
{
  echo "# JUnit XML in $(basename "$dest"): tests, failures, errors, skipped per file"
  find "$dest" -name '*.xml' | sort | while read -r x; do
    head -c 4000 "$x" | grep -o '<testsuite [^>]*>' | head -1 \
      | sed -E 's/.*name="([^"]*)".*tests="([0-9]+)".*skipped="([0-9]+)".*failures="([0-9]+)".*errors="([0-9]+)".*/\1 tests=\2 failures=\4 errors=\5 skipped=\3/' \
      || true
  done
} > "$dest/junit-summary.txt"
echo "kept: $dest"
ls -la "$dest"
echo
echo "benchmark lines for docs/benchmarks.md (with the command, the machine from env.txt and"
echo "the date):"
grep -hE '^bench: (jgrad|torch) .*median|^bench: activity' "$dest/run.log" 2>/dev/null \
  | sed -E 's/^bench: /- /' || echo "(no benchmark lines in run.log)"
grep -hE '^(PASS|FAIL|NOTE) ' "$dest/summary.txt" | sed -E 's/^/    /'
