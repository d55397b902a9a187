# Sourced by run.sh and cluster.sh (from the repository root): builds the example with Maven
# (offline with JGRAD_MVN_OFFLINE=1) and sets
#   cp    the class path: the example's classes, jgrad, and Spark from the Maven artifacts
#   jvm   the JVM options Spark needs on Java 17 (org.apache.spark.launcher.JavaModuleOptions)
offline=()
if [[ "${JGRAD_MVN_OFFLINE:-}" == 1 ]]; then offline=(-o); fi
# Every scope (the default): Spark is `provided` and the CPU backend `runtime`, which no single
# includeScope takes together; the test jars that come along are harmless here.
mvn -B -q "${offline[@]}" compile dependency:build-classpath -pl examples/spark-mnist -am \
  -Dmdep.outputFile=target/classpath.txt
cp="$PWD/examples/spark-mnist/target/classes:$(cat examples/spark-mnist/target/classpath.txt)"
jvm=(-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true)
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
  java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
  sun.security.action sun.util.calendar; do
  jvm+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
