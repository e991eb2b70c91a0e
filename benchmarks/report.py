"""The table printed at the end of a run, the JSON written beside it, and the targets."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

#: (case, what is checked, test on the case's results and the floor's req/s at c=8)
TARGETS: list[tuple[str, str, Any]] = [
    ("lesson page (logged in)", "≥ 40% of floor req/s at c=8",
     lambda r, f: r["c8"]["rps"] >= 0.4 * f),
    ("lesson page (logged in)", "p99 ≤ 15 ms at c=8", lambda r, f: r["c8"]["p99_ms"] <= 15),
    ("quiz submission (10 questions)", "p50 ≤ 20 ms (HTTP, c=1)",
     lambda r, f: r["c1"]["p50_ms"] <= 20),
    ("teacher dashboard (40 students)", "p50 ≤ 30 ms (c=1)",
     lambda r, f: r["c1"]["p50_ms"] <= 30),
    ("reflections view (40 students)", "p50 ≤ 30 ms (c=1)",
     lambda r, f: r["c1"]["p50_ms"] <= 30),
    ("certificate re-download", "≥ 25% of floor req/s at c=8",
     lambda r, f: r["c8"]["rps"] >= 0.25 * f),
]


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in
                   Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    try:
        wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    except OSError:
        wrk = ""
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "system": platform.platform(), "wrk": wrk.split(" [")[0].strip(),
            "load_average_at_start": list(os.getloadavg())}


def check_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    floor = results["cases"]["hello (floor)"]["c8"]["rps"]
    checks = []
    for case, label, test in TARGETS:
        if case in results["cases"]:
            checks.append({"case": case, "target": label,
                           "met": bool(test(results["cases"][case], floor))})
    extra = results.get("in_process", {})
    if "certificate first render" in extra:
        checks.append({"case": "certificate first render", "target": "p50 ≤ 100 ms",
                       "met": extra["certificate first render"]["p50_ms"] <= 100})
    timings = results.get("timings", {})
    if "resync_unchanged_s" in timings:
        checks.append({"case": "course re-sync (unchanged)", "target": "≤ 1 s",
                       "met": timings["resync_unchanged_s"] <= 1})
    if "cold_start_median_s" in timings:
        checks.append({"case": "cold start", "target": "≤ 1 s",
                       "met": timings["cold_start_median_s"] <= 1})
    return checks


def table(results: dict[str, Any]) -> str:
    """A Markdown table: req/s, p50 and p99 at c=1 and c=8, and req/s as a share of the floor."""
    floor = results["cases"]["hello (floor)"]
    lines = ["| case | c=1 req/s | c=1 p50 / p99 ms | c=8 req/s | c=8 p50 / p99 ms "
             "| c=8 vs floor |", "|---|---:|---:|---:|---:|---:|"]
    for name, case in results["cases"].items():
        c1, c8 = case["c1"], case["c8"]
        ratio = c8["rps"] / floor["c8"]["rps"]
        lines.append(f"| {name} | {c1['rps']:,.0f} | {c1['p50_ms']:.1f} / {c1['p99_ms']:.1f} "
                     f"| {c8['rps']:,.0f} | {c8['p50_ms']:.1f} / {c8['p99_ms']:.1f} "
                     f"| {ratio:.0%} |")
    lines.append("")
    lines.append("| measured in process | n | first | p50 | p99 |")
    lines.append("|---|---:|---:|---:|---:|")
    for name, value in results.get("in_process", {}).items():
        lines.append(f"| {name} | {value['n']} | {value['first_ms']:.1f} ms "
                     f"| {value['p50_ms']:.1f} ms | {value['p99_ms']:.1f} ms |")
    timings = results.get("timings", {})
    lines.append("")
    lines.append("| once | seconds |")
    lines.append("|---|---:|")
    for key, label in (("sync_all_s", "course sync, all courses into an empty database"),
                       ("resync_unchanged_s", "course re-sync, unchanged"),
                       ("cold_start_median_s", "cold start `create_app()`, median of 5"),
                       ("seed_rows_s", "seeding the data set"),
                       ("total_s", "whole benchmark")):
        if key in timings:
            lines.append(f"| {label} | {timings[key]:.2f} |")
    checks = results.get("targets", [])
    if checks:
        lines.append("")
        lines.append("| target | met |")
        lines.append("|---|---|")
        for check in checks:
            lines.append(f"| {check['case']}: {check['target']} | "
                         f"{'yes' if check['met'] else '**no**'} |")
    return "\n".join(lines)


def write(results: dict[str, Any], name: str = "latest.json") -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return path
