"""LOGS-FLOWING on Azure: what each Log Analytics workspace's ContainerLog received (runbook 000 line 624, Log
Analytics ``ContainerLog | limit 10``).

Per named workspace (a name in the profile's resource group): its workspace ID (``customerId``) from the ARM list
of workspaces, then one query through the Log Analytics query API (``POST {logs endpoint}/v1/workspaces/{id}/query``,
``Microsoft.OperationalInsights/workspaces/query/read``; the one POST golive's audit counts as a read). golive sends
only ``query(window_min)``: its own fixed KQL, time-bounded (``timespan`` and ``ago``) and answering one summary row
(events in the window, error-level events, newest TimeGenerated in the lookback), so no log line leaves the
workspace. Error-level: the KQL terms in ``ERROR_TERMS`` (``has_any``: whole terms, case-insensitive).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from golive.providers.azure.core import records
from golive.providers.azure.logs import workspaces as list_workspaces
from golive.providers.records_logs import LogFlow
from golive.verdict import CouldNotObserve, Records, each

LOOKBACK = dt.timedelta(hours=24)  # how far back the newest event is looked for (the query's timespan)
ERROR_TERMS = ("error", "fatal", "critical", "panic", "exception")
SOURCE = ("Log Analytics query API POST /v1/workspaces/{customerId}/query (ContainerLog, one summary row: "
          "events in window, error-level events, max(TimeGenerated))")


def query(window_min: int) -> str:
    """golive's fixed KQL for a window of ``window_min`` minutes (an int from the profile; never user KQL)."""
    window, terms = f"ago({int(window_min)}m)", ", ".join(f'"{t}"' for t in ERROR_TERMS)
    return (f"ContainerLog | where TimeGenerated > ago({int(LOOKBACK.total_seconds() // 60)}m) "
            f"| summarize total=countif(TimeGenerated > {window}), "
            f"errors=countif(TimeGenerated > {window} and LogEntry has_any ({terms})), newest=max(TimeGenerated)")


@records("log_flows")
def log_flows(az: Any, workspaces: tuple[str, ...] = (), window_s: float = 900, **_: Any) -> Records:
    """Per workspace: one that cannot be queried is a blind spot, the others still count."""
    if not workspaces:
        return Records()
    ids = {w.get("name"): (w.get("properties") or {}).get("customerId") for w in list_workspaces(az)}
    return each(workspaces, lambda name: [_workspace(az, name, ids, max(1, round(window_s / 60)))])


def _workspace(az: Any, name: str, ids: dict[str, Any], window_min: int) -> LogFlow:
    bounds = f"one summary row; ContainerLog of the last {window_min} min, newest event within {LOOKBACK}"
    if name not in ids:
        return LogFlow("azure", "workspace", name, None, exists=False, bounds=bounds,
                       source="Microsoft.OperationalInsights/workspaces (list by resource group)")
    workspace_id = ids[name]
    if not workspace_id:
        raise CouldNotObserve(az.target(f"Log Analytics workspace {name}"), "ARM returned no customerId (workspace "
                                                                            "ID) to query")
    kql = query(window_min)
    answer = az.read("logquery", f"Log Analytics query of workspace {name} ({window_min} min)",
                     lambda c: c.query_workspace(workspace_id, kql, timespan=LOOKBACK))
    total, errors, newest = _summary(az, name, answer)
    return LogFlow("azure", "workspace", name, newest, counted=(total, errors), bounds=bounds, source=SOURCE)


def _summary(az: Any, name: str, answer: dict[str, Any]) -> tuple[int, int, float | None]:
    target = az.target(f"Log Analytics workspace {name}")
    if "partial" in answer.get("status", "").lower():
        raise CouldNotObserve(target, f"the query answered partially ({answer.get('error') or 'no reason given'})")
    tables = answer.get("tables") or []
    columns = tables[0]["columns"] if tables else []
    rows = tables[0]["rows"] if tables else []
    if not rows or not {"total", "errors", "newest"} <= set(columns):
        raise CouldNotObserve(target, f"the query answered no summary row (columns {columns})")
    row = dict(zip(columns, rows[0], strict=False))
    if row["total"] is None or row["errors"] is None:
        raise CouldNotObserve(target, "the query answered no event counts")
    return int(row["total"]), int(row["errors"]), _epoch(row["newest"])


def _epoch(value: Any) -> float | None:
    if value in (None, ""):
        return None
    when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()
