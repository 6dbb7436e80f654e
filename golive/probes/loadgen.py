"""Bounded Locust load, run headless from Python (locust as a library) in a child process (AUTOSCALING).

Locust monkey-patches the interpreter with gevent when imported, so it runs in its own process
(``python -m golive.probes.loadgen``); the check keeps a plain interpreter and reads one JSON line of
stats per interval from the child's stdout. The child enforces every cap itself: users, request rate
(each user paced with ``constant_throughput(max_rps / users)``), total requests and run time; the parent
also kills it if it outlives its time cap. SIGTERM stops the load at once.

Distributed (``workers`` > 0 or ``remote``): the child is a Locust master. It starts ``workers`` local worker
processes (``python -m golive.probes.loadgen --worker``, dying with it) and waits, bounded, for ``remote.expect``
more started elsewhere with the same command line; a worker counts once it has taken golive's pacing (a plain
``locust --worker`` never does, so it cannot send unpaced load). The master enforces the caps over all workers
together: users are split by Locust, each user is paced at ``max_rps / users``, the request count is summed from
the workers' reports (every 0.25 s) and the run ends at ``max_requests`` or ``run_time``; every line names the
requests per worker. Too few workers: one line ``{"error": ...}`` and no load at all.
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


@dataclass(frozen=True)
class Remote:
    """Remote workers the master waits for: ``expect`` of them on ``bind_host:bind_port`` within ``wait_s``."""

    expect: int
    bind_host: str
    bind_port: int
    wait_s: float


LOCAL_WAIT_S = 30.0  # bound on local workers connecting (they start in about a second)
REPORT_INTERVAL_S = 0.25  # golive workers report to the master this often, so the request cap holds closely


def worker_command(master_host: str, master_port: int, locustfile: str = "load/silenttalk.py") -> list[str]:
    """The documented command line of a worker (local or on another machine, run from a golive checkout)."""
    return [sys.executable, "-m", "golive.probes.loadgen", "--worker", "--master-host", master_host,
            "--master-port", str(master_port), "--locustfile", locustfile]


class LoadRun:
    """A running load: ``latest`` holds the newest stats line; ``stop()`` ends it (idempotent)."""

    def __init__(self, host: str, locustfile: Path, classes: list[str], caps: LoadCaps, interval_s: float = 0.5,
                 workers: int = 0, remote: Remote | None = None):
        self.caps = caps
        self.lines: list[dict] = []
        self.latest: dict = {"requests": 0, "failures": 0, "rps": 0.0, "users": 0}
        argv = [sys.executable, "-m", "golive.probes.loadgen", "--host", host.rstrip("/"), "--locustfile", str(locustfile),
                "--classes", ",".join(classes), "--users", str(caps.users), "--spawn-rate", str(caps.spawn_rate),
                "--max-rps", str(caps.max_rps), "--max-requests", str(caps.max_requests),
                "--run-time", str(caps.run_time_s), "--interval", str(interval_s), "--workers", str(workers)]
        self.wait_s = 0.0
        if workers or remote:
            self.wait_s = max(LOCAL_WAIT_S if workers else 0.0, remote.wait_s if remote else 0.0)
        if remote is not None:
            argv += ["--expect-remote", str(remote.expect), "--bind-host", remote.bind_host,
                     "--bind-port", str(remote.bind_port), "--wait-workers", str(remote.wait_s)]
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
        if self.proc.poll() is None and time.monotonic() - self.started > self.caps.run_time_s + self.wait_s + 10:
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
        if "error" in self.latest:  # the generator said why it sent nothing (e.g. too few workers came)
            return self.latest
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
def _scenario(locustfile: str) -> object:
    import importlib.util
    spec = importlib.util.spec_from_file_location("golive_scenario", locustfile)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _worker(args) -> int:
    """A worker: runs the users the master gives it, paced as the master says (message ``golive-pace``)."""
    import gevent
    import locust.runners
    from locust import User, constant_throughput
    from locust.env import Environment

    locust.runners.WORKER_REPORT_INTERVAL = REPORT_INTERVAL_S
    module = _scenario(args.locustfile)
    classes = [v for v in vars(module).values()
               if isinstance(v, type) and issubclass(v, User) and not v.__dict__.get("abstract", False)]
    env = Environment(user_classes=classes)
    runner = env.create_worker_runner(args.master_host, args.master_port)
    sent = {"requests": 0}

    def pace(environment, msg, **_kw) -> None:
        for cls in classes:
            cls.wait_time = constant_throughput(msg.data["per_user"])
        sent["cap"] = msg.data["max_requests"]
        runner.send_message("golive-paced", {"per_user": msg.data["per_user"]})

    def on_request(**_kw) -> None:  # a second guard: no worker alone ever passes the whole cap
        sent["requests"] += 1
        if sent["requests"] >= sent.get("cap", float("inf")):
            gevent.spawn(runner.stop)

    runner.register_message("golive-pace", pace)
    env.events.request.add_listener(on_request)
    gevent.signal_handler(signal.SIGTERM, runner.quit)
    gevent.signal_handler(signal.SIGINT, runner.quit)
    runner.greenlet.join()
    return 0


def _paced(args, module) -> list[type]:
    from locust import constant_throughput
    per_user = args.max_rps / args.users
    return [type(name, (getattr(module, name),), {"wait_time": constant_throughput(per_user), "host": args.host})
            for name in args.classes.split(",")]


def _connect_workers(args, runner, local: list) -> str | None:
    """Send golive's pacing to every worker that connects; None once enough took it, else why not (bounded)."""
    import gevent
    want = args.workers + args.expect_remote
    paced: set[str] = set()
    runner.register_message("golive-paced", lambda environment, msg, **_kw: paced.add(msg.node_id))
    told: set[str] = set()
    wait_s = max(LOCAL_WAIT_S if args.workers else 0.0, args.wait_workers)
    deadline = time.monotonic() + wait_s
    while len(paced) < want and time.monotonic() < deadline:
        for cid in list(runner.clients.keys()):
            if cid not in told:
                runner.send_message("golive-pace", {"per_user": args.max_rps / args.users,
                                                    "max_requests": args.max_requests}, client_id=cid)
                told.add(cid)
        if any(p.poll() is not None for p in local):
            return f"a local Locust worker exited before the load started (exit {[p.poll() for p in local]})"
        gevent.sleep(0.1)
    if len(paced) >= want:
        return None
    unpaced = len(told) - len(paced)
    cmd = " ".join(worker_command(args.bind_host, runner.server.port, args.locustfile)[1:])
    return (f"only {len(paced)} of {want} Locust workers ({args.workers} local, {args.expect_remote} remote) "
            f"connected to the master on {args.bind_host}:{runner.server.port} within {wait_s:g} s"
            + (f" ({unpaced} connected without golive's pacing: a plain `locust --worker`)" if unpaced else "")
            + f"; start each remote worker with `python {cmd}` and open that port to it; no load was sent")


def _main() -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true", help="run as a worker of a golive master")
    parser.add_argument("--master-host", default="127.0.0.1")
    parser.add_argument("--master-port", type=int, default=5557)
    parser.add_argument("--locustfile", required=True)
    for name in ("host", "classes"):
        parser.add_argument(f"--{name}")
    parser.add_argument("--users", type=int)
    parser.add_argument("--spawn-rate", type=float)
    parser.add_argument("--max-rps", type=float)
    parser.add_argument("--max-requests", type=int)
    parser.add_argument("--run-time", type=float)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=0, help="local worker processes (0: no master)")
    parser.add_argument("--expect-remote", type=int, default=0)
    parser.add_argument("--bind-host", default="127.0.0.1")
    parser.add_argument("--bind-port", type=int, default=0)
    parser.add_argument("--wait-workers", type=float, default=0.0)
    args = parser.parse_args()
    if args.worker:
        return _worker(args)
    for name in ("host", "classes", "users", "spawn_rate", "max_rps", "max_requests", "run_time"):
        if getattr(args, name) is None:
            parser.error(f"--{name.replace('_', '-')} is required")

    import gevent
    from locust.env import Environment

    env = Environment(user_classes=_paced(args, _scenario(args.locustfile)), host=args.host)
    distributed = bool(args.workers or args.expect_remote)
    counts = {"requests": 0, "failures": 0}
    per_worker: dict[str, int] = {}
    local: list[subprocess.Popen] = []
    if distributed:
        runner = env.create_master_runner(args.bind_host if args.expect_remote else "127.0.0.1",
                                          args.bind_port if args.expect_remote else 0)

        def on_report(client_id: str, data: dict) -> None:
            total = data.get("stats_total") or {}
            counts["requests"] += total.get("num_requests", 0)
            counts["failures"] += total.get("num_failures", 0)
            per_worker[client_id] = per_worker.get(client_id, 0) + total.get("num_requests", 0)
            if counts["requests"] >= args.max_requests:
                runner.stop()  # the master's cap over every worker

        env.events.worker_report.add_listener(on_report)
        local = [subprocess.Popen(worker_command("127.0.0.1", runner.server.port, args.locustfile),
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  cwd=ROOT, preexec_fn=die_with_parent) for _ in range(args.workers)]
    else:
        runner = env.create_local_runner()

        def on_request(exception=None, **_kw) -> None:
            counts["requests"] += 1
            counts["failures"] += exception is not None
            if counts["requests"] >= args.max_requests:
                runner.quit()

        env.events.request.add_listener(on_request)
    gevent.signal_handler(signal.SIGTERM, runner.quit)
    try:
        if distributed and (why := _connect_workers(args, runner, local)):
            print(json.dumps({"error": why, "done": True, "workers": {}, **counts}), flush=True)
            return 0
        _run(args, runner, counts, per_worker)
    finally:
        runner.quit()
        _reap(local)
    return 0


def _run(args, runner, counts: dict, per_worker: dict) -> None:
    """Start the users, print one stats line per interval until a cap ends the load, then the totals."""
    import gevent
    started, cpu0 = time.monotonic(), time.process_time()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    gevent.spawn_later(args.run_time, runner.stop)
    last_n, last_t = 0, started

    def line(**extra) -> str:
        workers = {"workers": dict(per_worker)} if per_worker or args.workers or args.expect_remote else {}
        return json.dumps({"t": round(time.monotonic() - started, 3), **extra, **workers,
                           "cpu_s": round(time.process_time() - cpu0, 3), **counts})

    gevent.sleep(0.2)  # let the master's first spawn reach its workers before judging its state
    while runner.state not in ("stopped", "stopping") and time.monotonic() - started < args.run_time + 2:
        gevent.sleep(args.interval)
        now = time.monotonic()
        rps = (counts["requests"] - last_n) / (now - last_t)
        last_n, last_t = counts["requests"], now
        print(line(users=runner.user_count, rps=round(rps, 2)), flush=True)
    runner.stop()
    if per_worker or args.workers or args.expect_remote:
        gevent.sleep(2 * REPORT_INTERVAL_S + 0.2)  # the workers' last reports: every request sent is counted
    print(line(users=0, rps=0.0, done=True), flush=True)


def _reap(local: list[subprocess.Popen]) -> None:
    """Local workers end on the master's quit; any still running after 3 s is terminated, then killed."""
    deadline = time.monotonic() + 3
    for proc in local:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.terminate()
    for proc in local:
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=2)


if __name__ == "__main__":
    sys.exit(_main())
