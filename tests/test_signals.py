"""Interrupted runs (issue 14): SIGINT and SIGTERM to a real gate run with load running, serial and under xdist.

Every child (xdist workers, the Locust load generator, the lab the gate started) stops within 5 s, no listening
port of theirs remains, the run's temporary folder is removed, and summary.json says the run was interrupted,
so no report or bundle can call it READY.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from gate import ROOT

pytestmark = pytest.mark.xdist_group("shared-lab-ports")  # the gate starts the lab on its fixed ports
STOP_WITHIN_S = 5.0


def _tree(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _cmdline(proc: psutil.Process) -> str:
    """A child's command line; "" for one that is gone or a zombie (moto's server leaves an unreaped `sh`)."""
    try:
        return " ".join(proc.cmdline())
    except psutil.Error:
        return ""


def _wait_for_load(gate: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if gate.poll() is not None:
            raise AssertionError(f"the gate ended before its load started: {gate.communicate()[0][-3000:]}")
        for child in _tree(gate.pid):
            if "golive.probes.loadgen" in _cmdline(child):
                time.sleep(1.0)  # the load is flowing
                return
        time.sleep(0.2)
    gate.kill()
    raise AssertionError("the load generator never started within 90 s")


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["serial", "xdist"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_run_stops_every_child_and_says_interrupted(tmp_path, sig, workers):
    reports, temp, state = tmp_path / "reports", tmp_path / "tmp", tmp_path / "lab"
    temp.mkdir()
    env = {**os.environ, "GOLIVE_REPORTS_DIR": str(reports), "TMPDIR": str(temp), "GOLIVE_LAB_DIR": str(state)}
    gate = subprocess.Popen([sys.executable, "-m", "pytest", "-m", "production", "--profile=local", "-p",
                             "no:cacheprovider", "-p", "no:randomly", *workers, "checks/test_autoscaling.py"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            stdin=subprocess.DEVNULL)
    try:
        _wait_for_load(gate)
        children = _tree(gate.pid)
        assert any("golive.probes.loadgen" in _cmdline(c) for c in children)
        sent = time.monotonic()
        gate.send_signal(sig)
        output = gate.communicate(timeout=STOP_WITHIN_S + 10)[0]  # the gate is reaped by Popen, not psutil
        _, alive = psutil.wait_procs(children, timeout=max(0.1, sent + STOP_WITHIN_S + 5 - time.monotonic()))
        took = time.monotonic() - sent
    finally:
        if gate.poll() is None:
            gate.kill()
    assert not alive, f"still running {took:.1f} s after {sig.name}: {[p.cmdline() for p in alive]}"
    assert took <= STOP_WITHIN_S, f"every child stopped only {took:.1f} s after {sig.name}"
    assert gate.returncode == 2, output[-3000:]  # interrupted
    summary = json.loads((reports / "summary.json").read_text())
    assert summary["state"] == "interrupted", summary
    assert sig.name in summary["interrupted_by"]
    assert not list(temp.glob("golive-run-*")), "the run's temporary folder was left behind"
    listening = {c.laddr.port for c in psutil.net_connections("inet") if c.status == psutil.CONN_LISTEN}
    assert not listening & {18080, 18443, 18500, 18600}, "a lab server of the interrupted run still listens"
    done = subprocess.run([sys.executable, "-m", "golive.cli", "bundle", "--reports", str(reports)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, env=env)
    assert "READY (" not in done.stdout.replace("NOT READY", "")
