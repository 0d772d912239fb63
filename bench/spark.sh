#!/usr/bin/env bash
# Single machine vs Spark (issue 14): generates a lake of IMAGES images (default 1000000: one inference each, about 10
# boxes per inference, so 10,003,111 boxes at the default size and seed) in a fresh embedded PostgreSQL (the images
# are hashed for their rows but not stored: neither stage reads them), then runs each of STAGES (default
# backup,warehouse) once per engine, each run a process of its own from an empty watermark on the same lake:
#   (a) our stage in a JVM of its own (StageProcess, as bench/peers.sh runs it),
#   (b, c) the Spark job (org.cxr.spark.SparkStages from spark/target/cxr-spark.jar, started by a plain java with the
#       flags and class path files of spark/pom.xml) with --master local[1], then local[2] (MASTERS, comma-separated).
# Between runs the lake is made unprocessed for the stage again (its watermark forgotten; the backup's objects deleted,
# or the warehouse's database dropped), and every run's counts are checked against the generated lake. Each run is
# measured as a process with /usr/bin/time -v (wall time, peak RSS, CPU), with the CPU time the S3 + warehouse JVM and
# PostgreSQL spent meanwhile, and prints rows/s (images + inferences + boxes). The S3 server and the warehouse run in
# a JVM of their own (bench/pipeline-servers.sh). Everything lives in a temporary folder that is deleted at the end.
# HEAP sets the stages' -Xmx (2g, the same for every engine); CXR_SPARK_JDBC_PARTITIONS, CXR_SPARK_JDBC_CONNECTIONS and
# CXR_SPARK_PARTITIONS, if set, go to the Spark jobs. Maven options (e.g. -o) go in MAVEN_ARGS.
# Writes a JSON line per run to bench/work/spark-results.jsonl and prints a Markdown table; results go to
# docs/benchmarks.md by hand.
# At the default size expect 1 to 2 hours on a quiet 2-core machine, most of it the three warehouse runs (the backup
# alone, STAGES=backup, about 30 minutes; estimated from 5,000- and 20,000-image runs, see docs/benchmarks.md), and up
# to about 30 GB of disk in TMPDIR (the lake in PostgreSQL; the warehouse's store, which grows with each warehouse run;
# 648 MB in all at 20,000 images).
#   IMAGES=20000 bench/spark.sh            # a quick check (3 to 5 minutes)
#   STAGES=backup bench/spark.sh           # 1M images, the backup only
set -euo pipefail
cd "$(dirname "$0")/.."
images=${IMAGES:-1000000}
stages=${STAGES:-backup,warehouse}
masters=${MASTERS:-local[1],local[2]}
heap=${HEAP:-2g}
results=bench/work/spark-results.jsonl
mkdir -p bench/work
data=$(mktemp -d "${TMPDIR:-/tmp}/cxr-spark-bench.XXXXXX")

./mvnw -q -B -DskipTests -pl bench,spark -am package
jar=bench/target/cxr-bench.jar
spark_classpath="$(cat spark/target/spark-classpath.txt):$(cat spark/target/spark-shared-classpath.txt):$PWD/spark/target/cxr-spark.jar"
spark_version=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' spark/pom.xml)
spark_flags=$(cat spark/target/spark-jvm-flags.txt)
[ -n "$spark_flags" ] || { echo "spark/target/spark-jvm-flags.txt is empty" >&2; exit 1; }
. bench/pipeline-servers.sh

echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
  "$(awk '/MemTotal/ {printf "%d GiB", $2 / 1024 / 1024}' /proc/meminfo); $(java -version 2>&1 | head -1); -Xmx$heap; Spark $spark_version"
echo "Data: $data ($(df -h --output=source,fstype "$data" | tail -1 | xargs)); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx1g -cp "$jar" -Dloader.main=org.cxr.bench.SparkBenchmark -Dbench.jar="$jar" -Dbench.sparkClasspath="$spark_classpath" \
  -Dbench.sparkFlags="$spark_flags" -Dbench.childXmx="$heap" -Dbench.serversPid="$servers" -Dbench.logback=bench/stages-logback.xml \
  "$launcher" "$data/bench" "$images" "$data/servers.properties" "$stages" "$masters" | tee "$data/output.txt"
grep '^{' "$data/output.txt" > "$results"
echo "Disk used by the run: $(du -sh "$data" | cut -f1) ($(cd "$data" && du -sh bench/postgres bench/tmp bench/backup-work servers/* 2>/dev/null | awk '{printf "%s%s %s", sep, $2, $1; sep=", "}'));" \
  "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
