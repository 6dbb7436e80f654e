"""The whole gate on the lab: the same verdicts serial and under xdist; no canary secret in any output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import shared_lab_at
from gate import ROOT

pytestmark = pytest.mark.xdist_group("shared-lab-ports")
CANARIES = {"GOLIVE_CANARY_PASSWORD": "canary-env-7c1d2e", "AWS_SECRET_ACCESS_KEY": "canaryAwsSecretKey0123456789"}


@pytest.fixture(scope="module")
def lab_state(tmp_path_factory):
    with shared_lab_at(tmp_path_factory.mktemp("determinism-lab")) as state:
        yield state


def _gate(state: Path, out: Path, *extra: str) -> tuple[dict, str]:
    env = {**os.environ, "GOLIVE_LAB_DIR": str(state), **CANARIES}
    done = subprocess.run([sys.executable, "-m", "pytest", "-m", "production", "--profile=local", "-p",
                           "no:cacheprovider", f"--alluredir={out / 'allure'}", f"--junitxml={out / 'junit.xml'}",
                           "--change-ticket", "CHG-777", *extra], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900, stdin=subprocess.DEVNULL)
    summary = json.loads((out / "allure" / "golive-summary.json").read_text())
    return summary, done.stdout + done.stderr


def test_same_verdicts_serial_and_under_xdist_and_no_canary_anywhere(lab_state, tmp_path):
    serial, serial_out = _gate(lab_state, tmp_path / "serial")
    parallel, parallel_out = _gate(lab_state, tmp_path / "xdist", "-n", "2")
    verdicts = {k: v["verdict"] for k, v in serial["items"].items()}
    assert verdicts == {k: v["verdict"] for k, v in parallel["items"].items()}
    assert set(verdicts.values()) == {"passed"}, serial_out[-3000:]
    assert len(verdicts) == 13
    assert serial["api_calls"] > 0 and not serial["audit_failures"]
    html = tmp_path / "html"
    built = subprocess.run([sys.executable, "-m", "golive.cli", "report", "--results",
                            str(tmp_path / "serial" / "allure"), "--output", str(html)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    written = serial_out + parallel_out + "".join(
        p.read_text(errors="replace") for run in ("serial", "xdist") for p in (tmp_path / run).rglob("*") if p.is_file())
    written += (html / "index.html").read_text(errors="replace")
    turn_secret = (lab_state / "turn-secret").read_text().strip()
    for canary in [*CANARIES.values(), turn_secret]:
        assert canary not in written
