"""Latency and throughput of a network in PyTorch eager on CPU, one image at a time. Prints one JSON line.

    /usr/bin/python3 bench/torch_bench.py retinanet|demo MODEL_DIR THREADS ITERATIONS WARMUP
"""
import json
import math
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def load(kind, folder):
    if kind == "retinanet":
        sys.path.insert(0, HERE)
        from export_retinanet import build
        model = build()
        shape = (1, 3, 800, 800)
    else:
        sys.path.insert(0, os.path.join(HERE, "..", "training"))
        from model import DemoDetector
        model = DemoDetector()
        shape = (1, 1, 256, 256)
    model.load_state_dict(torch.load(os.path.join(folder, "weights.pt")))
    return model.eval(), shape


def main():
    kind, folder, threads, iterations, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    model, shape = load(kind, folder)
    torch.manual_seed(1)
    inputs = [torch.rand(shape) for _ in range(4)]
    with torch.no_grad():
        for i in range(warmup):
            model(inputs[i % len(inputs)])
        samples = []
        start = time.perf_counter()
        for i in range(iterations):
            t0 = time.perf_counter()
            model(inputs[i % len(inputs)])
            samples.append(time.perf_counter() - t0)
        total = time.perf_counter() - start
    samples.sort()

    def pct(q):
        return samples[max(0, min(len(samples) - 1, math.ceil(q * len(samples)) - 1))] * 1000

    print(json.dumps({"runtime": f"pytorch-eager {torch.__version__}", "model": kind, "threads": threads,
                      "iterations": iterations, "imagesPerSecond": round(iterations / total, 2),
                      "p50Ms": round(pct(0.5), 2), "p99Ms": round(pct(0.99), 2)}))


if __name__ == "__main__":
    main()
