"""The change-ticket bundle: the single-file report, JUnit and a short summary, in one zip to attach."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

VERDICT_WORDS = {"passed": "PASSED", "non-compliant": "NON-COMPLIANT", "could-not-observe": "COULD NOT OBSERVE",
                 "waived": "WAIVED", "not-applicable": "not applicable"}


def summary_markdown(summary: dict, waivers: list[dict]) -> str:
    """Verdict per checklist item, then the waivers and their tickets: what a change board reads first."""
    lines = [f"# golive go-live gate: profile {summary['profile']}", ""]
    if summary.get("change_ticket"):
        lines += [f"Change ticket: {summary['change_ticket']}", ""]
    items = summary.get("items", {})
    blocking = [i for i, v in items.items() if v["verdict"] in {"non-compliant", "could-not-observe"}]
    lines += [f"Overall: {'NOT READY' if blocking else 'READY'} "
              f"({len(items) - len(blocking)} of {len(items)} items clear)", "",
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
    if waivers:
        lines += ["", "## Waivers", "", "| item | ticket | expires | reason |", "|---|---|---|---|"]
        lines += [f"| {w['item']} | {w['ticket']} | {w['expires']} | {w['reason']} |" for w in waivers]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def build(reports: Path, out: Path | None = None) -> Path:
    summary_file = reports / "summary.json"
    if not summary_file.exists():
        raise FileNotFoundError(f"{summary_file} not found: run `pytest -m production` first")
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    waivers = summary.get("waivers", [])
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = out or reports / f"golive-{summary['profile']}-{stamp}.zip"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("SUMMARY.md", summary_markdown(summary, waivers))
        bundle.write(summary_file, "summary.json")
        for name, path in (("junit.xml", reports / "junit.xml"), ("report.html", reports / "html" / "index.html")):
            if not path.exists():
                raise FileNotFoundError(f"{path} not found: run the gate and `golive report` first")
            bundle.write(path, name)
    return out
