"""The run's verdict per checklist item: what the terminal, summary.json and the change-ticket bundle show."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from golive.registry import BY_ID

Outcome = Literal["passed", "non-compliant", "could-not-observe", "waived", "not-applicable"]
# The worst outcome of an item's tests is the item's verdict: a breach seen outranks what could not be seen
# (exit 1, "fix the platform"), whose blind spots are still listed beside it.
SEVERITY_ORDER: tuple[Outcome, ...] = ("non-compliant", "could-not-observe", "waived", "passed", "not-applicable")
RunState = Literal["running", "complete", "interrupted"]


@dataclass
class RunSummary:
    profile: str
    change_ticket: str | None = None
    waivers: list[dict] = field(default_factory=list)
    api_calls: int = 0
    audit_failures: list[str] = field(default_factory=list)
    results: dict[str, list[tuple[str, Outcome, str]]] = field(default_factory=dict)
    blind: dict[str, list[str]] = field(default_factory=dict)
    #: a run is complete or says so: "running" from its start, "interrupted" (with the signal) or "complete"
    state: RunState = "running"
    interrupted_by: str | None = None
    run_id: str = ""
    started: str = ""
    finished: str | None = None
    commit: str = "unknown"
    profile_file: str = ""
    profile_sha256: str = ""
    #: the items the profile declares (sections and not_applicable ones) and the items this run selected
    declared: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    #: the values each item judged (golive/drift.py; redacted dicts of verdict.Fact) and the drift since the
    #: previous complete run (drift.section: since, previous_run_id, changes[{item, resource, field, change, old,
    #: new, now, line}]), None when no previous run was kept
    facts: dict[str, list[dict]] = field(default_factory=dict)
    drift: dict | None = None

    def record(self, item_id: str, nodeid: str, outcome: Outcome | None, message: str,
               blind: list[str] | tuple[str, ...] = (), facts: list[dict] | tuple[dict, ...] = ()) -> None:
        if outcome is not None:
            self.results.setdefault(item_id, []).append((nodeid, outcome, message))
            spots = self.blind.setdefault(item_id, [])
            spots += [b for b in blind if b not in spots]
            self.facts.setdefault(item_id, []).extend(facts)

    def verdict(self, item_id: str) -> Outcome | None:
        outcomes = {o for _, o, _ in self.results.get(item_id, [])}
        return next((o for o in SEVERITY_ORDER if o in outcomes), None)

    def blind_spots(self, item_id: str) -> list[str]:
        """Every target or read of the item that could not be observed, whatever its verdict."""
        return list(self.blind.get(item_id, []))

    def first_finding(self, item_id: str) -> str:
        verdict = self.verdict(item_id)
        first = next((m for _, o, m in self.results[item_id] if o == verdict and m), "")
        lines = [line for line in first.splitlines() if line.strip()]
        if len(lines) > 1 and lines[1].lstrip().startswith("- "):
            return f"{lines[0]} — {lines[1].strip()[2:]}"  # the headline and the first finding
        return lines[0] if lines else ""

    def lines(self) -> list[str]:
        out = []
        for item_id in sorted(self.results):
            verdict = self.verdict(item_id)
            out.append(f"{item_id:<14} {verdict:<18} {self.first_finding(item_id)[:200]}")
            spots = self.blind_spots(item_id)
            if spots and verdict != "could-not-observe":
                out.append(f"{'':<14} {'':<18} not observed ({len(spots)}): {'; '.join(spots)[:200]}")
        return out

    def as_dict(self) -> dict:
        return {"state": self.state, "interrupted_by": self.interrupted_by, "run_id": self.run_id,
                "started": self.started, "finished": self.finished, "commit": self.commit,
                "profile": self.profile, "profile_file": self.profile_file, "profile_sha256": self.profile_sha256,
                "declared_items": self.declared, "selected_items": self.selected,
                "change_ticket": self.change_ticket, "waivers": self.waivers,
                "api_calls": self.api_calls, "audit_failures": self.audit_failures,
                "items": {item_id: {"title": BY_ID[item_id].title, "verdict": self.verdict(item_id),
                                    "blind_spots": self.blind_spots(item_id),
                                    "facts": self.facts.get(item_id, []),
                                    "tests": [{"nodeid": n, "outcome": o, "message": m}
                                              for n, o, m in self.results[item_id]]}
                          for item_id in sorted(self.results)},
                **({"drift": self.drift} if self.drift is not None else {})}

    def write(self, path: Path) -> None:
        """Replace ``path`` atomically: a reader sees the previous whole file or this one, never a half."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(self.as_dict(), indent=2), encoding="utf-8")
        os.replace(temp, path)


class SummaryError(Exception):
    """A summary.json that cannot be read as golive's; the message names the file and what is wrong."""


class SummaryNotFound(SummaryError):
    """No summary.json at the path named (the caller says what to run or name instead)."""


def load_summary(path: Path, needs: tuple[str, ...] = ()) -> dict:
    """A summary.json read and checked to be golive's: a JSON object with ``items`` and every key in ``needs``
    (what the terminal, ``golive diff`` and the change-ticket bundle read back)."""
    if not path.is_file():
        raise SummaryNotFound(f"{path} not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SummaryError(f"{path} is not a golive summary (not JSON: {exc}); run the gate again") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), dict) or any(k not in data for k in needs):
        raise SummaryError(f"{path} is not a golive summary (no {'/'.join((*needs, 'items'))}); run the gate again")
    return data


def readiness(summary: dict, profile_sha256: str | None = None, commit: str | None = None) -> tuple[str, list[str]]:
    """READY, NOT READY or INCOMPLETE for a summary.json, and why: READY only from a complete run in which every
    item the profile declares has a verdict and none blocks; a run from another profile file or commit is stale."""
    why: list[str] = []
    state = summary.get("state")
    if state != "complete":
        why.append("the run never finished (state: running — killed, or still going)" if state == "running" else
                   f"the run was interrupted ({summary.get('interrupted_by') or 'signal'})" if state == "interrupted"
                   else "summary.json does not say the run completed (written by an older golive?)")
    items = summary.get("items", {})
    missing = [i for i in summary.get("declared_items", []) if i not in items]
    if missing:
        why.append(f"no verdict for {', '.join(missing)} (declared in the profile, not run)")
    if profile_sha256 and summary.get("profile_sha256") and profile_sha256 != summary["profile_sha256"]:
        why.append(f"stale: the profile {summary.get('profile_file')} changed since this run")
    if commit and summary.get("commit") not in (None, "unknown") and commit != "unknown" and commit != summary["commit"]:
        why.append(f"stale: this run was made at commit {summary['commit']}, the checkout is at {commit}")
    if why:
        return "INCOMPLETE", why
    blocking = [i for i, v in items.items() if v.get("verdict") in {"non-compliant", "could-not-observe"}]
    if blocking:
        return "NOT READY", [f"{i}: {items[i]['verdict']}" for i in blocking]
    return "READY", []
