#!/usr/bin/env bash
# Pipeline benchmark: generates a lake of IMAGES images (default 100000; one inference each, about 10 boxes per
# inference) in a fresh embedded PostgreSQL and embedded S3 server, then runs backup, warehouse and data mart export
# once each, timing them and measuring their heap. The S3 server and the warehouse run in a JVM of their own, so the
# stages' heap is the benchmark JVM's alone. Everything lives in a temporary folder that is deleted at the end.
# STAGES (default backup,warehouse,datamart) runs only some of the stages, e.g. STAGES=backup; HEAP sets -Xmx (2g).
# Then ADD (default 1000) more uploads through the lake's ingest path, and the backup and the warehouse again from
# their watermarks in the same JVM, as the application's schedules run them: the incremental run's share of the full.
# WARM (default 0) runs the full backup that many times more in the same JVM, each from an empty watermark under a
# prefix of its own: what the backup costs once the JIT has compiled it.
# Writes bench/work/pipelines-results.jsonl; results go to docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
images=${IMAGES:-100000}
heap=${HEAP:-2g}
stages=${STAGES:-backup,warehouse,datamart}
add=${ADD:-1000}
warm=${WARM:-0}
results=bench/work/pipelines-results.jsonl
mkdir -p bench/work
data=$(mktemp -d "${TMPDIR:-/tmp}/cxr-pipelines.XXXXXX")

./mvnw -q -B -DskipTests -pl bench -am package
jar=bench/target/cxr-bench.jar
. bench/pipeline-servers.sh

echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
  "$(awk '/MemTotal/ {printf "%d GiB", $2 / 1024 / 1024}' /proc/meminfo); $(java -version 2>&1 | head -1); -Xmx$heap"
echo "Data: $data ($(df -h --output=source,fstype "$data" | tail -1 | xargs)); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx"$heap" -cp "$jar" -Dloader.main=org.cxr.bench.PipelineBenchmark "$launcher" \
  "$data/bench" "$images" "$data/servers.properties" "$stages" "$add" "$warm" | tee "$results"
echo "Disk used by the run: $(du -sh "$data" | cut -f1); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
