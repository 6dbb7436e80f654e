"""`golive watch` proven on the lab latency target: errors injected midway end in ROLL BACK naming "error rate > 5 %"
within the window, a steady compliant target is HOLDING, nothing answering is could-not-observe (6), a slower
target than the last READY run's p95 is "performance degradation > 50 %", and SIGTERM stops it at once (2).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from gate import profile_dict
from golive import cli
from golive.lab.runtime import free_port
from golive.profile.watch import WatchSection, WatchTriggers
from golive.watch import (
    COULD_NOT_OBSERVE,
    HOLDING,
    ROLL_BACK,
    Figures,
    conclude,
    parse_window,
    triggers_broken,
    trusted,
)

ROOT = Path(__file__).resolve().parents[1]


def _fig(interval=1, sent=100, errors=0, p95=20.0, answered=None, blind=None) -> Figures:
    return Figures(interval, 0.0, 1.0, "api", "https://x/api", sent, errors, errors / sent if sent else None, p95,
                   sent - errors if answered is None else answered, {"200": sent - errors, "500": errors}, blind)


def test_triggers_default_to_the_runbooks_numbers():
    t = WatchTriggers()
    assert not triggers_broken(_fig(errors=5), t, None)  # 5 % is not > 5 %
    assert [h.trigger for h in triggers_broken(_fig(errors=6), t, None)] == ["error rate > 5 %"]
    assert [h.trigger for h in triggers_broken(_fig(p95=501), t, None)] == ["API p95 > 500 ms"]
    assert [h.trigger for h in triggers_broken(_fig(p95=31), t, 20.0)] == ["performance degradation > 50 %"]
    assert not triggers_broken(_fig(p95=29), t, 20.0)
    down = [h.trigger for h in triggers_broken(_fig(errors=100, answered=0), t, None)]
    assert down == ["service unavailable", "error rate > 5 %"]
    assert not triggers_broken(_fig(sent=0, blind="the sampler was saturated"), t, None)


def test_a_late_sampler_never_hides_errors_and_never_fakes_a_slow_p95():
    late = replace(_fig(errors=30, p95=600), sampler_lag_ms=80)
    seen, hits = trusted(late, triggers_broken(late, WatchTriggers(), None))
    assert [h.trigger for h in hits] == ["error rate > 5 %"] and seen.blind is None
    slow = replace(_fig(p95=600), sampler_lag_ms=80)
    seen, hits = trusted(slow, triggers_broken(slow, WatchTriggers(), None))
    assert not hits and "not trusted" in seen.blind
    fine = replace(_fig(p95=100), sampler_lag_ms=80)
    assert trusted(fine, triggers_broken(fine, WatchTriggers(), None)) == (fine, [])


def test_verdicts_fail_closed():
    assert conclude([_fig(1), _fig(2)], [], None, 2).verdict == HOLDING
    assert conclude([_fig(1)], [], None, 2).verdict == COULD_NOT_OBSERVE  # the window was cut short
    assert conclude([_fig(1), _fig(2, sent=0, blind="lag")], [], None, 2).verdict == COULD_NOT_OBSERVE
    nothing = conclude([_fig(1, sent=0, answered=0, blind="every request failed to connect")], [], None, 1)
    assert nothing.verdict == COULD_NOT_OBSERVE and "nothing answered" in nothing.why
    hit = triggers_broken(_fig(2, errors=30), WatchTriggers(), None)
    out = conclude([_fig(1), _fig(2, errors=30)], hit, _fig(2, errors=30), 10)
    assert out.verdict == ROLL_BACK and out.why.startswith("error rate > 5 % on api in interval 2")


def test_window_is_bounded_and_parsed():
    assert WatchSection().window_s == 1800  # runbook 003: monitor for 30 minutes
    assert [parse_window(w) for w in ("90", "90s", "30m", "2h")] == [90, 90, 1800, 7200]
    with pytest.raises(ValueError, match="30m"):
        parse_window("soon")
    with pytest.raises(ValueError, match="less than or equal to 86400"):
        WatchSection(window_s=86_401)


def _profile(tmp_path: Path, url: str, ca: Path, **watch) -> Path:
    section = {"endpoints": [{"name": "users-me", "url": url}], "window_s": 8, "intervals": 8, "rate_per_s": 20,
               "max_requests": 1000, "timeout_s": 2, **watch}
    path = tmp_path / "watch-profile.yaml"
    path.write_text(yaml.safe_dump(profile_dict({}, runbooks=["001", "003", "004"], trust={"ca_bundle": str(ca)},
                                                watch=section)), encoding="utf-8")
    return path


def _watch(capsys, profile: Path, reports: Path, *extra: str) -> tuple[int, str, dict]:
    status = cli.main(["watch", "--profile", str(profile), "--reports", str(reports), *extra])
    out = capsys.readouterr()
    doc = json.loads((reports / "watch.json").read_text()) if (reports / "watch.json").exists() else {}
    return status, out.out + out.err, doc


def test_errors_injected_midway_roll_back_within_the_window(lab, lab_rt, tmp_path, capsys):
    site = lab("latency", "errors-midway")  # 30 % of answers are 500 from 4 s after launch
    status, out, doc = _watch(capsys, _profile(tmp_path, site.endpoints["api"], lab_rt.ca_file), tmp_path / "r")
    assert status == 8, out
    assert "ROLL BACK: error rate > 5 % on users-me" in out and "runbook 004 line 416" in out
    series = doc["series"]
    assert series[0]["error_rate"] == 0.0, series[0]  # errors came midway, not from the start
    assert doc["verdict"] == ROLL_BACK and doc["triggers_broken"][0]["trigger"] == "error rate > 5 %"
    assert len(series) < 8 and series[-1]["end_s"] < 8 + 2  # stopped at the trigger, within the window
    assert (tmp_path / "r" / "watch.png").stat().st_size > 10_000


def test_steady_target_holds_with_plot_and_allure_result(lab, lab_rt, tmp_path, capsys):
    site = lab("latency", "compliant")
    reports = tmp_path / "r"
    (reports / "allure-results").mkdir(parents=True)
    profile = _profile(tmp_path, site.endpoints["api"], lab_rt.ca_file, window_s=3, intervals=3)
    status, out, doc = _watch(capsys, profile, reports)
    assert status == 0, out
    assert "HOLDING: no rollback trigger in 3 intervals" in out and "no baseline" in out
    assert doc["state"] == "complete" and len(doc["series"]) == 3 and doc["baseline"]["missing"]
    result = json.loads(next((reports / "allure-results").glob("*-result.json")).read_text())
    assert result["status"] == "passed" and result["name"] == "post-deploy watch: HOLDING"
    assert {a["type"] for a in result["attachments"]} == {"image/png", "application/json"}


def test_slower_than_the_last_ready_run_is_performance_degradation(lab, lab_rt, tmp_path, capsys):
    site = lab("latency", "compliant")  # ~20 ms; the READY run below saw 5 ms
    reports = tmp_path / "r"
    results = reports / "allure-results"
    results.mkdir(parents=True)
    (reports / "summary.json").write_text(json.dumps({
        "state": "complete", "profile": "selftest", "run_id": "r1", "declared_items": ["LATENCY-P95"],
        "items": {"LATENCY-P95": {"verdict": "passed", "tests": []}}}))
    (results / "environment.properties").write_text("run.id=r1\n")
    (results / "e-attachment.json").write_text(json.dumps([{"endpoint": "users-me", "p95_ms": 5.0}]))
    (results / "a-result.json").write_text(json.dumps({
        "status": "passed", "labels": [{"name": "checklist_item", "value": "LATENCY-P95"}],
        "attachments": [{"name": "latency observed (open loop, from the scheduled send time)",
                         "source": "e-attachment.json"}]}))
    profile = _profile(tmp_path, site.endpoints["api"], lab_rt.ca_file, window_s=2, intervals=2)
    status, out, doc = _watch(capsys, profile, reports)
    assert status == 8, out
    assert "ROLL BACK: performance degradation > 50 %" in out and "last READY run's 5.0 ms" in out
    assert doc["baseline"]["p95_ms"] == {"users-me": 5.0}


def test_nothing_answering_is_could_not_observe(lab_rt, tmp_path, capsys):
    url = f"https://127.0.0.1:{free_port()}/api"
    status, out, doc = _watch(capsys, _profile(tmp_path, url, lab_rt.ca_file, window_s=2, intervals=2), tmp_path / "r")
    assert status == 6, out
    assert "COULD NOT OBSERVE: nothing answered during the watch" in out and "connection refused" in out


def test_bad_input_is_one_line_and_4(lab_rt, tmp_path, capsys):
    profile = _profile(tmp_path, "https://127.0.0.1:1/api", lab_rt.ca_file)
    status, out, _ = _watch(capsys, profile, tmp_path / "r", "--window", "25h")
    assert status == 4 and out.count("\n") == 1 and "window_s" in out, out
    status, out, _ = _watch(capsys, profile, tmp_path / "r", "--window", "soon")
    assert status == 4 and "write 90s, 30m or 2h" in out


def test_sigterm_stops_the_watch_at_once(lab, lab_rt, tmp_path):
    site = lab("latency", "compliant")
    profile = _profile(tmp_path, site.endpoints["api"], lab_rt.ca_file, window_s=60, intervals=6)
    reports = tmp_path / "r"
    proc = subprocess.Popen([sys.executable, "-m", "golive.cli", "watch", "--profile", str(profile), "--reports",
                             str(reports)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        time.sleep(3)
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 2, out
    assert time.monotonic() - sent < 5 and "interrupted (SIGTERM)" in out
    assert json.loads((reports / "watch.json").read_text())["state"] == "interrupted"
