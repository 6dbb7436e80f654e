"""The embedded lab: up/status/down, a clear error on a taken port, and no process left behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from golive.lab.components.nginx import COMPONENT as NGINX
from golive.lab.runtime import LabError, LabRuntime, free_port

ROOT = Path(__file__).resolve().parents[1]


def _pids(state: Path) -> list[int]:
    return [json.loads(p.read_text())["pid"] for p in (state / "pids").glob("*.pid")]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def _golive(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "golive.cli", "lab", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=180, env={**os.environ, "GOLIVE_LAB_DIR": str(state)})


@pytest.mark.xdist_group("shared-lab-ports")
def test_cli_up_status_down_leaves_nothing(tmp_path):
    state = tmp_path / "lab"
    up = _golive(state, "up", "--only", "nginx")
    assert up.returncode == 0, up.stderr
    pids = _pids(state)
    assert pids and all(_alive(p) for p in pids)
    assert _golive(state, "status").returncode == 0
    again = _golive(state, "up", "--only", "nginx")
    assert again.returncode == 1 and "already up" in again.stderr
    assert _golive(state, "down").returncode == 0
    time.sleep(0.2)
    assert not any(_alive(p) for p in pids)
    assert _golive(state, "status").returncode == 3


def test_a_taken_port_is_a_clear_error(tmp_path):
    rt = LabRuntime(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(LabError, match=f"lab port {port} \\(nginx https\\) is already in use"):
            NGINX.start(rt, ports={"https": port, "http": free_port()})
    assert not rt.names()


def test_stop_never_touches_a_process_it_did_not_start(tmp_path):
    rt = LabRuntime(tmp_path)
    stranger = subprocess.Popen(["sleep", "30"])
    try:
        (tmp_path / "pids" / "fake.pid").write_text(json.dumps({"pid": stranger.pid, "started": "0", "argv": ["x"]}))
        rt.stop_all()
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()


def _gate(state: Path, tmp: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-m", "production", "--profile=local", "-k", "health", "-p", "no:cacheprovider",
         f"--alluredir={tmp / 'allure'}", f"--junitxml={tmp / 'junit.xml'}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
        env={**os.environ, "GOLIVE_LAB_DIR": str(state)})


def _wait_for_lab(state: Path, timeout: float = 120) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (state / "lab.json").exists():
            return _pids(state)
        time.sleep(0.1)
    raise AssertionError("the lab did not come up")


@pytest.mark.xdist_group("shared-lab-ports")
def test_gate_on_local_starts_and_stops_the_lab(tmp_path):
    state = tmp_path / "lab"
    gate = _gate(state, tmp_path)
    pids = _wait_for_lab(state)
    out, _ = gate.communicate(timeout=300)
    assert gate.returncode == 0, out
    assert "HEALTH         passed" in out
    assert not any(_alive(p) for p in pids)


@pytest.mark.xdist_group("shared-lab-ports")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_gate_leaves_no_process(tmp_path, sig):
    state = tmp_path / "lab"
    gate = _gate(state, tmp_path)
    pids = _wait_for_lab(state)
    gate.send_signal(sig)
    gate.communicate(timeout=120)
    deadline = time.monotonic() + 45  # generous: a loaded CI machine shuts Python servers down slowly
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    survivors = {p: Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ")[:120] for p in pids if _alive(p)}
    assert not survivors


@pytest.mark.xdist_group("shared-lab-ports")
def test_gate_with_a_lab_port_taken_stops_with_one_message(tmp_path):
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", NGINX.lab_ports["https"]))
        taken.listen()
        gate = _gate(tmp_path / "lab", tmp_path)
        out, _ = gate.communicate(timeout=300)
    assert gate.returncode == 4, out
    assert "could not start the embedded lab: lab port 18443 (nginx https) is already in use" in out
    assert "Traceback" not in out
    assert not _pids(tmp_path / "lab")  # whatever had started was stopped again
