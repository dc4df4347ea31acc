#!/usr/bin/python3
"""PromQL results of stackwatch-ruler against Prometheus 2.42's, to the last bit.

Generates random series and expressions as a promtool unit-test file whose expectations are
empty, lets promtool fail it (its failure output lists every sample it got, at full precision),
writes promtool's samples back as the expectations, and runs `stackwatch-ruler test rules` on
the result: every case must pass. Cases whose results hold NaN are dropped (no expectation can
match NaN). promtool loads test series in Go map order, so the order in which an aggregation adds
series up, and the last digit of a sum, change from one promtool run to the next: with
--prometheus those aggregations are checked instead against a Prometheus server that holds the
same series in a TSDB block, in label order.

  tests/ruler/promql/differential.py --promtool=/usr/bin/promtool \
      [--prometheus=/usr/bin/prometheus] --ruler=build/bin/stackwatch-ruler \
      [--seed=N] [--seeds=COUNT] [--series=40] [--keep=DIR]
"""
import argparse
import json
import os
import random
import re
import select
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ELEMENTWISE = ["exp({s})", "ln(abs({s}))", "log2(abs({s}))", "log10(abs({s}))", "atan({s})",
               "sqrt(abs({s}))",
               "abs({s})", "ceil({s})", "floor({s})", "round({s})", "round({s}, 0.3)",
               "deg({s})", "rad({s})", "{s} * 1.1", "{s} / 3.3", "{s} % 0.7", "{s} - 0.1",
               "{s} + 1e-3", "-{s}", "clamp({s}, -1.5, 2.5)", "exp(ln(abs({s})))", "{s} ^ 2",
               "atanh({s} / 1e7)", "sgn({s})", "timestamp({s})", "{s} ^ 3", "{s} ^ -2",
               "abs({s}) ^ 1.7", "abs({s}) ^ -0.3", "2 ^ ({s} / 10)", "asin({s} / 1e9)",
               "acos({s} / 1e9)", "sinh({s} / 10)", "cosh({s} / 10)", "tanh({s} / 10)",
               "sin({s})", "cos({s})", "tan({s})", "asinh({s})", "acosh(abs({s}) + 1)",
               "atanh(clamp({s}, -1, 1))", "atanh({s} / 30)"]
RANGE = ["rate({c}[{r}])", "increase({c}[{r}])", "delta({g}[{r}])", "irate({c}[{r}])",
         "idelta({g}[{r}])", "deriv({g}[{r}])", "predict_linear({g}[{r}], 600)",
         "avg_over_time({g}[{r}])", "sum_over_time({g}[{r}])", "min_over_time({g}[{r}])",
         "max_over_time({g}[{r}])", "count_over_time({g}[{r}])", "last_over_time({g}[{r}])",
         "stddev_over_time({g}[{r}])", "stdvar_over_time({g}[{r}])", "changes({g}[{r}])",
         "resets({c}[{r}])", "quantile_over_time(0.9, {g}[{r}])",
         "quantile_over_time(0.25, {g}[{r}])", "rate({c}[{r}]) / increase({c}[{r}])",
         "holt_winters({g}[{r}], 0.5, 0.3)", "avg_over_time(rate({c}[{r}])[10m:1m])",
         "histogram_quantile(0.9, rate(h_bucket[{r}]))", "rate({c}[{r}] offset 3m)",
         "rate({c}[{r}] @ 600)", "max_over_time({g}[{r}:2m])", "rate({c}[{r}:1m] offset 1m)",
         "absent_over_time({g}[{r}])", "present_over_time({g}[{r}])"]
# Aggregations that add series up, so their last digit depends on the order of the series:
# checked against a Prometheus server, whose order is known (see prometheus_expectations).
ORDER_DEPENDENT = ["sum(g)", "avg(g)", "stddev(g)", "stdvar(g)", "avg by (p) (g)",
                   "stddev by (p) (g)", "stdvar by (p) (c)", "sum(rate(c[5m]))",
                   "avg(rate(c[10m]))", "stdvar(rate(c[5m]))", "sum without (i) (g)",
                   "avg without (p) (c)", "sum(g) / count(g)", "sum(c) - sum(g)",
                   "quantile(0.5, g) - avg(g)", "sum(sum_over_time(g[5m]))",
                   "histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))",
                   "histogram_quantile(0.5, sum without (p) (h_bucket))",
                   "avg(avg_over_time(g[10m:1m]))", "stddev(deriv(g[10m]))", "sum(g * c)",
                   "avg(g > 0)", "sum by (p) (g) / ignoring(p) group_left sum(g)"]
# Aggregations whose result does not depend on the order of the series: the extremes, counts,
# sorted ones (quantile, topk), and sums over pairs, since a + b == b + a.
ORDER_FREE = ["min by (p) (g)", "max(g)", "count by (p) (g)", "group by (p) (g)", "topk(3, g)",
              "bottomk(2, g)", "topk by (p) (1, g)", "quantile(0.9, g)",
              "quantile by (p) (0.3, g)", 'count_values("v", round(g))', "sum by (p) (g)",
              "sum by (i) (rate(c[5m]))", "max without (i) (g)", "histogram_quantile(0.5, h_bucket)",
              "histogram_quantile(0.99, h_bucket offset 5m)", "g + on(i) c", "g / ignoring(p) c",
              "g > 0", "g > bool 0", "g * on(p) group_left max by (p) (g)", "g and c", "g or c",
              "g unless on(p) (g > 10)", "g == on(i) c", "g != bool 0", "g atan2 c",
              "scalar(max(g)) * g", "g offset 3m", "g @ 600", "min(g @ 300) - g",
              'label_replace(g, "x", "$1-y", "i", "(.)")', 'label_join(g, "x", "-", "i", "p")',
              "clamp_min(g, 0)", "clamp_max(g, 10)", "absent(missing)", "sort(g)", "sort_desc(g)",
              "minute(g * 0 + 1e9)", "hour()", "day_of_week()", "days_in_month(g * 0 + 1e9)",
              "vector(time())", "time() - g", "max(g) / min(c)", "-g % c", "c ^ -g"]


def value_text(rng):
    kind = rng.random()
    if kind < 0.3:
        return repr(rng.uniform(-1, 1))
    if kind < 0.6:
        return repr(rng.uniform(-30, 30))
    if kind < 0.9:
        return repr(rng.uniform(0, 5000))
    return repr(rng.uniform(0, 1e9))


def series_values(rng, counter):
    steps, out, v = 30, [], rng.uniform(0, 100)
    for _ in range(steps):
        if counter:
            v += rng.choice([0, rng.uniform(0, 50), rng.randint(0, 20)])
            if rng.random() < 0.03:
                v = rng.uniform(0, 10)  # a reset
        else:
            v = float(value_text(rng))
        out.append(repr(v))
    return " ".join(out)


def histogram_buckets(rng, groups=4):
    """Cumulative buckets that grow over time, as a histogram's counters do."""
    bounds, out = ["0.1", "0.5", "1", "5", "+Inf"], []
    for p in range(groups):
        totals = [0.0] * len(bounds)
        columns = [[] for _ in bounds]
        for _ in range(30):
            running = 0.0
            for k in range(len(bounds)):
                running += rng.choice([0, rng.randint(0, 30), rng.uniform(0, 20)])
                totals[k] = max(totals[k], running + (totals[k - 1] if k else 0))
                columns[k].append(repr(totals[k]))
        out += [(f'h_bucket{{p="{p}",le="{le}"}}', " ".join(columns[k]))
                for k, le in enumerate(bounds)]
    return out


def write_file(path, series, cases, expectations=None):
    with open(path, "w") as f:
        f.write("rule_files: []\nevaluation_interval: 1m\ntests:\n- interval: 1m\n")
        f.write("  input_series:\n")
        for labels, values in series:
            f.write(f"  - series: '{labels}'\n    values: '{values}'\n")
        f.write("  promql_expr_test:\n")
        for i, (expr, at) in enumerate(cases):
            f.write(f"  - expr: '{expr}'\n    eval_time: {at}\n")
            samples = expectations[i] if expectations else []
            if not samples:
                f.write("    exp_samples: []\n")
                continue
            f.write("    exp_samples:\n")
            for labels, value in samples:
                value = {"+Inf": ".inf", "-Inf": "-.inf"}.get(value, value)  # YAML's spelling
                f.write(f"    - labels: '{labels}'\n      value: {value}\n")


CASE = re.compile(r'^\s*expr: "(.*)", time: (\S+),$')
SAMPLE = re.compile(r'(\{[^}]*\}) ([^,\s]+)')


def promtool_results(output):
    """Expression and eval time -> the samples promtool printed as `got`."""
    results, current = {}, None
    for line in output.splitlines():
        m = CASE.match(line)
        if m:
            current = (m.group(1).replace('\\"', '"'), m.group(2))
            continue
        if current and line.strip().startswith("got:"):
            results[current] = SAMPLE.findall(line.split("got:", 1)[1])
            current = None
    return results


def go_duration(minutes):
    """As promtool prints an eval time (Prometheus's model.Duration)."""
    if minutes == 0:
        return "0s"
    hours, rest = divmod(minutes, 60)
    return (f"{hours}h" if hours else "") + (f"{rest}m" if rest else "")


def generate(rng, args):
    series = []
    for i in range(args.series):
        series.append((f'g{{i="{i}",p="{i // 2}"}}', series_values(rng, False)))
        series.append((f'c{{i="{i}",p="{i // 2}"}}', series_values(rng, True)))
    series += histogram_buckets(rng)
    cases = []
    if args.prometheus:
        for expr in ORDER_DEPENDENT:
            cases.append((expr, rng.randint(10, 29)))
    else:
        for template in ELEMENTWISE:
            cases.append((template.format(s="g"), rng.randint(0, 29)))
        for expr in ORDER_FREE:
            cases.append((expr, rng.randint(0, 29)))
        for template in RANGE:
            for _ in range(2):
                r = rng.choice(["2m", "5m", "7m", "10m", "15m"])
                cases.append((template.format(c="c", g="g", r=r), rng.randint(10, 29)))
    return series, [(e, f"{m}m") for e, m in cases]


def promtool_expectations(args, series, cases, directory, seed):
    """The samples promtool got for each case, from its failure report on empty expectations."""
    probe = os.path.join(directory, f"probe_{seed}.yml")
    write_file(probe, series, cases)
    probed = subprocess.run([args.promtool, "test", "rules", probe], capture_output=True,
                            text=True)
    results = promtool_results(probed.stdout + probed.stderr)
    return [results.get((expr, go_duration(int(at[:-1]))), []) for expr, at in cases]


def label_order(labelled):
    """Prometheus's labels.Compare order: sorted label pairs compared pair by pair."""
    text = labelled[0]
    name, _, inner = text.partition("{")
    pairs = [("__name__", name)] + [tuple(kv.split("=", 1)) for kv in inner.rstrip("}").split(",")
                                    if kv]
    return sorted((k, v.strip('"')) for k, v in pairs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prometheus_expectations(args, series, cases, directory, seed):
    """The samples Prometheus's query API returns for each case over the same series, backfilled
    as a TSDB block. A block holds its series sorted by labels, so aggregations add them in that
    order; the checked file lists them in the same order, which is the order stackwatch-ruler
    creates, and so adds, them."""
    base = 1_700_006_400  # a block boundary (a multiple of 2h), so the samples fill one block
    exposition = os.path.join(directory, f"series_{seed}.om")
    with open(exposition, "w") as f:
        for labels, values in series:
            for step, value in enumerate(values.split()):
                f.write(f"{labels} {value} {base + 60 * step}\n")
        f.write("# EOF\n")
    data = os.path.join(directory, f"tsdb_{seed}")
    subprocess.run([args.promtool, "tsdb", "create-blocks-from", "openmetrics", exposition, data],
                   check=True, capture_output=True)
    config = os.path.join(directory, "prometheus.yml")
    with open(config, "w") as f:
        f.write("scrape_configs: []\n")
    port = free_port()
    server = subprocess.Popen([args.prometheus, f"--config.file={config}",
                               f"--storage.tsdb.path={data}", "--storage.tsdb.retention.time=100y",
                               f"--web.listen-address=127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_ready(url, server)
        out = []
        for expr, at in cases:
            query = urllib.parse.urlencode({"query": expr, "time": base + 60 * int(at[:-1])})
            with urllib.request.urlopen(f"{url}/api/v1/query?{query}") as response:
                result = json.load(response)["data"]["result"]
            out.append([(labels_text(r["metric"]), go_float(r["value"][1])) for r in result])
        return out
    finally:
        server.terminate()
        server.wait()


def wait_until_ready(url, server, seconds=120):
    deadline = time.monotonic() + seconds
    while True:
        if time.monotonic() > deadline:
            raise RuntimeError(f"prometheus did not become ready in {seconds} s")
        if server.poll() is not None:
            raise RuntimeError(f"prometheus exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/-/ready") as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            select.select([], [], [], 0.05)  # poll the port again


def labels_text(metric):
    inner = ", ".join(f'{k}="{v}"' for k, v in sorted(metric.items()))
    return "{" + inner + "}"


def go_float(text):
    """Prometheus's JSON spelling of a value, as the checked file spells it."""
    return {"+Inf": "+Inf", "-Inf": "-Inf", "NaN": "NaN"}.get(text) or repr(float(text))


def run_seed(args, seed, directory):
    rng = random.Random(seed)
    series, cases = generate(rng, args)
    if args.prometheus:
        series.sort(key=label_order)
        results = prometheus_expectations(args, series, cases, directory, seed)
    else:
        results = promtool_expectations(args, series, cases, directory, seed)
    kept, expectations = [], []
    for (expr, at), samples in zip(cases, results):
        if any(v == "NaN" for _, v in samples):
            continue
        kept.append((expr, at))
        expectations.append(samples)
    checked = os.path.join(directory, f"checked_{seed}.yml")
    write_file(checked, series, kept, expectations)
    ours = subprocess.run([args.ruler, "test", "rules", checked], capture_output=True,
                          text=True)
    failed = len(set(re.findall(r'expr: "(.*)", time', ours.stdout + ours.stderr)))
    if ours.returncode != 0 and failed == 0:
        failed = len(kept)  # the file itself was refused
    samples = sum(len(s) for s in expectations)
    print(f"seed {seed}: {len(kept)} cases, {samples} samples, {failed} differ")
    if ours.returncode != 0:
        print((ours.stdout + ours.stderr)[:4000])
    return len(kept), failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--promtool", required=True)
    parser.add_argument("--prometheus", help="check order-dependent aggregations against it")
    parser.add_argument("--ruler", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--series", type=int, default=40)
    parser.add_argument("--keep")
    args = parser.parse_args()
    directory = args.keep or tempfile.mkdtemp(prefix="stackwatch-promql-diff-")
    os.makedirs(directory, exist_ok=True)
    total = differ = 0
    for seed in range(args.seed, args.seed + args.seeds):
        cases, failed = run_seed(args, seed, directory)
        total += cases
        differ += failed
    source = "prometheus" if args.prometheus else "promtool"
    print(f"{args.seeds} seeds: {total} cases, {differ} differ from {source}")
    if not args.keep:
        subprocess.run(["rm", "-rf", directory])
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
