"""Benchmark: WEBSOCKET connections through the lab nginx, golive's probe (asyncio client) against websockets'
threaded client, counting connections that did not upgrade, answer and close cleanly.

The threaded client reads the TLS socket on a background thread while the caller writes on it; OpenSSL does not
allow that, and on this machine about 1 in 40 connections stalled to the deadline (or the interpreter crashed).
The probe uses the asyncio client, one thread per TLS session. Prints, per client: connections, failures by
kind, wall time and the slowest connection.

    python bench/bench_websocket.py [--connections 300] [--timeout 5]
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from websockets.sync.client import connect  # noqa: E402

from golive.lab.components.websocket import COMPONENT  # noqa: E402
from golive.lab.runtime import LabRuntime  # noqa: E402
from golive.probes import websocket  # noqa: E402
from golive.probes.http import ssl_context  # noqa: E402


def _probe(url: str, ca: Path, timeout: float) -> str | None:
    c = websocket.observe_one(url, ca, timeout, 0)
    return None if c.answered and c.closed_cleanly else (c.failure or "no answer or no clean close")


def _threaded(url: str, ca: Path, timeout: float) -> str | None:
    with connect(url, ssl=ssl_context(ca), open_timeout=timeout, close_timeout=timeout, ping_interval=None,
                 proxy=None) as ws:
        if not ws.ping().wait(timeout):
            return "no pong"
        ws.close()
        return None if ws.protocol.close_rcvd is not None else "no close frame"


def run(name: str, once, url: str, ca: Path, timeout: float, n: int) -> None:
    failures: collections.Counter[str] = collections.Counter()
    slowest = 0.0
    started = time.monotonic()
    for _ in range(n):
        t = time.monotonic()
        try:
            why = once(url, ca, timeout)
        except Exception as exc:  # noqa: BLE001 (counted, the benchmark goes on)
            why = f"{type(exc).__name__}: {str(exc)[:60]}"
        if why:
            failures[why] += 1
        slowest = max(slowest, time.monotonic() - t)
    print(f"{name:>22}: {n} connections, {sum(failures.values())} failed, {time.monotonic() - started:.1f} s, "
          f"slowest {slowest * 1000:.0f} ms")
    for why, count in failures.most_common():
        print(f"{'':>24}{count} x {why}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    rt = LabRuntime(Path(tempfile.mkdtemp(prefix="golive-bench-ws-")))
    try:
        url = COMPONENT.start(rt, "compliant").endpoints["wss"]
        run("golive probe (asyncio)", _probe, url, rt.ca_file, args.timeout, args.connections)
        run("threaded client", _threaded, url, rt.ca_file, args.timeout, args.connections)
    finally:
        rt.stop_all()


if __name__ == "__main__":
    main()
