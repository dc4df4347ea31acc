"""The rule file for bench/ruler-scale: 20 groups (one per shard) of 10 rules each, 8 recording
rules and 2 alerts, over the targets' counters, histogram and gauges. Each rule carries its shard,
so no two groups write the same series.

    /usr/bin/python3 rules.py > rules.yml
"""
SHARDS = 20
print("groups:")
for s in range(SHARDS):
    sel = f'shard="s{s}"'
    print(f"  - name: shard-{s}")
    print("    rules:")
    records = [
        ("job_handler:bench_http_requests:rate5m",
         f"sum by (job, handler) (rate(bench_http_requests_total{{{sel}}}[5m]))"),
        ("job_code:bench_http_requests:rate5m",
         f"sum by (job, code) (rate(bench_http_requests_total{{{sel}}}[5m]))"),
        ("instance:bench_http_requests:rate5m",
         f"sum by (instance) (rate(bench_http_requests_total{{{sel}}}[5m]))"),
        ("job_handler:bench_request_duration_seconds:p99_5m",
         f"histogram_quantile(0.99, sum by (job, handler, le) "
         f"(rate(bench_request_duration_seconds_bucket{{{sel}}}[5m])))"),
        ("job:bench_request_duration_seconds:mean5m",
         f"sum by (job) (rate(bench_request_duration_seconds_sum{{{sel}}}[5m])) / "
         f"sum by (job) (rate(bench_request_duration_seconds_count{{{sel}}}[5m]))"),
        ("job:bench_queue_depth:avg", f"avg by (job) (bench_queue_depth{{{sel}}})"),
        ("instance:bench_queue_depth:max", f"max by (instance) (bench_queue_depth{{{sel}}})"),
        ("job:bench_queue_depth:max_over_time5m",
         f"max by (job) (max_over_time(bench_queue_depth{{{sel}}}[5m]))"),
    ]
    for name, expr in records:
        print(f"      - record: {name}")
        print(f"        expr: '{expr}'")
        print(f"        labels: {{shard: s{s}}}")
    print("      - alert: BenchErrorsHigh")
    print(f"        labels: {{shard: s{s}}}")
    print(f"        expr: 'sum by (job, handler) (rate(bench_http_requests_total{{{sel}, code=\"500\"}}[5m])) > 1'")
    print("        for: 1m")
    print("      - alert: BenchQueueDeep")
    print(f"        labels: {{shard: s{s}}}")
    print(f"        expr: 'bench_queue_depth{{{sel}}} > 95'")
    print("        for: 1m")
