#!/usr/bin/env bash
# Detector benchmark: the demo model at 1 and 2 threads, and torchvision RetinaNet-ResNet50-FPN (random weights,
# 800x800) through the Java detector against the same network in PyTorch eager, all in one run on this machine.
# Needs a JDK and Debian's python3-torch + python3-torchvision + python3-onnx (apt-get install them first).
# Writes bench/work/detector-results.jsonl and prints a Markdown section for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export ORT_DISABLE_TELEMETRY=1
PY=/usr/bin/python3
work=bench/work
mkdir -p "$work"
results="$work/detector-results.jsonl"
: > "$results"

./mvnw -q -B -DskipTests -pl bench -am package
jar=bench/target/cxr-bench.jar
[ -f "$work/retinanet/model.onnx" ] || "$PY" bench/export_retinanet.py "$work/retinanet"

for threads in 1 2; do
  java -jar "$jar" models/demo "$threads" 400 40 | tee -a "$results"
  "$PY" bench/torch_bench.py demo models/demo "$threads" 400 40 | tee -a "$results"
  java -jar "$jar" "$work/retinanet" "$threads" 20 3 | tee -a "$results"
  "$PY" bench/torch_bench.py retinanet "$work/retinanet" "$threads" 20 3 | tee -a "$results"
done

"$PY" - "$results" <<'PYEOF'
import json, platform, subprocess, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) // 1024 // 1024
import os
print(f"Machine: {cpu}, {os.cpu_count()} cores, {mem} GiB; {java}; ONNX Runtime 1.28.0 (Java); {rows[1]['runtime']}\n")
print("| model | runtime | threads | images/s | p50 ms | p99 ms |")
print("|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['model']} | {r['runtime']} | {r['threads']} | {r['imagesPerSecond']} | {r['p50Ms']} | {r['p99Ms']} |")
print()
for t in (1, 2):
    j = next(r for r in rows if r["threads"] == t and r["runtime"].startswith("java") and "retinanet" in r["model"])
    p = next(r for r in rows if r["threads"] == t and r["runtime"].startswith("pytorch") and r["model"] == "retinanet")
    print(f"RetinaNet at {t} thread(s): Java/ONNX Runtime {j['imagesPerSecond']} images/s vs PyTorch eager {p['imagesPerSecond']} images/s: ratio {j['imagesPerSecond'] / p['imagesPerSecond']:.2f}x")
PYEOF
