#!/usr/bin/env python3
"""CPU seconds a process's threads (grouped by name, digits dropped) and all PostgreSQL processes have used so far.

    cpu_by_thread.py snapshot PID > before.json
    cpu_by_thread.py diff before.json after.json REQUESTS   # CPU-ms per request, by thread group

Linux only: it reads /proc. bench/upload.sh uses it to say where the server's CPU goes per upload.
"""
import collections
import json
import os
import re
import sys


def ticks(stat_path):
    with open(stat_path) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def snapshot(pid):
    hz = os.sysconf('SC_CLK_TCK')
    groups = collections.Counter()
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/comm') as f:
                name = re.sub(r'\d+', 'N', f.read().strip())
            groups['server: ' + name] += ticks(f'/proc/{pid}/task/{tid}/stat')
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that ended meanwhile
    for other in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open(f'/proc/{other}/comm') as f:
                if f.read().startswith('postgres'):
                    groups['postgres'] += ticks(f'/proc/{other}/stat')
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return {name: value / hz for name, value in groups.items()}


def diff(before, after, requests):
    used = {name: after[name] - before.get(name, 0) for name in after}
    total = sum(used.values())
    for name, seconds in sorted(used.items(), key=lambda item: -item[1]):
        if seconds >= 0.05:
            print(json.dumps({"cpu": name, "seconds": round(seconds, 2), "msPerRequest": round(1000 * seconds / requests, 1)}))
    print(json.dumps({"cpu": "total", "seconds": round(total, 2), "msPerRequest": round(1000 * total / requests, 1)}))


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'snapshot':
        json.dump(snapshot(int(sys.argv[2])), sys.stdout)
    elif len(sys.argv) == 5 and sys.argv[1] == 'diff':
        with open(sys.argv[2]) as b, open(sys.argv[3]) as a:
            diff(json.load(b), json.load(a), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
