"""Benchmark the LATENCY-P95 sampler against the lab, in one run:

1. golive's open-loop sampler: requests/s per core of client CPU against the lab nginx (/health, no delay);
2. Locust FastHttpUser (the AUTOSCALING load generator) on the same endpoint, per core of its CPU;
3. the p95 error of golive's sampler against nginx's own request times ($request_time), on the compliant API
   and on the stalling variant, with the closed-loop p95 beside it.

    python bench/bench_sampler.py [--seconds 4]
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import _lab

from golive.lab.runtime import LabRuntime
from golive.probes import loadgen, sampler
from golive.verdict import CouldNotObserve


def _server_ms(log: Path, offset: int) -> list[float]:
    with log.open() as f:
        f.seek(offset)
        return [float(m.group(1)) * 1000 for m in re.finditer(r"rt=([\d.]+)", f.read())]


def golive_per_core(url: str, ca: Path, seconds: float) -> None:
    for rate in (500, 1000, 2000):
        cpu = time.process_time()
        try:
            seen = sampler.sample({"health": url}, sampler.Caps(rate, seconds, 100_000, 256, 2.0), ca)[0]
        except CouldNotObserve as exc:
            print(f"  golive open loop at {rate}/s: {exc}")
            break
        used = time.process_time() - cpu
        print(f"  golive open loop at {rate:>4}/s: {seen.sent} requests, achieved {seen.achieved_rate_per_s:.0f}/s, "
              f"client CPU {used:.2f} s -> {seen.sent / used:.0f} requests/s per core; p95 {seen.p95_ms:.2f} ms, "
              f"sampler lag p95 {seen.sampler_lag_p95_ms:.2f} ms")


def locust_per_core(base: str, locustfile: Path, seconds: float) -> None:
    run = loadgen.LoadRun(base, locustfile, ["HealthUser"], loadgen.LoadCaps(20, 20, 20_000, 1_000_000, seconds))
    while run.running:
        time.sleep(0.2)
    final = run.stop()
    used = final.get("cpu_s") or float("nan")
    print(f"  Locust FastHttpUser (20 users, closed loop, one process): {final.get('requests')} requests in "
          f"{seconds:g} s, {final.get('requests', 0) / seconds:.0f}/s, CPU {used:.2f} s under load -> "
          f"{final.get('requests', 0) / used:.0f} requests/s per core; failures {final.get('failures')}")


def accuracy(rt: LabRuntime, variant: str, seconds: float, site=None) -> None:
    site = site or _lab.COMPONENT.start(rt, variant)
    log = Path(site.endpoints["access_log"])
    caps = sampler.Caps(100, seconds, 100_000, 64, 2.0)
    offset = log.stat().st_size
    seen = sampler.sample({"api": site.endpoints["api"]}, caps, rt.ca_file)[0]
    time.sleep(0.2)
    server = sampler.percentile_ms(_server_ms(log, offset), 95)
    closed = sampler.sample({"api": site.endpoints["api"]}, caps, rt.ca_file, mode="closed-loop")[0]
    err = seen.p95_ms - server
    print(f"  {variant:<17} golive p95 {seen.p95_ms:7.1f} ms | nginx log p95 {server:7.1f} ms | error {err:+6.1f} ms "
          f"({err / server * 100:+5.1f} %) | closed-loop p95 {closed.p95_ms:7.1f} ms")


def main() -> int:
    args = _lab.options(__doc__, 4.0)
    with _lab.lab_nginx() as (rt, site, locustfile):
        health = f"{site.endpoints['https']}/health"
        print(f"throughput against lab nginx {health} (TLS 1.3, keep-alive), machine with "
              f"{len(__import__('os').sched_getaffinity(0))} cores:")
        golive_per_core(health, rt.ca_file, args.seconds)
        locust_per_core(site.endpoints["https"], locustfile, args.seconds)
        print("p95 accuracy at 100 req/s (open loop vs the server's $request_time):")
        accuracy(rt, "compliant", args.seconds, site)
        accuracy(rt, "fraction-delayed", args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
