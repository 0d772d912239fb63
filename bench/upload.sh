#!/usr/bin/env bash
# Web application benchmark: starts `cxr serve` on a fresh data directory (embedded PostgreSQL and S3), then measures
# upload-to-response latency and throughput with 1, 2 and 8 concurrent clients, and the detector alone on the same
# images in the same run, and where the server's CPU went per request. The uploads run twice: with images the lake
# already has (no object written) and with a new image each time; then the same bodies refused (declared as JPEG), which
# is what the HTTP exchange costs without detection or storage. Prints JSON lines; results go to docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export ORT_DISABLE_TELEMETRY=1
requests=${REQUESTS:-200}
# Requests sent first and not measured, to the server and to the detector alone alike.
warm_up=${WARMUP:-300}
port=${PORT:-18080}
data=$(mktemp -d)
admin_password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
./mvnw -q -B -DskipTests -pl app,bench -am package
CXR_ADMIN_PASSWORD="$admin_password" CXR_DATA_DIR="$data" CXR_EMBEDDED_POSTGRES_PORT=0 CXR_EMBEDDED_S3_PORT=0 CXR_EMBEDDED_WAREHOUSE_PORT=0 \
  java -jar app/target/cxr.jar serve --port "$port" > "$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/actuator/health/readiness" > /dev/null && break
  kill -0 $server 2>/dev/null || { echo "the server stopped:" >&2; tail -20 "$data/server.log" >&2; exit 1; }
  sleep 1
done
# Whether concurrent uploads share the model's runs was measured at start (CXR_MODEL_BATCH_SIZE=1 turns it off).
grep -o 'Batching of .*' "$data/server.log" >&2 || true
# The uploads are a radiologist's, with a personal API token, as a script would send them.
curl -sf -u "admin:$admin_password" -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/v1/users" \
  -d '{"username": "bench", "password": "bench-password-1", "roles": ["radiologist"]}' > /dev/null
CXR_API_TOKEN=$(curl -sf -u bench:bench-password-1 -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/v1/me/tokens" \
  -d '{"name": "bench"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
export CXR_API_TOKEN
# Where the server's CPU goes, per request (the warm-up's and the refusals included), read from /proc around the run.
python3 bench/cpu_by_thread.py snapshot "$server" > "$data/cpu-before.json"
java -cp bench/target/cxr-bench.jar -DwarmUp="$warm_up" -Dloader.main=org.cxr.bench.UploadBenchmark org.springframework.boot.loader.launch.PropertiesLauncher \
  "http://127.0.0.1:$port" models/demo "$requests" 1 2 8 | tee "$data/results.jsonl"
python3 bench/cpu_by_thread.py snapshot "$server" > "$data/cpu-after.json"
# The server's own timers over the whole run: its time per upload, decode to boxes, and the model's runs.
curl -sf -u "admin:$admin_password" "http://127.0.0.1:$port/actuator/prometheus" | python3 bench/server_timers.py
sent=$(sed -nE 's/.*"requestsSent": ([0-9]+).*/\1/p' "$data/results.jsonl")
python3 bench/cpu_by_thread.py diff "$data/cpu-before.json" "$data/cpu-after.json" "$sent"
