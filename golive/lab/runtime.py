"""The lab's process runtime: a state directory, a test CA, free ports, and servers we start and stop by PID.

Every process is started by this code, recorded in ``<state>/pids/<name>.pid`` beside its command line,
and stopped only if its command line still names this lab's state directory (never someone else's PID).
Attached processes also get PDEATHSIG, so they die with the Python process even if it is killed.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import trustme

from golive.processes import die_with_parent


class LabError(Exception):
    """The lab could not start or stop something; the message says what and what to do."""


class _Spawner:
    """One long-lived thread that starts every attached process.

    PDEATHSIG fires when the *thread* that forked the child exits, not the process. Servers started from a
    short-lived thread (a pool starting components side by side) would be killed when that thread ends; this
    thread lives until the Python process exits, which is exactly when the servers must go too.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], object], Future]] = queue.Queue()
        threading.Thread(target=self._serve, name="golive-lab-spawner", daemon=True).start()

    def _serve(self) -> None:
        while True:
            job, done = self._jobs.get()
            try:
                done.set_result(job())
            except BaseException as exc:  # noqa: BLE001 (handed to the caller)
                done.set_exception(exc)

    def run(self, job: Callable[[], object]) -> object:
        done: Future = Future()
        self._jobs.put((job, done))
        return done.result()


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port nothing listens on, from 20000-31999: below the kernel's ephemeral range (32768-60999), so the
    client sockets of a busy test run cannot take it between this check and the server's bind."""
    for _ in range(200):
        port = random.randrange(20000, 32000)
        if not port_in_use(port, kind) and not port_in_use(port, socket.SOCK_DGRAM if kind == socket.SOCK_STREAM
                                                            else socket.SOCK_STREAM):
            return port
    raise LabError("no free lab port in 20000-31999")


def port_in_use(port: int, kind: int = socket.SOCK_STREAM) -> bool:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def tcp_ready(port: int, host: str = "127.0.0.1") -> Callable[[], bool]:
    def check() -> bool:
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return True
        except OSError:
            return False
    return check


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path


@dataclass
class LabRuntime:
    """A lab's state directory and the processes started under it."""

    state_dir: Path
    detach: bool = False  # True for `golive lab up`: processes outlive this Python process
    procs: dict[str, Proc] = field(default_factory=dict)
    _spawner: _Spawner = field(default_factory=_Spawner, repr=False)

    def __post_init__(self) -> None:
        self.state_dir = Path(self.state_dir).resolve()
        (self.state_dir / "pids").mkdir(parents=True, exist_ok=True)
        (self.state_dir / "logs").mkdir(exist_ok=True)
        os.chmod(self.state_dir, 0o755)

    # --- the lab CA ------------------------------------------------------------------------------
    @property
    def ca_file(self) -> Path:
        return self.state_dir / "ca.pem"

    def ca(self) -> trustme.CA:
        """The lab's CA, created once per state directory and reused by later starts."""
        key_file = self.state_dir / "ca-key.pem"
        if key_file.exists() and self.ca_file.exists():
            return trustme.CA.from_pem(self.ca_file.read_bytes(), key_file.read_bytes())
        ca = trustme.CA(organization_name="golive lab CA")
        self.ca_file.write_bytes(ca.cert_pem.bytes())
        key_file.write_bytes(ca.private_key_pem.bytes())
        key_file.chmod(0o600)
        return ca

    def server_cert(self, where: Path, *names: str) -> tuple[Path, Path]:
        """A certificate from the lab CA for these host names/IPs, written as cert.pem/key.pem in ``where``."""
        from golive.lab import certs

        ca = self.ca()
        return certs.from_ca(ca.cert_pem.bytes(), ca.private_key_pem.bytes(), names or ("localhost", "127.0.0.1"),
                             where / "cert.pem", where / "key.pem")

    def dir(self, name: str) -> Path:
        path = self.state_dir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    # --- processes -------------------------------------------------------------------------------
    def spawn(self, name: str, argv: list[str], ready: Callable[[], bool], timeout: float = 15.0,
              env: dict[str, str] | None = None, cwd: Path | None = None) -> Proc:
        """Start a server, wait until ``ready()`` is true, and record its PID."""
        if name in self.procs or self.pid_alive(name):
            raise LabError(f"lab process {name!r} is already running under {self.state_dir}; run `golive lab down`")
        log = self.state_dir / "logs" / f"{name}.log"
        def start() -> subprocess.Popen[bytes]:
            with log.open("ab") as out:
                return subprocess.Popen(
                    argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd,
                    env={**os.environ, **(env or {})}, start_new_session=True,
                    preexec_fn=None if self.detach else die_with_parent)

        popen = start() if self.detach else self._spawner.run(start)
        proc = Proc(name, popen, log)
        self.procs[name] = proc
        (self.state_dir / "pids" / f"{name}.pid").write_text(
            json.dumps({"pid": popen.pid, "started": _start_time(popen.pid), "argv": argv}), encoding="utf-8")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if popen.poll() is not None:
                self.stop(name)
                raise LabError(f"lab process {name} exited with status {popen.returncode} before it was ready; "
                               f"see {log}:\n{_tail(log)}")
            if ready():
                return proc
            time.sleep(0.05)
        self.stop(name)
        raise LabError(f"lab process {name} was not ready within {timeout:.0f} s; see {log}:\n{_tail(log)}")

    def _pid_record(self, name: str) -> dict | None:
        path = self.state_dir / "pids" / f"{name}.pid"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @staticmethod
    def _is_ours(record: dict) -> bool:
        """Same PID and same kernel start time as when we started it: not a reused PID."""
        return _start_time(record["pid"]) == record.get("started")

    def pid_alive(self, name: str) -> bool:
        record = self._pid_record(name)
        return bool(record) and self._is_ours(record)

    def names(self) -> list[str]:
        return sorted(p.stem for p in (self.state_dir / "pids").glob("*.pid"))

    def stop(self, name: str, grace: float = 5.0) -> None:
        """Stop one process we started (its whole process group), by its recorded PID."""
        record = self._pid_record(name)
        proc = self.procs.pop(name, None)
        pid = proc.popen.pid if proc else (record or {}).get("pid")
        if pid and (proc or (record and self._is_ours(record))):
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
                try:
                    os.killpg(pid, sig)
                except ProcessLookupError:
                    break
                if _wait_gone(pid, proc, wait):
                    break
        (self.state_dir / "pids" / f"{name}.pid").unlink(missing_ok=True)

    def stop_all(self) -> None:
        for name in sorted(set(self.names()) | set(self.procs), reverse=True):
            self.stop(name)


def _wait_gone(pid: int, proc: Proc | None, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc is not None:
            if proc.popen.poll() is not None:
                return True
        else:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
        time.sleep(0.05)
    return False


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
