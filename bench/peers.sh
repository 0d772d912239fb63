#!/usr/bin/env bash
# Ours vs the original's jobs (issue 13): generates a lake of IMAGES images (default 100000; one inference each, about
# 10 boxes per inference) in a fresh embedded PostgreSQL and embedded S3 server, then runs, each as a process of its
# own measured with /usr/bin/time -v (wall time, peak RSS, CPU): our backup and warehouse stages and the original's
# Stage 3 and Stage 4 re-created in Python (bench/peers/), a full run, then ADD (default 1000) more inferences through
# the lake's ingest path, then an incremental run (ours from the full run's watermarks; the original's jobs read
# everything again, as they did). Prints a Markdown table with the ratios. Everything lives in a temporary folder that
# is deleted at the end. HEAP sets our stages' -Xmx (2g).
# Needs Debian's python3-pandas, python3-psycopg2, python3-pymongo, and python3-boto3 for Stage 3 to write to the S3
# server (without it Stage 3 writes local files, and says so). Maven options (e.g. -o) go in MAVEN_ARGS.
# Writes bench/work/peers-results.jsonl; results go to docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
images=${IMAGES:-100000}
add=${ADD:-1000}
heap=${HEAP:-2g}
python=/usr/bin/python3
results=bench/work/peers-results.jsonl
mkdir -p bench/work
"$python" -c 'import pandas, psycopg2, pymongo' || {
  echo "the peers need Debian's python3-pandas, python3-psycopg2 and python3-pymongo (apt-get install them)" >&2; exit 1; }
data=$(mktemp -d "${TMPDIR:-/tmp}/cxr-peers.XXXXXX")

./mvnw -q -B -DskipTests -pl bench -am package
jar=bench/target/cxr-bench.jar
. bench/pipeline-servers.sh

echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
  "$(awk '/MemTotal/ {printf "%d GiB", $2 / 1024 / 1024}' /proc/meminfo); $(java -version 2>&1 | head -1); -Xmx$heap;" \
  "$("$python" -c 'import sys, pandas, pymongo, psycopg2; print("Python", sys.version.split()[0], "pandas", pandas.__version__, "pymongo", pymongo.version, "psycopg2", psycopg2.__version__.split()[0])')"
echo "Data: $data ($(df -h --output=source,fstype "$data" | tail -1 | xargs)); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx1g -cp "$jar" -Dloader.main=org.cxr.bench.PeerBenchmark -Dbench.jar="$jar" -Dbench.peers=bench/peers \
  -Dbench.python="$python" -Dbench.childXmx="$heap" -Dbench.serversPid="$servers" "$launcher" \
  "$data/bench" "$images" "$data/servers.properties" "$add" | tee "$results"
echo "Disk used by the run: $(du -sh "$data" | cut -f1); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
