"""The change-ticket bundle: the single-file report, JUnit and a short summary, in one zip to attach."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from golive.summary import SummaryError, SummaryNotFound, load_summary, readiness

VERDICT_WORDS = {"passed": "PASSED", "non-compliant": "NON-COMPLIANT", "could-not-observe": "COULD NOT OBSERVE",
                 "waived": "WAIVED", "not-applicable": "not applicable"}


def overall(summary: dict, profile_sha256: str | None = None, commit: str | None = None,
            mismatched: list[str] | None = None) -> str:
    """The one line a change board reads first: READY only from a complete, current run with every item clear."""
    state, why = readiness(summary, profile_sha256, commit)
    if mismatched:
        state, why = "INCOMPLETE", [*why, *mismatched] if state == "INCOMPLETE" else mismatched
    items = summary.get("items", {})
    clear = sum(1 for v in items.values() if v.get("verdict") not in {"non-compliant", "could-not-observe"})
    declared = len(summary.get("declared_items") or items)
    if state == "READY":
        return f"READY ({clear} of {declared} items clear)"
    if state == "INCOMPLETE":
        return f"NOT READY — INCOMPLETE: {'; '.join(why)}"
    return f"NOT READY ({clear} of {declared} items clear; blocking: {', '.join(w.split(':')[0] for w in why)})"


def summary_markdown(summary: dict, waivers: list[dict], profile_sha256: str | None = None,
                     commit: str | None = None, mismatched: list[str] | None = None) -> str:
    """Verdict per checklist item, then the waivers and their tickets: what a change board reads first."""
    lines = [f"# golive go-live gate: profile {summary['profile']}", ""]
    if summary.get("change_ticket"):
        lines += [f"Change ticket: {summary['change_ticket']}", ""]
    if summary.get("started"):
        lines += [f"Run {summary.get('run_id', '')[:12]}: {summary.get('state')}, started {summary['started']}, "
                  f"finished {summary.get('finished') or '—'}, commit {summary.get('commit')}", ""]
    items = summary.get("items", {})
    lines += [f"Overall: {overall(summary, profile_sha256, commit, mismatched)}", "",
              "| item | verdict | detail | not observed |", "|---|---|---|---|"]
    for item_id, data in items.items():
        detail = next((t["message"] for t in data["tests"] if t["outcome"] == data["verdict"] and t["message"]), "")
        detail = _cell(detail.splitlines()[0]) if detail else ""
        blind = _cell("; ".join(data.get("blind_spots", [])))
        lines.append(f"| {item_id} | {VERDICT_WORDS.get(data['verdict'], data['verdict'])} | {detail} | {blind} |")
    findings = [(item_id, t) for item_id, data in items.items() for t in data["tests"]
                if t["outcome"] in {"non-compliant", "could-not-observe", "waived"} and t["message"]]
    if findings:  # every message whole: the headline, every finding, every blind spot
        lines += ["", "## Findings"]
        for item_id, test in findings:
            lines += ["", f"### {item_id} — {VERDICT_WORDS.get(test['outcome'], test['outcome'])} "
                          f"(`{test['nodeid'].rsplit('::', 1)[-1]}`)", "", "```", test["message"].rstrip(), "```"]
    drift = summary.get("drift")
    if drift:  # what changed since the previous complete run (golive/drift.py)
        changes = drift.get("changes", [])
        lines += ["", f"## Changed since {drift.get('since')}", ""]
        lines += [f"- {_cell(c['line'])}" for c in changes] or ["No change in any verdict or judged value."]
    if waivers:
        lines += ["", "## Waivers", "", "| item | ticket | expires | reason |", "|---|---|---|---|"]
        lines += [f"| {w['item']} | {w['ticket']} | {w['expires']} | {w['reason']} |" for w in waivers]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class BundleError(Exception):
    """The reports cannot make a bundle; the message says which file and what to do."""


def current(summary: dict) -> tuple[str | None, str | None]:
    """The profile file's hash and the checkout's commit now, to tell a stale summary from a current one."""
    import hashlib
    import subprocess
    profile = Path(summary.get("profile_file") or "")
    sha = hashlib.sha256(profile.read_bytes()).hexdigest() if profile.is_file() else None
    try:
        commit = subprocess.run(["git", "-C", str(profile.parent if profile.is_file() else Path.cwd()), "rev-parse",
                                 "--short", "HEAD"], capture_output=True, text=True, timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        commit = None
    return sha, commit


def mismatched_files(reports: Path, summary: dict) -> list[str]:
    """JUnit from another run than summary.json (a run killed before it wrote its own) cannot go on the ticket."""
    import xml.etree.ElementTree as ET
    junit = reports / "junit.xml"
    if not junit.exists() or not summary.get("run_id"):
        return []
    try:
        found = {p.get("name"): p.get("value") for p in ET.parse(junit).iter("property")}
    except ET.ParseError:
        return [f"{junit} is not readable XML (a run killed while writing it?)"]
    if found.get("golive.run.id") != summary["run_id"]:
        return [f"{junit} is from another run than summary.json (run {str(found.get('golive.run.id'))[:12]} vs "
                f"{summary['run_id'][:12]})"]
    return []


def read_summary(reports: Path, summary_file: Path | None = None) -> dict:
    """The run's summary.json in ``reports`` (or ``summary_file``), checked to be golive's."""
    summary_file = summary_file or reports / "summary.json"
    try:
        return load_summary(summary_file, needs=("profile",))
    except SummaryNotFound:
        raise BundleError(f"{summary_file} not found: run `pytest -m production` first") from None
    except SummaryError as exc:
        raise BundleError(str(exc)) from None


def build(reports: Path, out: Path | None = None) -> Path:
    summary_file = reports / "summary.json"
    summary = read_summary(reports)
    waivers = summary.get("waivers", [])
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = out or reports / f"golive-{summary['profile']}-{stamp}.zip"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("SUMMARY.md", summary_markdown(summary, waivers, *current(summary),
                                                       mismatched_files(reports, summary)))
        bundle.write(summary_file, "summary.json")
        for name, path in (("junit.xml", reports / "junit.xml"), ("report.html", reports / "html" / "index.html")):
            if not path.exists():
                raise BundleError(f"{path} not found: run the gate and `golive report` first")
            bundle.write(path, name)
    return out
