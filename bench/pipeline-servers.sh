# Sourced by bench/pipelines.sh and bench/peers.sh: starts the embedded S3 server and the warehouse in a JVM of their
# own (PipelineServers) with their data under $data, waits until they listen, and stops them and deletes $data on exit.
# Needs $data (a fresh temporary folder) and $jar; sets $servers (the servers' JVM's pid).
launcher=org.springframework.boot.loader.launch.PropertiesLauncher

java -Xmx4g -cp "$jar" -Dloader.main=org.cxr.bench.PipelineServers "$launcher" \
  "$data/servers" "$data/servers.properties" > "$data/servers.log" 2>&1 &
servers=$!
stop_servers() {
  # The warehouse writes its store on the way out; a server stuck in a long request is killed after 30 s.
  kill "$servers" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$servers" 2>/dev/null || break; sleep 1; done
  kill -9 "$servers" 2>/dev/null || true
  wait "$servers" 2>/dev/null || true
  rm -rf "$data"
}
trap stop_servers EXIT
for _ in $(seq 1 120); do
  [ -f "$data/servers.properties" ] && break
  kill -0 $servers 2>/dev/null || { cat "$data/servers.log"; exit 1; }
  sleep 1
done
[ -f "$data/servers.properties" ] || { echo "the servers did not start" >&2; cat "$data/servers.log"; exit 1; }
