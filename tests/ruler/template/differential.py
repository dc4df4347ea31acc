#!/usr/bin/python3
"""Alert templates expanded by stackwatch-ruler against promtool's, character for character.

Writes an alerting rule whose annotations format $value and $labels with every verb, flag and
humanize function users reach for, and a promtool unit-test file with one test group per random
value whose alert expectations are empty: both tools fail every group and print the alerts they
got, annotations expanded. Every expanded annotation must be the same.

  tests/ruler/template/differential.py --promtool=/usr/bin/promtool \
      --ruler=build/bin/stackwatch-ruler [--seed=N] [--values=120] [--keep=DIR]
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile

ANNOTATIONS = [
    "{{ $value }}", "{{ humanize $value }}", "{{ humanize1024 $value }}",
    "{{ humanizePercentage $value }}", "{{ humanizeDuration $value }}",
    "{{ humanizeTimestamp $value }}", '{{ printf "%.3f" $value }}', '{{ printf "%g" $value }}',
    '{{ printf "%e" $value }}', '{{ printf "%v" $value }}', '{{ printf "%.2e" $value }}',
    '{{ printf "%10.4f|" $value }}', '{{ printf "%-12.1f|" $value }}', '{{ printf "%G" $value }}',
    '{{ printf "%x" $value }}', '{{ printf "%X" $value }}', '{{ printf "%.3x" $value }}',
    '{{ printf "%+x" $value }}', '{{ printf "%#x" $value }}', '{{ printf "%#X" $value }}',
    '{{ printf "%b" $value }}', '{{ printf "%#g" $value }}', '{{ printf "%#.3g" $value }}',
    '{{ printf "%#.0f" $value }}', '{{ printf "%08.2f" $value }}', '{{ printf "% f" $value }}',
    '{{ printf "%+.3e" $value }}', '{{ printf "%5.1g" $value }}', '{{ printf "%.0f" $value }}',
    "{{ if gt $value 10.0 }}big{{ else }}small{{ end }}", "{{ $value | printf \"%.2f\" }}",
    "{{ $labels.i | title }} {{ $labels.i | toUpper }}", '{{ printf "%q" $labels.i }}',
    '{{ reReplaceAll "(\\\\d)" "<$1>" $labels.i }}',
]
SPECIAL = [0.1 + 0.2, 1e6, 123456789.0, 1e21, -1e21, 1e-7, 0.000123, -4.5, 2.0, 1 / 3, 0.5, 0.0,
           100.0, -0.0001, 86400 * 3 + 61.5, 0.999, 5e-324, 2.2250738585072014e-308,
           1.0000000000000002, 15.999, 2.0 ** 53, 1e300]


def values(rng, count):
    out = list(SPECIAL)
    while len(out) < count:
        kind = rng.random()
        if kind < 0.3:
            out.append(rng.uniform(-1e7, 1e7))
        elif kind < 0.5:
            out.append(rng.uniform(0, 1))
        else:
            out.append(rng.choice([1, -1]) * 10 ** rng.uniform(-300, 300))
    return out


def write_files(directory, vals):
    rules = os.path.join(directory, "rules.yml")
    with open(rules, "w") as f:
        f.write("groups:\n- name: templates\n  rules:\n  - alert: A\n    expr: v\n")
        f.write("    annotations:\n")
        for k, text in enumerate(ANNOTATIONS):
            f.write(f"      a{k:02d}: '{text}'\n")
    tests = os.path.join(directory, "tests.yml")
    with open(tests, "w") as f:
        f.write("rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n")
        for i, v in enumerate(vals):
            f.write(f"- interval: 1m\n  input_series:\n  - series: 'v{{i=\"x{i}y\"}}'\n")
            f.write(f"    values: '{v!r}'\n  alert_rule_test:\n  - eval_time: 0m\n")
            f.write("    alertname: A\n    exp_alerts: []\n")
    return tests


ANNOTATION = re.compile(r'(a\d\d)="((?:[^"\\]|\\.)*)"')


def expanded(output):
    """One list of (annotation, text) per alert the tool reported getting."""
    return [ANNOTATION.findall(line) for line in output.splitlines() if "Annotations:" in line]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--promtool", required=True)
    parser.add_argument("--ruler", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--values", type=int, default=120)
    parser.add_argument("--keep")
    args = parser.parse_args()
    tools = {name: os.path.abspath(path) if os.sep in path else path
             for name, path in (("promtool", args.promtool), ("ruler", args.ruler))}
    directory = args.keep or tempfile.mkdtemp(prefix="stackwatch-template-diff-")
    os.makedirs(directory, exist_ok=True)
    vals = values(random.Random(args.seed), args.values)
    tests = write_files(directory, vals)

    def run(tool):
        done = subprocess.run([tool, "test", "rules", tests], capture_output=True, text=True,
                              cwd=directory)
        return expanded(done.stdout + done.stderr)

    theirs, ours = run(tools["promtool"]), run(tools["ruler"])
    differ = 0
    if len(theirs) != len(vals) or len(ours) != len(theirs):
        print(f"alerts reported: promtool {len(theirs)}, stackwatch-ruler {len(ours)}, "
              f"values {len(vals)}")
        differ = len(vals)
    for value, want, got in zip(vals, theirs, ours):
        for (name, expected), (_, actual) in zip(want, got):
            if expected != actual:
                differ += 1
                print(f"{value!r} {name} {ANNOTATIONS[int(name[1:])]}: promtool "
                      f"{expected!r}, ours {actual!r}")
    print(f"{len(vals)} values x {len(ANNOTATIONS)} annotations: {differ} differ from promtool")
    if not args.keep:
        subprocess.run(["rm", "-rf", directory])
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
