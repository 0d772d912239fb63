#!/usr/bin/env bash
# Object store benchmark: what writing an upload's object costs on the embedded defaults. PUTS (default 300) puts of a
# 0.5 MB phantom PNG through the lake's S3 client to the embedded S3 server in the same JVM, ROUNDS (default 4) times,
# each round against the same bytes written to files in the same folder. Prints JSON lines; results go to
# docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
./mvnw -q -B -DskipTests -pl bench -am package
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $(java -version 2>&1 | head -1);" \
  "data on $(df -h --output=source,fstype "$data" | tail -1 | xargs); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp bench/target/cxr-bench.jar -Dloader.main=org.cxr.bench.ObjectStoreBenchmark org.springframework.boot.loader.launch.PropertiesLauncher \
  "$data" "${PUTS:-300}" "${ROUNDS:-4}" 2> "$data/stderr.log" || { cat "$data/stderr.log" >&2; exit 1; }
