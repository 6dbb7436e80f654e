"""Benchmark AUTOSCALING's load generator: requests/s from one Locust process, and from a master with 1 and 2
local workers (live.workers), against the lab nginx's /health; prints the 2-vs-1-worker ratio (issue 18).

    python bench/bench_load.py [--seconds 5] [--repeat 3]

Closed loop (the cap of 20,000 req/s is never reached), 20 users; the median of --repeat runs per setting.
The lab's nginx runs on the same machine, so on 2 cores the ratio says what a second process adds here,
not what a second load machine would.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import _lab

from golive.probes import loadgen


def throughput(base: str, locustfile: Path, workers: int, seconds: float) -> tuple[float, dict]:
    """Requests/s of one bounded run (from the load's first second to its end) and its final totals."""
    caps = loadgen.LoadCaps(20, 100, 20_000, 10_000_000, seconds)
    run = loadgen.LoadRun(base, locustfile, ["HealthUser"], caps, workers=workers)
    while run.running:
        time.sleep(0.2)
    final = run.stop()
    if "error" in final:
        raise SystemExit(f"the load failed: {final['error']}")
    return final.get("requests", 0) / max(final.get("t", seconds), 1e-9), final


def main() -> int:
    args = _lab.options(__doc__, 5.0, repeat=3)
    with _lab.lab_nginx() as (_, site, locustfile):
        base = site.endpoints["https"]
        print(f"Locust load against lab nginx {base}/health, 20 users, {args.seconds:g} s per run, median of "
              f"{args.repeat}; machine with {len(os.sched_getaffinity(0))} cores (shared)")
        medians = {}
        for label, workers in (("one process", 0), ("master + 1 worker", 1), ("master + 2 workers", 2)):
            rates = []
            for _ in range(args.repeat):
                rate, final = throughput(base, locustfile, workers, args.seconds)
                rates.append(rate)
            medians[workers] = statistics.median(rates)
            split = f" per worker {sorted(final['workers'].values())}" if final.get("workers") else ""
            print(f"  {label:<20} {medians[workers]:7.0f} req/s (runs: {', '.join(f'{r:.0f}' for r in rates)})"
                  f"{split}")
        print(f"  ratio 2 workers / 1 worker: {medians[2] / medians[1]:.2f}; "
              f"2 workers / one process: {medians[2] / medians[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
