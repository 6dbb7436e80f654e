"""The whole gate on the lab: the same verdicts serial and under xdist; no canary secret in any output;
the shipped iam/ policies are what its audit calls for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import shared_lab_at
from gate import ROOT
from golive.registry import ITEMS

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


@pytest.fixture(scope="module")
def serial_run(lab_state, tmp_path_factory) -> tuple[dict, str, Path]:
    """One serial gate run on the shared lab: (summary, output, its reports folder with audit.jsonl)."""
    out = tmp_path_factory.mktemp("serial")
    return (*_gate(lab_state, out), out)


def test_same_verdicts_serial_and_under_xdist_and_no_canary_anywhere(lab_state, serial_run, tmp_path):
    serial, serial_out, serial_dir = serial_run
    parallel, parallel_out = _gate(lab_state, tmp_path / "xdist", "-n", "2")
    verdicts = {k: v["verdict"] for k, v in serial["items"].items()}
    assert verdicts == {k: v["verdict"] for k, v in parallel["items"].items()}
    assert set(verdicts.values()) == {"passed"}, serial_out[-3000:]
    assert len(verdicts) == len(ITEMS)  # every checklist item has a verdict on the lab
    assert serial["api_calls"] > 0 and not serial["audit_failures"]
    html = tmp_path / "html"
    built = subprocess.run([sys.executable, "-m", "golive.cli", "report", "--results",
                            str(serial_dir / "allure"), "--output", str(html)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    written = serial_out + parallel_out + "".join(
        p.read_text(errors="replace") for run in (serial_dir, tmp_path / "xdist") for p in run.rglob("*") if p.is_file())
    written += (html / "index.html").read_text(errors="replace")
    turn_secret = (lab_state / "turn-secret").read_text().strip()
    for canary in [*CANARIES.values(), turn_secret]:
        assert canary not in written


def test_shipped_reader_policies_are_what_the_gate_audit_calls_for(serial_run):
    """iam/ in step with the code: regenerated from this gate's audit, every action known to its reference."""
    from golive.audit import AuditLog
    from golive.least_privilege import shipped_drift

    calls = AuditLog(serial_run[2] / "audit.jsonl").calls()
    assert calls and not [c for c in calls if not c.is_read]
    drift = shipped_drift(calls, ROOT)  # raises UnknownToReference naming any call the references do not know
    assert not drift, "\n\n".join(drift)
