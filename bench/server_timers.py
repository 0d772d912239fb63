#!/usr/bin/env python3
"""Means of the server's own timers, from its Prometheus page on stdin: one JSON line per timer (and tag set).

    curl -u admin:... http://127.0.0.1:PORT/actuator/prometheus | server_timers.py

bench/upload.sh prints them after a run: the uploads' time in the server (http_server_requests, successful POSTs of
/api/v1/inferences), decode to boxes (cxr_inference_duration) and the model's runs (cxr_inference_run), warm-up included.
"""
import collections
import json
import re
import sys

WANTED = ('http_server_requests', 'cxr_inference_duration', 'cxr_inference_run', 'cxr_inference_queue_wait')


def main():
    sums = collections.defaultdict(float)
    counts = collections.defaultdict(float)
    for line in sys.stdin:
        match = re.match(r'(\w+)_seconds_(sum|count)(\{[^}]*\})? (\S+)$', line.strip())
        if not match or match.group(1) not in WANTED:
            continue
        tags = match.group(3) or ''
        if match.group(1) == 'http_server_requests' and not ('uri="/api/v1/inferences"' in tags and 'method="POST"' in tags and 'status="201"' in tags):
            continue
        key = (match.group(1), tags)
        (sums if match.group(2) == 'sum' else counts)[key] += float(match.group(4))
    for (name, tags), count in sorted(counts.items()):
        if count:
            print(json.dumps({'timer': name, 'count': int(count), 'meanMs': round(1000 * sums[(name, tags)] / count, 2)}))


if __name__ == '__main__':
    main()
