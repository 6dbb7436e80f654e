"""Benchmark: the whole production gate on the embedded lab, serial against ``-n auto``, and its API calls.

First the gate as a user runs it from a fresh checkout, starting and stopping the lab itself ("cold"), serially
and with ``-n auto``; then one run starts the shared lab once (its start-up time is printed on its own) and runs
``pytest -m production --profile=local`` serially and with ``-n auto`` (xdist), ``--repeat`` times each,
and prints medians and: wall time per run, the verdict per checklist item (and whether every run agreed), the cloud
API calls per run (from the read-only audit) against the distinct reads they were, and the lab start-up.

    python bench/bench_gate.py [--repeat 3] [--smoke]

``--smoke`` (CI): one serial and one xdist run, figures printed, nothing asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _gate(env: dict[str, str], out: Path, *extra: str) -> tuple[float, dict, list[dict]]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-m", "production", "--profile=local", "-q",
                           "-p", "no:cacheprovider", f"--alluredir={out / 'allure'}", f"--junitxml={out / 'j.xml'}",
                           *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
                          stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    summary_file = out / "allure" / "golive-summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
    if not summary:
        print(done.stdout[-3000:], done.stderr[-2000:])
    audit_file = out / "audit.jsonl"
    calls = [json.loads(line) for line in audit_file.read_text().splitlines()] if audit_file.exists() else []
    return wall, summary, calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    repeat = 1 if args.smoke else args.repeat
    state = Path(tempfile.mkdtemp(prefix="golive-bench-lab-"))
    env = {**os.environ, "GOLIVE_LAB_DIR": str(state)}
    cold: list[tuple[str, float, dict, list[dict]]] = []
    for mode, extra in (("serial", ()), ("-n auto", ("-n", "auto"))):
        for _ in range(repeat):  # the gate starts the lab, runs, stops it: what a user waits for
            out = Path(tempfile.mkdtemp(prefix="golive-bench-run-"))
            cold_env = {**env, "GOLIVE_LAB_DIR": tempfile.mkdtemp(prefix="golive-bench-cold-")}
            cold.append((mode, *_gate(cold_env, out, *extra)))
    started = time.perf_counter()
    up = subprocess.run([sys.executable, "-m", "golive.cli", "lab", "up"], cwd=ROOT, env=env, capture_output=True,
                        text=True, timeout=600)
    lab_s = time.perf_counter() - started
    if up.returncode != 0:
        sys.exit(f"lab up failed: {up.stderr}")
    runs: list[tuple[str, float, dict, list[dict]]] = []
    try:
        for mode, extra in (("serial", ()), ("-n auto", ("-n", "auto"))):
            for _ in range(repeat):
                out = Path(tempfile.mkdtemp(prefix="golive-bench-run-"))
                wall, summary, calls = _gate(env, out, *extra)
                runs.append((mode, wall, summary, calls))
    finally:
        subprocess.run([sys.executable, "-m", "golive.cli", "lab", "down"], cwd=ROOT, env=env, capture_output=True,
                       timeout=120)
    print(f"machine: {os.cpu_count()} cores; lab start-up (all components, once): {lab_s:.1f} s")
    print(f"{'mode':<9} {'wall s':>7} {'API calls':>9} {'distinct':>8}  verdicts")
    verdict_sets = []
    for mode, wall, summary, calls in runs:
        verdicts = {k: v["verdict"] for k, v in summary.get("items", {}).items()}
        verdict_sets.append(json.dumps(verdicts, sort_keys=True))
        distinct = len({(c["cloud"], c["action"], c.get("path", "")) for c in calls})
        short = " ".join(f"{k}={v}" for k, v in sorted(verdicts.items()))
        print(f"{mode:<9} {wall:>7.1f} {len(calls):>9} {distinct:>8}  {short}")
    print(f"verdicts identical across all {len(runs)} runs: {len(set(verdict_sets)) == 1}")
    for mode in ("serial", "-n auto"):
        walls = [w for m, w, _, _ in runs if m == mode]
        print(f"{mode}: median {statistics.median(walls):.1f} s, best {min(walls):.1f} s, worst {max(walls):.1f} s "
              f"(lab already up)")
    for mode in ("serial", "-n auto"):
        walls = [w for m, w, _, _ in cold if m == mode]
        agree = len({json.dumps({k: v["verdict"] for k, v in s.get("items", {}).items()}, sort_keys=True)
                     for m, _, s, _ in cold if m == mode} | set(verdict_sets)) == 1
        print(f"whole gate incl. lab start-up, {mode}: median {statistics.median(walls):.1f} s over {len(walls)} "
              f"(runs: {', '.join(f'{w:.1f}' for w in walls)}); verdicts as above: {agree}")


if __name__ == "__main__":
    main()
