"""The report a change board reads: HTML built offline, opened in headless Chromium; the zip bundle."""

from __future__ import annotations

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
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _chromium(profile_dir: Path, *args: str) -> str:
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile_dir}", "--virtual-time-budget=8000", *args],
                          capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL)
    return done.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is installed by scripts/bootstrap.sh")
def test_html_report_shows_items_and_verdicts_in_a_browser(pytester, lab, lab_rt, tmp_path):
    site = lab("nginx", "health-dependency-down")
    profile = profile_dict({"HEALTH": {"endpoints": [{"name": "api", "url": f"{site.endpoints['https']}/health",
                                                     "contract": "silenttalk-api"}]}},
                           trust={"ca_bundle": str(lab_rt.ca_file)})
    result = run_gate(pytester, profile, "health", args=("--change-ticket", "CHG-2001"))
    assert result.verdict("HEALTH") == "non-compliant"
    html_dir = tmp_path / "html"
    built = subprocess.run([sys.executable, "-m", "golive.cli", "report", "--results", str(result.allure_dir),
                            "--output", str(html_dir)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    index = html_dir / "index.html"
    assert index.stat().st_size > 500_000  # one self-contained file
    behaviors = _visible_text(_chromium(tmp_path / "chr", "--dump-dom", f"file://{index}#behaviors"))
    assert "HEALTH: Health endpoints answer 200 with their JSON contract" in behaviors
    categories = _visible_text(_chromium(tmp_path / "chr", "--dump-dom", f"file://{index}#categories"))
    assert "Non-compliant" in categories
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report-categories.png"
    _chromium(tmp_path / "chr", f"--screenshot={shot}", "--window-size=1280,900", f"file://{index}#categories")
    assert shot.exists() and shot.stat().st_size > 10_000


def test_bundle_holds_report_junit_and_a_summary_with_waivers(tmp_path):
    from golive.bundle import build
    reports = tmp_path / "reports"
    (reports / "html").mkdir(parents=True)
    (reports / "html" / "index.html").write_text("<html></html>")
    (reports / "junit.xml").write_text("<testsuites/>")
    (reports / "summary.json").write_text(
        '{"profile": "prod", "change_ticket": "CHG-9", "waivers": [{"item": "CDN", "ticket": "CHG-7", '
        '"expires": "2030-01-01", "reason": "new CDN"}], "items": {"HEALTH": {"title": "t", "verdict": "passed", '
        '"tests": []}, "TLS-ONLY": {"title": "t", "verdict": "non-compliant", "tests": [{"nodeid": "x", '
        '"outcome": "non-compliant", "message": "NON-COMPLIANT: TLS 1.2 offered"}]}}}')
    out = build(reports)
    with zipfile.ZipFile(out) as bundle:
        assert set(bundle.namelist()) == {"SUMMARY.md", "summary.json", "junit.xml", "report.html"}
        text = bundle.read("SUMMARY.md").decode()
    assert "Overall: NOT READY (1 of 2 items clear)" in text
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
