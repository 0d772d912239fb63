#!/usr/bin/env bash
# Start-up benchmark: `./cxr serve` on the embedded defaults, from the process's start to the first GET
# /actuator/health answering UP (polled every 50 ms), STARTS times (default 4): the first on a new data directory
# (PostgreSQL's initdb included), the others on the same directory again. The jar and its class data sharing archive
# are made before the first measured start, as `./cxr` does once per build. Prints JSON lines; results go to
# docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
starts=${STARTS:-4}
port=${PORT:-18090}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
# Builds the jar and the archive if they are missing or older than the sources (output: `./cxr --help`'s, not shown).
./cxr --help > /dev/null 2>&1 || true
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $(java -version 2>&1 | head -1);" \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$starts"); do
  start=$(date +%s%N)
  CXR_ADMIN_PASSWORD="startup-bench-password" CXR_DATA_DIR="$data/data" CXR_EMBEDDED_POSTGRES_PORT=0 \
    CXR_EMBEDDED_S3_PORT=0 CXR_EMBEDDED_WAREHOUSE_PORT=0 setsid ./cxr serve --port "$port" > "$data/server-$run.log" 2>&1 &
  server=$!
  up=""
  for _ in $(seq 1 1200); do
    if curl -s "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; then
      up=$(date +%s%N)
      break
    fi
    kill -0 $server 2>/dev/null || break
    sleep 0.05
  done
  kill -- -$server 2>/dev/null || true
  wait $server 2>/dev/null || true
  # The server stops its embedded PostgreSQL as it exits; one left running would hold the next start's directory.
  if pgrep -f "$data/data/postgres" > /dev/null; then
    echo "start $run: PostgreSQL was still running after the server stopped; its log:" >&2
    tail -20 "$data/server-$run.log" >&2
    pkill -f "$data/data/postgres" || true
    exit 1
  fi
  if [ -z "$up" ]; then
    echo "start $run: the server did not become UP; its log:" >&2
    tail -20 "$data/server-$run.log" >&2
    exit 1
  fi
  what=$([ "$run" = 1 ] && echo "new data directory" || echo "same data directory again")
  printf '{"start": %d, "what": "%s", "secondsToUp": %.2f}\n' "$run" "$what" "$(echo "($up - $start) / 1000000000" | bc -l)"
done
