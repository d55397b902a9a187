#!/usr/bin/env bash
# Trains MNIST data-parallel on Spark in local mode (two partitions by default):
#   examples/spark-mnist/run.sh [--partitions 2] [--epochs 2] [--local-steps 1] [--barrier] ...
# Builds what it needs with Maven, then runs the example on the class path with Spark's own jars
# from the Maven build.
set -euo pipefail
cd "$(dirname "$0")/../.."
source examples/spark-mnist/env.sh
exec java "${jvm[@]}" -cp "$cp" dev.jgrad.examples.spark.SparkMnist "$@"
