#!/usr/bin/python3
"""Reads what probe.py wrote and the phases of a scenario (a file of "NAME UNIX_TIME" lines, each
phase lasting until the next one starts, the last until the end of the samples) and prints:

  timeline.py table PROBES PHASES [SERIES...]
      Markdown: per phase and probe, the answers by status and their p50 / max latency; then per
      series the values seen in each phase, in order, each with how long it lasted
      ("1 → 0 (2.3 s) → 1") in the samples of the probe named `metrics`.
  timeline.py first PROBES PROBE SERIES VALUE SINCE
      seconds from SINCE (unix time) to the first sample sent at or after it in which SERIES
      had VALUE, or "never".
  timeline.py values PROBES PROBE SERIES SINCE UNTIL
      the values SERIES had in PROBE's samples sent in [SINCE, UNTIL), as in the table.
  timeline.py latency PROBES PROBE SINCE UNTIL
      "p50 p99 max answered/total" latency (ms) of PROBE's samples sent in [SINCE, UNTIL).
Standard library only.
"""

import json
import sys


def load(path):
    with open(path) as f:
        return sorted((json.loads(line) for line in f if line.strip()), key=lambda r: r["t"])


def phases_of(path, samples):
    with open(path) as f:
        marks = [(name, float(t)) for name, t in (line.split() for line in f if line.strip())]
    end = samples[-1]["t"] + 0.001 if samples else marks[-1][1]
    return [(name, start, marks[i + 1][1] if i + 1 < len(marks) else end)
            for i, (name, start) in enumerate(marks)]


def quantile(values, q):
    if not values:
        return None
    values = sorted(values)
    i = max(0, min(len(values) - 1, int(q * len(values) + 0.999999) - 1))
    return values[i]


def fmt(v):
    if v is None:
        return "–"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return f"{v:g}" if isinstance(v, float) else str(v)


def runs(samples, series, end):
    """[(value, seconds)] of consecutive samples with the same value of series."""
    out = []
    for i, r in enumerate(samples):
        v = (r.get("values") or {}).get(series) if r["status"] else None
        v = "no answer" if not r["status"] else ("absent" if v is None else v)
        nxt = samples[i + 1]["t"] if i + 1 < len(samples) else end
        if out and out[-1][0] == v:
            out[-1][1] += nxt - r["t"]
        else:
            out.append([v, nxt - r["t"]])
    return out


def table(probes_path, phases_path, series):
    samples = load(probes_path)
    phases = phases_of(phases_path, samples)
    names = sorted({r["probe"] for r in samples})
    print("| phase | seconds | probe | answers by status | p50 (ms) | max (ms) |")
    print("|---|---:|---|---|---:|---:|")
    for phase, start, end in phases:
        for name in names:
            rs = [r for r in samples if r["probe"] == name and start <= r["t"] < end]
            if not rs:
                continue
            statuses = {}
            for r in rs:
                key = str(r["status"]) if r["status"] else "no answer"
                statuses[key] = statuses.get(key, 0) + 1
            ms = [r["ms"] for r in rs]
            status_text = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
            print(f"| {phase} | {end - start:.1f} | {name} | {status_text} | "
                  f"{quantile(ms, 0.5):.1f} | {max(ms):.1f} |")
    if not series:
        return
    print()
    print("| series | " + " | ".join(p[0] for p in phases) + " |")
    print("|---|" + "---|" * len(phases))
    for s in series:
        cells = []
        for phase, start, end in phases:
            rs = [r for r in samples if start <= r["t"] < end and r["probe"] == "metrics"]
            cells.append(describe(runs(rs, s, end)) if rs else "no samples")
        print(f"| `{s}` | " + " | ".join(cells) + " |")


def first(probes_path, probe, series, value, since):
    for r in load(probes_path):
        if r["probe"] != probe or r["t"] < since:
            continue
        v = (r.get("values") or {}).get(series)
        if v is not None and v == value:
            print(f"{r['t'] - since:.2f}")
            return
    print("never")


def describe(seen):
    if len(seen) == 1:
        return fmt(seen[0][0])
    return " → ".join(f"{fmt(v)} ({d:.1f} s)" for v, d in seen)


def values(probes_path, probe, series, since, until):
    rs = [r for r in load(probes_path) if r["probe"] == probe and since <= r["t"] < until]
    print(describe(runs(rs, series, until)) if rs else "no samples")


def latency(probes_path, probe, since, until):
    rs = [r for r in load(probes_path) if r["probe"] == probe and since <= r["t"] < until]
    ms = [r["ms"] for r in rs]
    ok = sum(1 for r in rs if r["status"] == 200)
    if not ms:
        print("– – – 0/0")
        return
    print(f"{quantile(ms, 0.5):.1f} {quantile(ms, 0.99):.1f} {max(ms):.1f} {ok}/{len(rs)}")


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "table":
        table(args[0], args[1], args[2:])
    elif command == "first":
        first(args[0], args[1], args[2], float(args[3]), float(args[4]))
    elif command == "values":
        values(args[0], args[1], args[2], float(args[3]), float(args[4]))
    elif command == "latency":
        latency(args[0], args[1], float(args[2]), float(args[3]))
    else:
        sys.exit(f"timeline.py: unknown command {command}")


if __name__ == "__main__":
    main()
