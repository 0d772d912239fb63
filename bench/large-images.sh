#!/usr/bin/env bash
# Large radiographs: an 8192x8192 16-bit PNG through the detector, alone and four at once, with a small image sent
# meanwhile, read three ways (every pixel with no limit on decodes at once as before, every pixel within the pixel
# budget, and at the size detection needs within the budget, the server's path). Prints JSON lines and a Markdown
# table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export ORT_DISABLE_TELEMETRY=1
work=bench/work
mkdir -p "$work"
results="$work/large-images.jsonl"
./mvnw -q -B -DskipTests -pl bench -am package
java -Xmx4g -cp bench/target/cxr-bench.jar -Dloader.main=org.cxr.bench.LargeImageBenchmark org.springframework.boot.loader.launch.PropertiesLauncher \
  models/demo "$work" | tee "$results"
/usr/bin/python3 - "$results" <<'PYEOF'
import json, os, platform, subprocess, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) // 1024 // 1024
print(f"Machine: {cpu}, {os.cpu_count()} cores, {mem} GiB; {java}; -Xmx4g\n")
print("| way | large images at once | s per large image | wall s | small image meanwhile, s | peak heap MB | heap after GC MB |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['way']} | {r['concurrent']} | {r['secondsPerLargeImage']} | {r['wallSeconds']} | {r['smallImageSeconds']} | {r['peakHeapMb']} | {r['heapAfterGcMb']} |")
PYEOF
