"""Scrape targets for bench/ruler-scale: TARGETS ports on 127.0.0.1 from FIRST_PORT, each serving
the same SERIES_PER_TARGET series on /metrics (counters, a histogram, gauges, each series with a
shard label s0..s19 so a rule group can pick its twentieth). The body is made once: values do not
change between scrapes, for both scrapers alike.

    /usr/bin/python3 targets.py FIRST_PORT TARGETS SERIES_PER_TARGET
"""
import http.server
import sys
import threading

first_port, targets, per_target = (int(a) for a in sys.argv[1:4])
SHARDS = 20
BUCKETS = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]
gauges = 1000
handlers = max(1, (per_target - gauges) // (4 + len(BUCKETS) + 2))

lines = ["# TYPE bench_http_requests_total counter"]
for h in range(handlers):
    for code in ("200", "500"):
        for method in ("GET", "POST"):
            lines.append(f'bench_http_requests_total{{handler="h{h}",shard="s{h % SHARDS}",'
                         f'code="{code}",method="{method}"}} {h * 7 + len(code) + len(method)}')
lines.append("# TYPE bench_request_duration_seconds histogram")
for h in range(handlers):
    labels = f'handler="h{h}",shard="s{h % SHARDS}"'
    for i, le in enumerate(BUCKETS):
        lines.append(f'bench_request_duration_seconds_bucket{{{labels},le="{le}"}} {(i + 1) * 10 + h}')
    lines.append(f"bench_request_duration_seconds_sum{{{labels}}} {h * 0.5}")
    lines.append(f"bench_request_duration_seconds_count{{{labels}}} {len(BUCKETS) * 10 + h}")
lines.append("# TYPE bench_queue_depth gauge")
for q in range(gauges):
    lines.append(f'bench_queue_depth{{queue="q{q}",shard="s{q % SHARDS}"}} {q % 97}')
body = ("\n".join(lines) + "\n").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


servers = [http.server.ThreadingHTTPServer(("127.0.0.1", first_port + i), Handler)
           for i in range(targets)]
for server in servers[1:]:
    threading.Thread(target=server.serve_forever, daemon=True).start()
print(f"{len(lines) - 3} series per target", flush=True)
servers[0].serve_forever()
