"""Lab scaling target: a WSGI app under gunicorn whose worker count a controller changes by measured CPU.

Each gunicorn worker is a "replica" with a CPU request of ``CPU_REQUEST_M`` millicores (scaled down so a
few requests per second load it). The controller measures the workers' CPU from /proc/<pid>/schedstat,
computes utilization against the request, and scales like an HPA (desired = ceil(replicas x util /
target), 10 % tolerance, bounded by min/max; scale-in waits a short stabilization window) by sending
gunicorn's master TTIN/TTOU. It answers GET /status with replicas, desired, CPU and its configuration:
the scaler "API" the AUTOSCALING probe reads.

Run as ``python -m golive.lab.components.scaler controller ...`` (started by launch through rt.spawn).
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from golive.lab.component import Component
from golive.lab.runtime import LabRuntime, tcp_ready

MIN, MAX, TARGET = 1, 4, 70.0
CPU_REQUEST_M = 50  # each replica requests 50 millicores: 35 ms of CPU per second is 70 %
WORK_MS = 8.0  # CPU burnt by one API request
POLL_S = 0.5
SCALE_IN_AFTER_S = 1.5
HARD_LIMIT = 8  # never more workers than this, whatever a variant does (the machine is shared)

VARIANTS = {  # name -> (what is wrong, controller mode, target it uses and reports)
    "compliant": (f"scales {MIN}-{MAX} workers at {TARGET:g} % CPU", "compliant", TARGET),
    "never-scales": ("measures CPU but never changes the worker count", "never", TARGET),
    "exceeds-max": (f"ignores the maximum: scales up to {MAX + 2} workers", "exceeds", TARGET),
    "wrong-target": ("tracks 90 % CPU instead of 70 %", "compliant", 90.0),
}


# --- the app the load hits ----------------------------------------------------------------------------
def _burn(ms: float) -> None:
    end = time.thread_time() + ms / 1000
    x = 0
    while time.thread_time() < end:
        x += 1


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path.startswith("/api/"):
        _burn(WORK_MS)
        body, ctype = json.dumps({"items": [], "path": path}).encode(), "application/json"
    elif path == "/health":
        body, ctype = b'{"status":"healthy","database":"connected","redis":"connected"}', "application/json"
    elif path.startswith("/static/"):
        body, ctype = b"console.log('golive lab');", "application/javascript"
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]
    start_response("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))])
    return [body]


# --- the controller -----------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _cpu_ns(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class Controller:
    def __init__(self, master: int, mode: str, target: float, lo: int, hi: int):
        self.master, self.mode, self.target, self.lo, self.hi = master, mode, target, lo, hi
        self.replicas, self.desired, self.cpu = 0, lo, 0.0
        self.below_since: float | None = None
        self.lock = threading.Lock()

    def status(self) -> dict:
        with self.lock:
            return {"replicas": self.replicas, "desired": self.desired, "cpu_percent": round(self.cpu, 1),
                    "min_replicas": self.lo, "max_replicas": self.hi, "target_cpu_percent": self.target,
                    "metric": "cpu", "cpu_request_millicores": CPU_REQUEST_M, "poll_s": POLL_S, "mode": self.mode}

    def run(self) -> None:
        last: dict[int, int] = {}
        last_t = time.monotonic()
        while True:
            time.sleep(POLL_S)
            workers = _children(self.master)
            now = time.monotonic()
            used = 0
            current = {}
            for pid in workers:
                ns = _cpu_ns(pid)
                if ns is not None:
                    current[pid] = ns
                    used += ns - last.get(pid, ns)
            capacity = (now - last_t) * max(1, len(last)) * CPU_REQUEST_M / 1000
            util = used / 1e9 / capacity * 100 if last else 0.0
            last, last_t = current, now
            self.decide(len(workers), util, now)

    def decide(self, replicas: int, util: float, now: float) -> None:
        ratio = util / self.target
        want = replicas if abs(ratio - 1) <= 0.1 else math.ceil(replicas * ratio)
        top = {"exceeds": self.hi + 2}.get(self.mode, self.hi)
        want = max(self.lo, min(top, HARD_LIMIT, want))
        if self.mode == "never":
            want = replicas
        if want < replicas:  # scale in only after a stabilization window, one at a time
            self.below_since = self.below_since or now
            want = replicas - 1 if now - self.below_since >= SCALE_IN_AFTER_S else replicas
            if want < replicas:
                self.below_since = now
        else:
            self.below_since = None
        with self.lock:
            self.replicas, self.cpu, self.desired = replicas, util, want
        for _ in range(want - replicas):
            os.kill(self.master, signal.SIGTTIN)
        if want < replicas:
            os.kill(self.master, signal.SIGTTOU)


def _serve(controller: Controller, port: int) -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = json.dumps(controller.status()).encode()
            self.send_response(200 if self.path == "/status" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def _controller_main(argv: list[str]) -> int:
    pidfile, port, mode, target, lo, hi = argv[0], int(argv[1]), argv[2], float(argv[3]), int(argv[4]), int(argv[5])
    deadline = time.monotonic() + 15
    while not Path(pidfile).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    controller = Controller(int(Path(pidfile).read_text().strip()), mode, target, lo, hi)
    _serve(controller, port)
    controller.run()
    return 0


# --- the component ------------------------------------------------------------------------------------
class Scaler(Component):
    name = "scaler"
    variants = {name: why for name, (why, _, _) in VARIANTS.items()}
    lab_ports = {"app": 18610, "status": 18611}

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        _, mode, target = VARIANTS[variant]
        where = rt.dir(instance)
        pidfile = where / "gunicorn.pid"
        pidfile.unlink(missing_ok=True)
        root = str(Path(__file__).resolve().parents[3])
        env = {"PYTHONPATH": root}
        rt.spawn(f"{instance}-app", [sys.executable, "-m", "gunicorn", "--workers", str(MIN), "--bind",
                                     f"127.0.0.1:{ports['app']}", "--pid", str(pidfile), "--graceful-timeout", "2",
                                     "--worker-tmp-dir", str(where), "golive.lab.components.scaler:app"],
                 tcp_ready(ports["app"]), env=env, cwd=where)
        rt.spawn(f"{instance}-controller", [sys.executable, "-m", "golive.lab.components.scaler", "controller",
                                            str(pidfile), str(ports["status"]), mode, str(target), str(MIN), str(MAX)],
                 tcp_ready(ports["status"]), env=env, cwd=where)
        return {"app": f"http://127.0.0.1:{ports['app']}", "status": f"http://127.0.0.1:{ports['status']}/status"}


COMPONENT = Scaler()

if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "controller":
    sys.exit(_controller_main(sys.argv[2:]))
