#!/usr/bin/python3
"""Samples URLs until SIGTERM, each in a thread of its own (a request that hangs delays only its
own next sample), one request every --interval seconds, and writes one JSON line per answer:
  {"t": <unix time it was sent>, "probe": NAME, "status": 200 | 0 (no answer), "ms": 12.3,
   "error": "...", "values": {"pg_up{target=\"pg\"}": 1, ...}}
`values` holds every series of the --metric names found in the body (text exposition format).
Standard library only.
    probe.py --out probe.jsonl --probe metrics=http://127.0.0.1:19187/metrics \
      --probe ready=http://127.0.0.1:19187/health/ready --metric pg_up --metric redis_up \
      --header 'X-Prometheus-Scrape-Timeout-Seconds: 3'
"""

import argparse
import json
import signal
import sys
import threading
import time
import urllib.error
import urllib.request

stop = threading.Event()
write_lock = threading.Lock()


def values_of(body, names):
    found = {}
    for line in body.splitlines():
        if not line or line[0] == "#":
            continue
        for name in names:
            if line.startswith(name) and line[len(name):len(name) + 1] in ("{", " "):
                series, _, value = line.rpartition(" ")
                try:
                    found[series] = float(value)
                except ValueError:
                    pass
    return found


def sample(name, url, headers, names, interval, timeout, out):
    while not stop.is_set():
        sent = time.time()
        record = {"t": round(sent, 3), "probe": name}
        try:
            request = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read().decode(errors="replace")
                record["status"] = response.status
        except urllib.error.HTTPError as e:
            body = e.read().decode(errors="replace")
            record["status"] = e.code
        except Exception as e:  # a timeout, a refused or reset connection
            body = ""
            record["status"] = 0
            record["error"] = type(e).__name__ + ": " + str(e)[:200]
        record["ms"] = round((time.time() - sent) * 1000, 2)
        if names and body:
            record["values"] = values_of(body, names)
        with write_lock:
            out.write(json.dumps(record) + "\n")
            out.flush()
        stop.wait(max(0.0, interval - (time.time() - sent)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--probe", action="append", required=True, help="NAME=URL")
    parser.add_argument("--metric", action="append", default=[], help="a metric name to report")
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--timeout", type=float, default=15)
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with open(args.out, "a") as out:
        threads = []
        for probe in args.probe:
            name, url = probe.split("=", 1)
            t = threading.Thread(
                target=sample,
                args=(name, url, headers, args.metric, args.interval, args.timeout, out),
                daemon=True)
            t.start()
            threads.append(t)
        while not stop.is_set():
            stop.wait(0.5)
    # A request still hanging is not waited for: its thread is a daemon.


if __name__ == "__main__":
    sys.exit(main())
