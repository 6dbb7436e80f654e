"""The single-file HTML report a change board reads (issue 15): golive's verdict first, built offline by Allure 3.

The words are golive's own, from one source: the overall line of ``bundle.overall()`` (as in the terminal and
SUMMARY.md), each item's verdict, first finding and blind spots from ``RunSummary`` (as in the terminal's
checklist), waivers with their tickets. allurerc.mjs places them with Allure's means: report name, variables
(one row per checklist item), a quality gate, and the tree grouped by a per-item label naming the verdict.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from golive.bundle import VERDICT_WORDS, overall
from golive.registry import BY_ID
from golive.summary import RunSummary, readiness

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "allurerc.mjs"
#: the label the report's tree is grouped by: "<ITEM> · <VERDICT> · <title>", one group per checklist item
GROUP_LABEL = "golive_item"
#: Allure 3 keeps the history of runs in one JSONL file; under the reports folder, so a nightly run keeps it
HISTORY_FILE = "allure-history.jsonl"
BLOCKING = {"non-compliant", "could-not-observe"}


@dataclass(frozen=True)
class VerdictPage:
    """What the report opens on: READY / NOT READY / INCOMPLETE, the run, one row per checklist item."""

    state: str
    overall: str
    title: str
    blocking: tuple[str, ...]
    variables: dict[str, str]
    groups: dict[str, str]  # item id -> the tree group its tests sit under


def as_run(summary: dict) -> RunSummary:
    """summary.json back as the RunSummary that wrote it, so rows use its first_finding()/blind_spots()."""
    items = summary.get("items", {})
    return RunSummary(profile=summary.get("profile", ""),
                      results={i: [(t["nodeid"], t["outcome"], t.get("message", "")) for t in d.get("tests", [])]
                               for i, d in items.items()},
                      blind={i: list(d.get("blind_spots", [])) for i, d in items.items()})


def item_row(run: RunSummary, item_id: str, waivers: list[dict]) -> str:
    """One checklist item as the terminal says it: verdict, first finding, blind spots, waiver and ticket."""
    verdict = run.verdict(item_id)
    if verdict is None:
        return "NO VERDICT — declared in the profile, not run"
    word, finding = VERDICT_WORDS.get(verdict, verdict), run.first_finding(item_id)
    parts = [finding] if finding.upper().startswith(word) else [word, finding] if finding else [word]
    spots = run.blind_spots(item_id)
    if spots and verdict != "could-not-observe":  # as the terminal: a could-not-observe finding names them
        parts.append(f"not observed ({len(spots)}): {'; '.join(spots)}")
    parts += [f"waiver {w['ticket']} until {w['expires']}: {w['reason']}" for w in waivers if w.get("item") == item_id]
    return " — ".join(parts)


def drift_rows(summary: dict) -> dict[str, str]:
    """Issue 15 bullet 3 beside the verdict: summary.json's optional ``drift`` (``since``, ``changes[]`` each with
    its ``line``, as `golive diff` prints them) becomes a "Changed since <time>" block of the report."""
    drift = summary.get("drift")
    if not isinstance(drift, dict):
        return {}
    since = drift.get("since") or "the previous run"
    lines = [str(c.get("line") or c) if isinstance(c, dict) else str(c) for c in drift.get("changes") or []]
    if not lines:
        return {f"Changed since {since}": "nothing"}
    return {f"Changed since {since} ({n})": line for n, line in enumerate(lines, 1)}


def verdict_page(summary: dict, profile_sha256: str | None = None, commit: str | None = None,
                 mismatched: list[str] | None = None) -> VerdictPage:
    line = overall(summary, profile_sha256, commit, mismatched)
    state = "INCOMPLETE" if "INCOMPLETE" in line else readiness(summary, profile_sha256, commit)[0]
    items = summary.get("items", {})
    run = as_run(summary)
    ticket = summary.get("change_ticket") or "none"
    variables = {"Verdict": line, "Profile": f"{summary.get('profile')} ({summary.get('profile_file') or '—'})",
                 "Change ticket": ticket,
                 "Run": f"{summary.get('state', 'unknown')}, started {summary.get('started') or '—'}, finished "
                        f"{summary.get('finished') or '—'} (run {str(summary.get('run_id', ''))[:12] or '—'})",
                 "Commit": str(summary.get("commit") or "unknown")}
    order = [*summary.get("declared_items", []), *(i for i in items if i not in summary.get("declared_items", []))]
    groups = {}
    for item_id in order:
        title = BY_ID[item_id].title if item_id in BY_ID else items.get(item_id, {}).get("title", "")
        variables[f"{item_id}: {title}"] = item_row(run, item_id, summary.get("waivers", []))
        verdict = run.verdict(item_id)
        groups[item_id] = f"{item_id} · {VERDICT_WORDS.get(verdict, 'NO VERDICT') if verdict else 'NO VERDICT'} · {title}"
    variables.update(drift_rows(summary))
    blocking = tuple(i for i, d in items.items() if d.get("verdict") in BLOCKING)
    return VerdictPage(state, line, f"{state} — golive gate, profile {summary.get('profile')}, change {ticket}",
                       blocking, variables, groups)


def stage(results: Path, staging: Path, groups: dict[str, str]) -> None:
    """A view of ``results`` whose test results carry the item's tree group; everything else is linked."""
    staging.mkdir(parents=True, exist_ok=True)
    for path in results.iterdir():
        if not path.is_file():
            continue
        if path.name.endswith("-result.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                continue  # Allure would skip it too
            labels = data.get("labels") or []
            item = next((lb.get("value") for lb in labels if lb.get("name") == "checklist_item"), None)
            if item in groups:
                data["labels"] = [*labels, {"name": GROUP_LABEL, "value": groups[item]}]
            (staging / path.name).write_text(json.dumps(data), encoding="utf-8")
        else:  # a hard link where it can (attachments may be large), else a copy; Allure skips symlinks
            try:
                os.link(path, staging / path.name)
            except OSError:
                shutil.copy2(path, staging / path.name)


def allure_cli() -> Path:
    """Allure 3 from node_modules (scripts/bootstrap.sh runs `npm ci`); pure Node, no Java."""
    local = ROOT / "node_modules" / ".bin" / "allure"
    if local.exists():
        return local
    raise FileNotFoundError("the Allure 3 CLI is not installed; run `bash scripts/bootstrap.sh` (it runs `npm ci`, "
                            "installing npm `allure` from package.json into node_modules/)")


def build(results: Path, out: Path, history: Path, page: VerdictPage,
          timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Allure 3 generates ``out/index.html`` (one offline file) from ``results``, opening on ``page``."""
    with tempfile.TemporaryDirectory(prefix="golive-report-") as tmp:
        staging = Path(tmp) / "allure-results"
        stage(results, staging, page.groups)
        context = Path(tmp) / "golive-report.json"
        context.write_text(json.dumps({"title": page.title, "state": page.state, "overall": page.overall,
                                       "blocking": list(page.blocking), "variables": page.variables,
                                       "groupLabel": GROUP_LABEL, "historyPath": str(history.resolve())}), encoding="utf-8")
        built = Path(tmp) / "report"
        done = subprocess.run([str(allure_cli()), "generate", "-c", str(CONFIG), "-o", str(built), str(staging)],
                              cwd=tmp, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "GOLIVE_REPORT_CONTEXT": str(context), "NO_COLOR": "1"})
        if done.returncode == 0 and (built / "index.html").exists():
            out.mkdir(parents=True, exist_ok=True)
            for stale in ("index.html", "summary.json", "test-results.json"):
                (out / stale).unlink(missing_ok=True)
            for path in built.iterdir():
                shutil.move(str(path), out / path.name)
    return done
