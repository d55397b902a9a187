#!/usr/bin/env bash
# LossChart against XChart for the main job's chart: first-call and warm render+encode times, PNG
# bytes, and the bytes XChart's jars would add to the shaded jgrad-mnist.jar. Needs the shaded jar
# (mvn -B package -DskipTests) and Maven to fetch XChart 3.8.8 (bench/chart/pom.xml). Writes
# /tmp/chart-{ours,xchart}-{20,200}.png. Numbers in docs/dependencies.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=examples/mnist/target/jgrad-mnist.jar
[ -f "$jar" ] || { echo "run.sh: $jar is missing: build first (mvn -B package -DskipTests)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mvn -B -q -f bench/chart/pom.xml dependency:build-classpath -Dmdep.outputFile="$out/cp" >/dev/null
xcp=$(cat "$out/cp")
javac -d "$out" -cp "$jar:$xcp" bench/chart/ChartBench.java
cp="$out:$jar:$xcp"
for epochs in 20 200; do
  for which in ours xchart; do
    for run in 1 2 3; do java -cp "$cp" ChartBench first "$which" "$epochs"; done
  done
  java -cp "$cp" ChartBench warm "$epochs"
done
echo "shaded jar: $(stat -c %s "$jar") bytes; XChart's jars (compile scope, as shade would take them):"
total=0; junit=0
for j in $(tr ':' ' ' < "$out/cp"); do
  size=$(stat -c %s "$j"); total=$((total + size))
  case "$(basename "$j")" in junit-*|opentest4j-*|apiguardian-*) junit=$((junit + size));; esac
  printf '  %9d %s\n' "$size" "$(basename "$j")"
done
echo "  total $total bytes; $junit of them JUnit 5 (pdfbox 3.0.1 declares it at compile scope)"
