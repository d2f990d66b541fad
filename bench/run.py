"""Run every benchmark and write one report (Markdown and JSON).

    python bench/run.py [--quick] [--output DIR] [--only NAME ...]

Each bench_*.py module provides `run(quick) -> dict` and measures its own baseline
in the same run (raw COPY, plain NumPy pass, greedy planner, plain SHA-256 loop...),
so every figure in the report stands beside its ratio. Benchmarks run one after
the other (on a 2-core machine, running them together would measure contention),
each in its own process so that each can set up Django with its own database.
"""

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from machine import describe, machine  # noqa: E402


MARKER = "@@SIAGA-BENCH-RESULT@@"
CHILD = ("import json, sys; sys.path.insert(0, {here!r}); import {name} as b; "
         "r = b.run({quick}); print({marker!r} + json.dumps(r, default=str))")


def run_one(name, quick):
    """Run one benchmark in a child process; its output streams through, its result comes back."""
    code = CHILD.format(here=str(HERE), name=name, quick=quick, marker=MARKER)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    result, tail = None, []
    for line in proc.stdout:
        if line.startswith(MARKER):
            result = json.loads(line[len(MARKER):])
        else:
            print(line, end="", flush=True)
            tail = (tail + [line])[-40:]
    proc.wait()
    return result if proc.returncode == 0 and result is not None else {"error": "".join(tail)}


def discover():
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def _flatten(data, prefix=""):
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):  # e.g. one entry per scenario
            value = {str(v.get("name", v.get("scenario", i))): v for i, v in enumerate(value)}
        if isinstance(value, dict):
            if key != "machine":
                yield from _flatten(value, name + ".")
        elif isinstance(value, (int, float, str, bool)) or value is None:
            yield name, value


def _format(value):
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def markdown(results, started, quick):
    lines = ["# Siaga benchmark report", "",
             f"Run {started:%Y-%m-%d %H:%M} UTC{' (quick)' if quick else ''} on {describe()}.",
             "Ratios compare each figure with a baseline measured in the same run.", ""]
    for name, result in results.items():
        lines += [f"## {name}", ""]
        if "error" in result:
            lines += ["```", result["error"].strip(), "```", ""]
            continue
        lines += ["| figure | value |", "|---|---|"]
        rows = list(_flatten(result))
        rows.sort(key=lambda kv: "ratio" not in kv[0])  # ratios first
        lines += [f"| {'**' + k + '**' if 'ratio' in k else k} | {_format(v)} |" for k, v in rows]
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller inputs (minutes instead of an hour)")
    parser.add_argument("--output", default=str(HERE / "results"))
    parser.add_argument("--only", nargs="*", help="benchmark names, e.g. bench_scoring")
    args = parser.parse_args()
    started = datetime.now(timezone.utc)
    results = {}
    for name in args.only or discover():
        print(f"== {name}", flush=True)
        begin = time.perf_counter()
        results[name] = run_one(name, args.quick)  # a failing one must not hide the others
        results[name]["wall_s"] = round(time.perf_counter() - begin, 1)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    report = {"started": started.isoformat(), "quick": args.quick, "machine": machine(), "results": results}
    (out / "report.json").write_text(json.dumps(report, indent=2, default=str))
    (out / "report.md").write_text(markdown(results, started, args.quick))
    print(f"report: {out / 'report.md'}")
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
