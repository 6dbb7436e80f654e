"""LOGS-FLOWING: what each log store received compared with the profile (runbook 000 line 624, 004 step 5.4), pure.

``assess(flows, section, now)`` -> (evidence rows, findings). A store flows when its newest event is younger than
the window; the error-level share of the events inside the window must not exceed ``max_error_share`` (counted
from the lines read with ``error_pattern``, or as the store counted them: Log Analytics' fixed KQL terms). Rows carry
counts only, never log lines (logs may hold secrets). Several targets (issue 18): each store's findings, row and
facts name the target it was read in ("prod-eu/eu-west-1: log group /ecs/api ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from golive.compare import targets
from golive.profile.items.logs_flowing import LogsFlowingSection
from golive.providers.records_logs import LogFlow
from golive.verdict import BlindSpot, Fact

KIND = {"log-group": "log group", "namespace": "namespace", "workspace": "Log Analytics workspace"}


def _age(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 5400 else f"{seconds / 60:.0f} min"


def where_it_lives(flows: Iterable[LogFlow], listed: dict[str, Sequence[str]],
                   blind: Sequence[BlindSpot] = ()) -> tuple[list[LogFlow], list[BlindSpot]]:
    """The stores to judge, and the absences that are blind. A store the profile addresses to a target must exist
    there. A bare name read in several targets is judged where it exists; "does not exist" stays only when no
    target has it, and becomes a blind spot when another target's read failed (it may live there). ``listed``:
    kind -> the profile's names."""
    flows = list(flows)
    present = {(f.kind, f.name) for f in flows if f.exists}
    kept, unseen = [], []
    for f in flows:
        addressed = any(targets.specificity(n, f.name, f.where) for n in listed.get(f.kind, ()))
        if f.exists or addressed:
            kept.append(f)
        elif (f.kind, f.name) in present:
            continue  # it lives in another target
        elif f.where and any(not b.what.startswith(f"{f.where}:") for b in blind):
            unseen.append(BlindSpot(f"{f.where}: {KIND.get(f.kind, f.kind)} {f.name}",
                                    "not here, and another target could not be read: it may live there"))
        else:
            kept.append(f)
    return kept, unseen


def assess(flows: Iterable[LogFlow], section: LogsFlowingSection, now: float) -> tuple[list[dict[str, Any]], list[str]]:
    pattern, window_s = re.compile(section.error_pattern), section.window_min * 60
    rows, problems = [], []
    for flow in flows:
        label = f"{KIND.get(flow.kind, flow.kind)} {flow.name}"
        label = f"{flow.where}: {label}" if flow.where else label  # several targets: each store names its own
        events, errors = flow.counted if flow.counted is not None else (
            len(flow.lines), sum(1 for line in flow.lines if pattern.search(line)))
        found = []
        if not flow.exists:
            found.append(f"{label} does not exist; runbook 000 line 624 expects its logs flowing")
        elif flow.newest is None:
            found.append(f"{label}: no event read at all; runbook 000 line 624 expects logs flowing")
        elif now - flow.newest > window_s:
            found.append(f"{label}: newest event {_age(now - flow.newest)} ago; logs must flow (an event in the last "
                         f"{section.window_min} min, runbook 000 line 624)")
        share = errors / events if events else None
        if share is not None and share > section.max_error_share:
            found.append(f"{label}: {errors} of {events} events in the last {section.window_min} min are "
                         f"error-level ({share:.0%}); the profile allows {section.max_error_share:.0%} (runbook 004 "
                         f"rolls back at an error rate > 5 %)")
        problems += found
        rows.append({"store": label, "cloud": flow.cloud, "exists": flow.exists, "newest event age s": None if flow.newest is None else
                     round(now - flow.newest, 1), "events in window": events, "error-level": errors,
                     "read bounds": flow.bounds, "findings": found, "source": flow.source})
    return rows, problems


def facts(rows: list[dict[str, Any]], section: LogsFlowingSection) -> list[Fact]:
    """LOGS-FLOWING drift, from ``assess``'s rows: per log group/namespace whether it exists; the newest event's
    age, the events in the window and the error-level share move on their own (volatile: compared by verdict)."""
    out: list[Fact] = []
    for row in rows:
        where, age, events = row["store"], row["newest event age s"], row["events in window"]
        exists = row["exists"]
        share = row["error-level"] / events if events else None
        out += [Fact(where, "exists", exists, True, exists),
                Fact(where, "newest event age s", age, f"<= {section.window_min * 60}",
                     age is not None and age <= section.window_min * 60, volatile=True),
                Fact(where, "events in window", events, volatile=True),
                Fact(where, "error-level share", None if share is None else round(share, 3),
                     f"<= {section.max_error_share:g}", None if share is None else share <= section.max_error_share,
                     volatile=True)]
    return out
