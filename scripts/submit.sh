#!/usr/bin/env bash
# Submits sparkscore to a Spark cluster with spark-submit: the shaded jar (target/sparkscore-*-spark.jar, built by
# `mvn -DskipTests package`), main class io.sparkscore.cli.SparkScoreCli, the JVM flags of conf/jvm.options for the
# driver and the executors, and conf/log4j2.properties shipped with --files.
#
# Usage: scripts/submit.sh [spark-submit options] -- <sparkscore command> [options]
#   Everything before `--` goes to spark-submit unchanged (it comes after this script's own settings, so a --conf
#   given here overrides them); everything after `--` goes to sparkscore. Without `--`, all arguments go to
#   sparkscore and spark-submit takes the master from spark-defaults.conf.
#
#   YARN (cluster mode; model, input and output on HDFS or another shared file system):
#     scripts/submit.sh --master yarn --deploy-mode cluster --num-executors 10 --executor-cores 4 \
#       --executor-memory 8g -- score --model hdfs:///models/churn.keras --input hdfs:///data/events/dt=2025-01-01 \
#       --output hdfs:///scores/churn/dt=2025-01-01 --features f1,f2,f3,f4 --keep id
#   Kubernetes (the image must hold a Spark distribution; the jar path is inside the image or a remote URI):
#     SPARKSCORE_JAR=local:///opt/sparkscore/sparkscore-spark.jar scripts/submit.sh \
#       --master k8s://https://k8s-api.example:6443 --deploy-mode cluster \
#       --conf spark.kubernetes.container.image=registry.example/sparkscore:0.1 -- score --model s3a://... ...
#   Standalone:
#     scripts/submit.sh --master spark://spark-master:7077 --total-executor-cores 8 -- score --model ... ...
#   Local (one JVM, all cores; spark-submit from a Spark installation):
#     scripts/submit.sh --master 'local[*]' -- score --model data/tiny.keras --input data/sample.parquet \
#       --output out/scored --features f1,f2,f3,f4 --keep id
#
# Environment:
#   SPARK_HOME      Spark installation whose bin/spark-submit is used; else spark-submit from PATH.
#   SPARKSCORE_JAR  the application jar to submit (default: the shaded jar in target/).
#
# Logging: the driver uses conf/log4j2.properties. On YARN and Kubernetes the shipped copy is in each container's
# working directory before the JVM starts, so executors are pointed at it; elsewhere (standalone, local) a shipped
# file arrives only with the first task, so executors keep Spark's default logging.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  spark_submit="$SPARK_HOME/bin/spark-submit"
elif command -v spark-submit >/dev/null 2>&1; then
  spark_submit="$(command -v spark-submit)"
else
  echo "submit.sh: spark-submit not found; set SPARK_HOME to a Spark 4 installation or put spark-submit on PATH" >&2
  echo "  (scripts/sparkscore runs sparkscore on embedded local Spark without one)" >&2
  exit 2
fi

jar="${SPARKSCORE_JAR:-}"
if [[ -z "$jar" ]]; then
  jar="$(ls "$root"/target/sparkscore-*-spark.jar 2>/dev/null | head -n 1 || true)"
  if [[ -z "$jar" ]]; then
    echo "submit.sh: the shaded jar is not built yet; run: mvn -q -DskipTests package" >&2
    exit 2
  fi
fi

# conf/jvm.options holds one flag per line; spark-submit wants them as one space-separated value.
jvm_flags="$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$root/conf/jvm.options" | tr '\n' ' ')"
log_conf="$root/conf/log4j2.properties"

spark_args=()
separated=false
for arg in "$@"; do
  [[ "$arg" == "--" ]] && separated=true
done
if $separated; then
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    spark_args+=("$1")
    shift
  done
  shift
fi
app_args=("$@")

executor_flags="$jvm_flags"
master=""
for ((i = 0; i < ${#spark_args[@]}; i++)); do
  case "${spark_args[i]}" in
    --master) master="${spark_args[i + 1]:-}" ;;
    --master=*) master="${spark_args[i]#--master=}" ;;
  esac
done
if [[ "$master" == yarn* || "$master" == k8s://* ]]; then
  executor_flags+="-Dlog4j2.configurationFile=log4j2.properties"
fi

# conf/sparkscore.properties: option defaults as --conf spark.sparkscore.* (a --conf given here, or a flag, wins)
defaults=()
while IFS= read -r line; do
  if [[ "$line" =~ ^spark\. ]]; then defaults+=(--conf "$line"); fi
done < "$root/conf/sparkscore.properties"

# one TensorFlow intra-op pool per session, so calibration can compare thread counts (client-mode driver too)
export TF_OVERRIDE_GLOBAL_THREADPOOL="${TF_OVERRIDE_GLOBAL_THREADPOOL:-true}"

exec "$spark_submit" \
  --class io.sparkscore.cli.SparkScoreCli \
  --driver-java-options "${jvm_flags}-Dlog4j2.configurationFile=$log_conf" \
  --conf "spark.executor.extraJavaOptions=${executor_flags% }" \
  --conf "spark.executorEnv.TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}" \
  --conf "spark.executorEnv.TF_OVERRIDE_GLOBAL_THREADPOOL=$TF_OVERRIDE_GLOBAL_THREADPOOL" \
  "${defaults[@]}" \
  --files "$log_conf" \
  "${spark_args[@]}" \
  "$jar" "${app_args[@]}"
