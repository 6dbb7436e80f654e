"""What changed since the last run (issue 15): the facts two runs judged, compared per item and resource.

Every check records the values it judged as facts (golive/verdict.py ``Fact``); summary.json carries them per item
(``items.<ID>.facts``) and, when a previous complete run is kept in ``history/previous-summary.json``, the drift
against it (``drift``). A change is one of:

- ``verdict``: the item's verdict changed ("WAF-429: verdict passed → non-compliant");
- ``changed``: a field's value changed ("WAF-429 silenttalk-waf rule api: limit 1000 → 5000 (now non-compliant)");
  volatile fields (ages, latencies, timestamps) count only when whether they held changed;
- ``new`` / ``gone``: a resource appeared or disappeared ("MULTI-AZ redis-2: new, zones 1").

Only items both runs judged are compared, so a run of a few items never reports the others as gone.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from golive.summary import SummaryError, SummaryNotFound, load_summary
from golive.verdict import Fact

Change = Literal["verdict", "changed", "new", "gone"]
HISTORY = "history"
PREVIOUS = "previous-summary.json"
EXIT_DRIFT = 7  # `golive diff --fail-on-drift` and the gate's --fail-on-drift when something changed


class DriftError(Exception):
    """A summary cannot be compared; the message names the file and what to do."""


@dataclass(frozen=True)
class Drift:
    """One change between two runs, and the line a reader sees."""

    item: str
    resource: str
    field: str
    change: Change
    old: Any = None
    new: Any = None
    now: str | None = None  # "compliant" / "non-compliant" when whether the field held changed

    @property
    def line(self) -> str:
        now = f" (now {self.now})" if self.now else ""
        where = f"{self.item} {self.resource}" if self.resource else self.item
        if self.change == "verdict":
            return f"{self.item}: verdict {self.old or 'not run'} → {self.new or 'not run'}"
        if self.change == "new":
            return f"{where}: new, {_fields(self.new)}"
        if self.change == "gone":
            return f"{where}: gone (was {_fields(self.old)})"
        return f"{where}: {self.field} {_value(self.old)} → {_value(self.new)}{now}"


def _value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]" if value else "none"
    return "none" if value is None else str(value)


def _fields(values: dict[str, Any]) -> str:
    return ", ".join(f"{k} {_value(v)}" for k, v in sorted(values.items())) or "no fields"


def plain(fact: Fact, redact: Any = None) -> dict[str, Any]:
    """A fact as JSON data (tuples as lists, other objects as text), each text redacted by ``redact``."""
    def clean(value: Any) -> Any:
        if isinstance(value, bool | int | float) or value is None:
            return value
        if isinstance(value, list | tuple | set | frozenset):
            return [clean(v) for v in (sorted(value, key=str) if isinstance(value, set | frozenset) else value)]
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items()}
        return redact(str(value)) if redact else str(value)
    return {k: (clean(v) if k in ("resource", "field", "observed", "required") else v)
            for k, v in asdict(fact).items()}


def _facts(summary: dict, item: str) -> dict[tuple[str, str], dict]:
    return {(f["resource"], f["field"]): f for f in summary.get("items", {}).get(item, {}).get("facts", []) or []}


def _now(old: dict, new: dict) -> str | None:
    if old.get("ok") is None or new.get("ok") is None or old["ok"] == new["ok"]:
        return None
    return "compliant" if new["ok"] else "non-compliant"


def _resource_changes(item: str, old: dict[tuple[str, str], dict], new: dict[tuple[str, str], dict]) -> list[Drift]:
    out: list[Drift] = []
    old_res, new_res = {r for r, _ in old}, {r for r, _ in new}
    for resource in sorted(new_res - old_res):
        out.append(Drift(item, resource, "", "new", None,
                         {f: v["observed"] for (r, f), v in new.items() if r == resource}))
    for resource in sorted(old_res - new_res):
        out.append(Drift(item, resource, "", "gone", {f: v["observed"] for (r, f), v in old.items() if r == resource}))
    for key in sorted(set(old) & set(new)):
        was, now = old[key], new[key]
        turned = _now(was, now)
        volatile = was.get("volatile") or now.get("volatile")
        if (turned if volatile else (was["observed"] != now["observed"] or turned)):
            out.append(Drift(item, key[0], key[1], "changed", was["observed"], now["observed"], turned))
    for key in sorted(set(new) - set(old)):  # a field newly judged on a resource both runs saw
        if key[0] in old_res:
            out.append(Drift(item, key[0], key[1], "changed", None, new[key]["observed"], _now({}, new[key])))
    for key in sorted(set(old) - set(new)):
        if key[0] in new_res:
            out.append(Drift(item, key[0], key[1], "changed", old[key]["observed"], None))
    return out


def compare(old: dict, new: dict) -> list[Drift]:
    """Every change between two summary.json documents, item by item (only items both runs judged)."""
    out: list[Drift] = []
    old_items, new_items = old.get("items", {}), new.get("items", {})
    for item in sorted(set(old_items) & set(new_items)):
        was, now = old_items[item].get("verdict"), new_items[item].get("verdict")
        if was != now:
            out.append(Drift(item, "", "verdict", "verdict", was, now))
        out += _resource_changes(item, _facts(old, item), _facts(new, item))
    return out


def since(summary: dict) -> str:
    """When a run was made, as a reader names it ("changed since <time>")."""
    return str(summary.get("finished") or summary.get("started") or "an earlier run")


def section(old: dict, new: dict) -> dict[str, Any]:
    """summary.json's ``drift``: since when, against which run, and each change with its line."""
    changes = compare(old, new)
    return {"since": since(old), "previous_run_id": old.get("run_id", ""), "previous_commit": old.get("commit"),
            "compared_items": sorted(set(old.get("items", {})) & set(new.get("items", {}))),
            "changes": [{**asdict(d), "line": d.line} for d in changes]}


def read(path: Path) -> dict:
    """A summary.json, or a reports folder holding one (summary.json or golive-summary.json)."""
    if path.is_dir():
        found = [p for p in (path / "summary.json", path / "golive-summary.json") if p.is_file()]
        if not found:
            raise DriftError(f"{path} holds no summary.json; name a summary.json or a gate's reports folder")
        path = found[0]
    try:
        return load_summary(path)
    except SummaryNotFound:
        raise DriftError(f"{path} not found; name a summary.json or a gate's reports folder") from None
    except SummaryError as exc:
        raise DriftError(str(exc)) from None


def history(reports: Path) -> Path:
    """Where the previous complete run's summary is kept in a reports folder (the nightly examples keep
    ``reports/history`` between runs)."""
    return reports / HISTORY / PREVIOUS


def keep_previous(summary_file: Path, keep: Path) -> None:
    """Before a run replaces ``summary_file``, keep it in ``keep`` if it is a complete run (an interrupted or
    running one never becomes the baseline; the last complete one stays)."""
    try:
        data = json.loads(summary_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return
    if isinstance(data, dict) and data.get("state") == "complete":
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(summary_file, keep)
