"""The report a change board reads: HTML built offline, opened in headless Chromium; the zip bundle."""

from __future__ import annotations

import html as html_text
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gate import ROOT, profile_dict, run_gate

CHROMIUM = shutil.which("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "reports" / "selftest-artifacts"


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style).*?</\1>", "", html, flags=re.S)
    return html_text.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _chromium(profile_dir: Path, *args: str) -> str:
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile_dir}", "--virtual-time-budget=8000", *args],
                          capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL)
    return done.stdout


def _profile(lab_rt, health_urls: list[str], origin) -> dict:
    endpoints = [{"name": f"api{n}", "url": url, "contract": "silenttalk-api"} for n, url in enumerate(health_urls)]
    lab_rt.ca()
    return profile_dict({"HEALTH": {"endpoints": endpoints},
                         "SEC-HEADERS": {"origins": [{"name": "origin", "url": f"{origin.endpoints['https']}/",
                                                      "http_url": f"{origin.endpoints['http']}/"}]}},
                        trust={"ca_bundle": str(lab_rt.ca_file)})


def _report(result, tmp_path: Path, **summary_changes) -> tuple[str, Path]:
    """`golive report` on a gate's results and summary (optionally changed); the report's DOM text as a browser
    shows it on opening, and index.html."""
    import json
    reports = tmp_path / "reports"
    shutil.copytree(result.allure_dir, reports / "allure-results")
    (reports / "summary.json").write_text(json.dumps({**result.summary, **summary_changes}))
    built = subprocess.run([sys.executable, "-m", "golive.cli", "report", "--reports", str(reports)],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    index = reports / "html" / "index.html"
    assert index.stat().st_size > 500_000 and not list((reports / "html").glob("*.js"))  # one offline file
    assert (reports / "allure-history.jsonl").stat().st_size > 0  # history kept beside the reports
    text = ""
    for _ in range(3):  # a busy machine may dump the page before the report has rendered: ask again
        text = _visible_text(_chromium(tmp_path / "chr", "--dump-dom", f"file://{index}"))
        if "Variables" in text:
            break
    return text, index


def _screenshot(tmp_path: Path, index: Path, state: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"report-{state}.png"
    _chromium(tmp_path / "chr", f"--screenshot={shot}", "--window-size=1280,1100", f"file://{index}")
    assert shot.exists() and shot.stat().st_size > 10_000


needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is installed by scripts/bootstrap.sh")


@needs_chromium
def test_the_report_opens_on_ready_and_then_incomplete_when_the_run_was_interrupted(pytester, lab, lab_rt, tmp_path):
    site = lab("nginx")
    result = run_gate(pytester, _profile(lab_rt, [f"{site.endpoints['https']}/health"], site), "health",
                      "sec_headers", args=("--change-ticket", "CHG-2001"))
    assert result.verdict("HEALTH") == "passed" and result.verdict("SEC-HEADERS") == "passed", result.output
    text, index = _report(result, tmp_path / "ready")
    assert "READY — golive gate, profile selftest, change CHG-2001" in text, text[:2000]
    assert "Verdict READY (2 of 2 items clear)" in text
    assert "HEALTH: Health endpoints answer 200 with their JSON contract PASSED" in text
    assert "HEALTH · PASSED · Health endpoints answer 200" in text  # the item's row in the tree, over its tests
    _screenshot(tmp_path / "ready", index, "ready")
    text, index = _report(result, tmp_path / "interrupted", state="interrupted", interrupted_by="SIGTERM")
    assert "INCOMPLETE — golive gate, profile selftest" in text and "READY (2 of 2" not in text, text[:2000]
    assert "Verdict NOT READY — INCOMPLETE: the run was interrupted (SIGTERM)" in text
    _screenshot(tmp_path / "interrupted", index, "incomplete")


@needs_chromium
def test_the_report_says_not_ready_naming_each_failing_item_and_its_blind_spots(pytester, lab, lab_rt, tmp_path):
    down, headers = lab("nginx", "health-dependency-down"), lab("nginx", "no-nosniff")
    urls = [f"{down.endpoints['https']}/health", "https://127.0.0.1:1/health"]  # a breach beside a blind spot
    result = run_gate(pytester, _profile(lab_rt, urls, headers), "health", "sec_headers")
    assert result.verdict("HEALTH") == "non-compliant" and result.verdict("SEC-HEADERS") == "non-compliant"
    text, index = _report(result, tmp_path, waivers=[{"item": "CDN", "ticket": "CHG-7", "expires": "2030-01-01",
                                                      "reason": "new CDN"}])
    assert "NOT READY — golive gate, profile selftest, change none" in text, text[:2000]
    assert "Verdict NOT READY (0 of 2 items clear; blocking: HEALTH, SEC-HEADERS)" in text
    from golive.report import as_run
    run = as_run(result.summary)
    for item in ("HEALTH", "SEC-HEADERS"):  # the terminal's words, from the same RunSummary
        assert run.first_finding(item).startswith("NON-COMPLIANT") and run.first_finding(item) in text, item
        assert f"{item} · NON-COMPLIANT ·" in text
    assert "redis" in text and "no X-Content-Type-Options" in text
    assert "not observed (1): " in text and "127.0.0.1:1" in text  # the blind spot beside the breach
    _screenshot(tmp_path, index, "not-ready")
    _screenshot(tmp_path, index, "blind-spots")


def test_the_verdict_page_reads_waivers_and_an_optional_drift_section():
    from golive.report import verdict_page
    summary = {"state": "complete", "profile": "p", "declared_items": ["CDN", "TURN"], "change_ticket": "CHG-9",
               "waivers": [{"item": "CDN", "ticket": "CHG-7", "expires": "2030-01-01", "reason": "new CDN"}],
               "items": {"CDN": {"verdict": "waived", "blind_spots": [], "tests": [
                   {"nodeid": "c::t", "outcome": "waived", "message": "WAIVED (CHG-7): no X-Cache"}]}},
               "drift": {"since": "2026-12-01T02:00Z", "changes": [{"item": "WAF-429", "change": "changed",
                                                                   "line": "WAF-429 acl rule api: limit 1000 -> 5000"}]}}
    page = verdict_page(summary)
    assert page.state == "INCOMPLETE" and page.variables["TURN: " + page.groups["TURN"].split(" · ")[2]].startswith(
        "NO VERDICT")
    row = next(v for k, v in page.variables.items() if k.startswith("CDN:"))
    assert row == "WAIVED (CHG-7): no X-Cache — waiver CHG-7 until 2030-01-01: new CDN"
    assert page.variables["Changed since 2026-12-01T02:00Z (1)"] == "WAF-429 acl rule api: limit 1000 -> 5000"


def test_bundle_holds_report_junit_and_a_summary_with_waivers(tmp_path):
    from golive.bundle import build
    reports = tmp_path / "reports"
    (reports / "html").mkdir(parents=True)
    (reports / "html" / "index.html").write_text("<html></html>")
    (reports / "junit.xml").write_text("<testsuites/>")
    (reports / "summary.json").write_text(
        '{"state": "complete", "profile": "prod", "change_ticket": "CHG-9", "waivers": [{"item": "CDN", "ticket": "CHG-7", '
        '"expires": "2030-01-01", "reason": "new CDN"}], "items": {"HEALTH": {"title": "t", "verdict": "passed", '
        '"tests": []}, "TLS-ONLY": {"title": "t", "verdict": "non-compliant", "tests": [{"nodeid": "x", '
        '"outcome": "non-compliant", "message": "NON-COMPLIANT: TLS 1.2 offered"}]}}}')
    out = build(reports)
    with zipfile.ZipFile(out) as bundle:
        assert set(bundle.namelist()) == {"SUMMARY.md", "summary.json", "junit.xml", "report.html"}
        text = bundle.read("SUMMARY.md").decode()
    assert "Overall: NOT READY (1 of 2 items clear; blocking: TLS-ONLY)" in text
    assert "| TLS-ONLY | NON-COMPLIANT | NON-COMPLIANT: TLS 1.2 offered |" in text
    assert "| CDN | CHG-7 | 2030-01-01 | new CDN |" in text and "Change ticket: CHG-9" in text


def test_summary_md_carries_every_message_whole_and_the_blind_spots():
    from golive.bundle import summary_markdown
    summary = {"profile": "p", "items": {
        "MULTI-AZ": {"verdict": "non-compliant", "blind_spots": ["AWS rds:DescribeDBInstances: access denied"],
                     "tests": [{"nodeid": "checks/test_multi_az.py::t", "outcome": "non-compliant",
                                "message": "NON-COMPLIANT: tiers\n  - redis: 1 zone\n  - alb: 2 zones\n"
                                           "Not observed (1), so not judged:\n  - AWS rds:DescribeDBInstances"}]},
        "HEALTH": {"verdict": "passed", "blind_spots": [], "tests": [
            {"nodeid": "checks/test_health.py::t", "outcome": "passed", "message": ""}]}}}
    text = summary_markdown(summary, [])
    assert "Overall: NOT READY" in text and "| MULTI-AZ | NON-COMPLIANT | NON-COMPLIANT: tiers |" in text
    assert "AWS rds:DescribeDBInstances: access denied |" in text  # the blind spot beside the verdict
    assert "  - redis: 1 zone" in text and "  - alb: 2 zones" in text  # every finding, not the first line only


# --- a run is complete or it says so (issue 14) --------------------------------------------------------
def _reports(tmp_path, run_id="r1", junit_run="r1", **summary):
    import json
    reports = tmp_path / "reports"
    (reports / "html").mkdir(parents=True)
    (reports / "html" / "index.html").write_text("<html></html>")
    (reports / "junit.xml").write_text(f'<testsuites><testsuite><properties><property name="golive.run.id" '
                                       f'value="{junit_run}"/></properties></testsuite></testsuites>')
    data = {"state": "complete", "run_id": run_id, "profile": "prod", "declared_items": ["HEALTH"],
            "items": {"HEALTH": {"title": "t", "verdict": "passed", "tests": []}}, **summary}
    (reports / "summary.json").write_text(json.dumps(data))
    return reports


@pytest.mark.parametrize(("summary", "junit_run", "expected"), [
    ({}, "r1", "Overall: READY (1 of 1 items clear)"),
    ({"state": "running"}, "r1", "INCOMPLETE: the run never finished"),
    ({"state": "interrupted", "interrupted_by": "SIGTERM"}, "r1", "INCOMPLETE: the run was interrupted (SIGTERM)"),
    ({"declared_items": ["HEALTH", "TURN"]}, "r1", "INCOMPLETE: no verdict for TURN"),
    ({}, "old", "junit.xml is from another run than summary.json"),
    ({"commit": "0000000"}, "r1", "stale: this run was made at commit 0000000"),
], ids=["complete", "running", "sigterm", "item-missing", "junit-of-another-run", "stale-commit"])
def test_the_bundle_says_ready_only_for_a_complete_current_run(tmp_path, summary, junit_run, expected):
    from golive.bundle import build
    out = build(_reports(tmp_path, junit_run=junit_run, **summary))
    with zipfile.ZipFile(out) as bundle:
        text = bundle.read("SUMMARY.md").decode()
    assert expected in text, text
    assert ("Overall: READY" in text) == (expected.startswith("Overall: READY"))


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "is not a golive summary (not JSON"), ('["a list"]', "is not a golive summary (no profile/items)"),
])
def test_the_cli_says_one_line_and_exits_4_on_a_corrupt_summary(tmp_path, content, expected):
    reports = _reports(tmp_path)
    (reports / "summary.json").write_text(content)
    done = subprocess.run([sys.executable, "-m", "golive.cli", "bundle", "--reports", str(reports)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 4 and expected in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["report", "--output", "/proc/golive-cannot-write"], ["lab", "sideways"],
                                  ["bundle", "--frobnicate"], ["check-profile"], ["report", "--reports", "/nonexistent"]])
def test_every_cli_bad_input_is_one_line_and_exit_4(tmp_path, args):
    reports = _reports(tmp_path)
    (reports / "allure-results").mkdir()
    (reports / "allure-results" / "x-result.json").write_text("{}")
    done = subprocess.run([sys.executable, "-m", "golive.cli", *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "GOLIVE_REPORTS_DIR": str(reports)})
    assert done.returncode == 4, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr


def test_the_cli_reads_the_reports_of_the_directory_it_runs_in(tmp_path):
    reports = _reports(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "GOLIVE_REPORTS_DIR"}
    done = subprocess.run([sys.executable, "-m", "golive.cli", "bundle"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 0 and str(reports) in done.stdout, done.stdout + done.stderr
    assert "overall: READY" in done.stdout
