"""Bounded Locust load, run headless from Python (locust as a library) in a child process.

Locust monkey-patches the interpreter with gevent when imported, so it runs in its own process
(``python -m golive.probes.loadgen``); the check keeps a plain interpreter and reads one JSON line of
stats per interval from the child's stdout. The child enforces every cap itself: users, request rate
(each user paced with ``constant_throughput(max_rps / users)``), total requests and run time; the parent
also kills it if it outlives its time cap. SIGTERM stops the load at once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from golive.processes import die_with_parent

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class LoadCaps:
    users: int
    spawn_rate: float
    max_rps: float
    max_requests: int
    run_time_s: float


class LoadRun:
    """A running load: ``latest`` holds the newest stats line; ``stop()`` ends it (idempotent)."""

    def __init__(self, host: str, locustfile: Path, classes: list[str], caps: LoadCaps, interval_s: float = 0.5):
        self.caps = caps
        self.lines: list[dict] = []
        self.latest: dict = {"requests": 0, "failures": 0, "rps": 0.0, "users": 0}
        argv = [sys.executable, "-m", "golive.probes.loadgen", "--host", host.rstrip("/"), "--locustfile", str(locustfile),
                "--classes", ",".join(classes), "--users", str(caps.users), "--spawn-rate", str(caps.spawn_rate),
                "--max-rps", str(caps.max_rps), "--max-requests", str(caps.max_requests),
                "--run-time", str(caps.run_time_s), "--interval", str(interval_s)]
        self._stderr = tempfile.TemporaryFile(mode="w+")  # never a pipe: a full pipe would stall the child
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL,
                                     cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True,
                                     preexec_fn=die_with_parent)  # never outlives a killed worker
        self.started = time.monotonic()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                data = json.loads(line)
            except ValueError:
                continue
            self.lines.append(data)
            self.latest = data

    @property
    def running(self) -> bool:
        if self.proc.poll() is None and time.monotonic() - self.started > self.caps.run_time_s + 10:
            self.proc.kill()  # the child's own cap failed: never let load outlive its time cap
        return self.proc.poll() is None

    def stop(self) -> dict:
        """Stop the load; returns the final totals ({"error": ...} when the generator failed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._reader.join(timeout=5)
        if self.proc.returncode not in (0, -signal.SIGTERM):
            self._stderr.seek(0)
            err = self._stderr.read()[-1500:]
            return {**self.latest, "error": f"load generator exited {self.proc.returncode}: {err}"}
        if self.latest.get("requests") and self.latest.get("failures") == self.latest.get("requests"):
            self._stderr.seek(0)
            err = self._stderr.read()[-600:]
            return {**self.latest, "error": f"every one of {self.latest['requests']} requests failed: {err}"}
        return self.latest


# --- the child: locust as a library -------------------------------------------------------------------
def _main() -> int:
    import argparse
    import importlib.util

    parser = argparse.ArgumentParser()
    for name in ("host", "locustfile", "classes"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--spawn-rate", type=float, required=True)
    parser.add_argument("--max-rps", type=float, required=True)
    parser.add_argument("--max-requests", type=int, required=True)
    parser.add_argument("--run-time", type=float, required=True)
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args()

    import gevent
    from locust import constant_throughput
    from locust.env import Environment

    spec = importlib.util.spec_from_file_location("golive_scenario", args.locustfile)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    per_user = args.max_rps / args.users
    classes = [type(name, (getattr(module, name),), {"wait_time": constant_throughput(per_user), "host": args.host})
               for name in args.classes.split(",")]
    env = Environment(user_classes=classes, host=args.host)
    runner = env.create_local_runner()
    counts = {"requests": 0, "failures": 0}

    def on_request(exception=None, **_kw) -> None:
        counts["requests"] += 1
        counts["failures"] += exception is not None
        if counts["requests"] >= args.max_requests:
            runner.quit()

    env.events.request.add_listener(on_request)
    gevent.signal_handler(signal.SIGTERM, runner.quit)
    started, cpu0 = time.monotonic(), time.process_time()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    gevent.spawn_later(args.run_time, runner.quit)
    last_n, last_t = 0, started
    while runner.state not in ("stopped", "stopping") and time.monotonic() - started < args.run_time + 2:
        gevent.sleep(args.interval)
        now = time.monotonic()
        rps = (counts["requests"] - last_n) / (now - last_t)
        last_n, last_t = counts["requests"], now
        print(json.dumps({"t": round(now - started, 3), "users": runner.user_count, "rps": round(rps, 2),
                          "cpu_s": round(time.process_time() - cpu0, 3), **counts}), flush=True)
    runner.quit()
    print(json.dumps({"t": round(time.monotonic() - started, 3), "users": 0, "rps": 0.0, "done": True,
                      "cpu_s": round(time.process_time() - cpu0, 3), **counts}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
