#!/usr/bin/env bash
# Trains MNIST data-parallel on Spark in local mode (two partitions by default):
#   examples/spark-mnist/run.sh [--partitions 2] [--epochs 2] [--local-steps 1] [--barrier] ...
# Builds what it needs with Maven (offline when the dependencies are already in ~/.m2), then runs
# the example on the class path with Spark's own jars from the Maven build.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
offline=()
if [[ "${JGRAD_MVN_OFFLINE:-}" == 1 ]]; then offline=(-o); fi
mvn -B -q "${offline[@]}" compile dependency:build-classpath -pl examples/spark-mnist -am \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=compile
# Java 17 + Spark: the openings Spark's launcher adds (org.apache.spark.launcher.JavaModuleOptions)
opens=(-XX:+IgnoreUnrecognizedVMOptions)
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
  java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
  sun.security.action sun.util.calendar; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
exec java "${opens[@]}" -Djdk.reflect.useDirectMethodHandle=false \
  -Dio.netty.tryReflectionSetAccessible=true \
  -cp "examples/spark-mnist/target/classes:$(cat examples/spark-mnist/target/classpath.txt)" \
  dev.jgrad.examples.spark.SparkMnist "$@"
