#!/usr/bin/python3
"""PromQL results of stackwatch-ruler against promtool's, to the last bit.

Generates random series and expressions as a promtool unit-test file whose expectations are
empty, lets promtool fail it (its failure output lists every sample it got, at full precision),
writes promtool's samples back as the expectations, and runs `stackwatch-ruler test rules` on
the result: every case must pass. Cases whose results hold NaN are dropped (no expectation can
match NaN). Aggregations across series are left out: promtool loads test series in Go map
order, so their sum order, and the last digit of a sum, change from one promtool run to the
next.

  tests/ruler/promql/differential.py --promtool=/usr/bin/promtool \
      --ruler=build/bin/stackwatch-ruler [--seed=N] [--seeds=COUNT] [--series=40] [--keep=DIR]
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile

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
         "holt_winters({g}[{r}], 0.5, 0.3)", "avg_over_time(rate({c}[{r}])[10m:1m])"]


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


def run_seed(args, seed, directory):
    rng = random.Random(seed)
    series = []
    for i in range(args.series):
        series.append((f'g{{i="{i}"}}', series_values(rng, False)))
        series.append((f'c{{i="{i}"}}', series_values(rng, True)))
    cases = []
    for template in ELEMENTWISE:
        cases.append((template.format(s="g"), rng.randint(0, 29)))
    for template in RANGE:
        for _ in range(2):
            r = rng.choice(["2m", "5m", "7m", "10m", "15m"])
            cases.append((template.format(c="c", g="g", r=r), rng.randint(10, 29)))
    cases = [(e, f"{m}m") for e, m in cases]
    probe = os.path.join(directory, f"probe_{seed}.yml")
    write_file(probe, series, cases)
    probed = subprocess.run([args.promtool, "test", "rules", probe], capture_output=True,
                            text=True)
    got = probed.stdout + probed.stderr
    results = promtool_results(got)
    kept, expectations = [], []
    for expr, at in cases:
        key = (expr, go_duration(int(at[:-1])))
        samples = results.get(key, [])
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
    print(f"{args.seeds} seeds: {total} cases, {differ} differ from promtool")
    if not args.keep:
        subprocess.run(["rm", "-rf", directory])
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
