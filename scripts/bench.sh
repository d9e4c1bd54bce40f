#!/usr/bin/env bash
# Benchmarks that show where sparkscore stands (not part of the test suite). Builds sparkscore, compiles the
# benchmark sources in src/bench/java against it, runs every section in one JVM on embedded local Spark, prints one
# table on stdout (progress and logs on stderr) and writes bench/results.json, bench/RESULTS.md,
# bench/throughput.png and bench/calibration-grid-*.png.
#
# Usage: scripts/bench.sh [--quick] [--only 1,2,3,4,5]
#   --quick   a smoke run with small sizes and fewer repetitions (numbers are indicative only)
#   --only    run only these sections (1 micro, 2 job overhead, 3 UDF baselines, 4 calibration, 5 scaling)
# Full run: 5-10 minutes on 2 cores (longer when the machine is busy); --quick about 2-4 minutes.
# Work files go to target/bench-work (deleted at the start). Heap: SPARKSCORE_BENCH_JAVA_OPTS (default -Xmx6g).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Build output goes to stderr: stdout is for the results table.
mvn -q -B compile \
  dependency:build-classpath@launcher-classpath-compile dependency:build-classpath@launcher-classpath-runtime >&2
classes="$root/target/bench-classes"
rm -rf "$classes" "$root/target/bench-work"
mkdir -p "$classes" "$root/bench"
cp="$root/target/classes:$(cat "$root/target/classpath.txt"):$(cat "$root/target/classpath-runtime.txt")"
find "$root/src/bench/java" -name '*.java' > "$root/target/bench-sources.txt"
javac --release 17 -Xlint:all,-serial,-processing -d "$classes" -cp "$cp" @"$root/target/bench-sources.txt"

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
exec java @"$root/conf/jvm.options" ${SPARKSCORE_BENCH_JAVA_OPTS:--Xmx6g} \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$classes:$cp" io.sparkscore.bench.BenchMain "$@" "$root/bench" "$root/target/bench-work"
