"""DASHBOARDS: the dashboards read compared with the profile's (runbook 000 line 606, runbook 003 "Dashboards"), pure.

``assess(found, section, all_read)`` -> (evidence rows, findings, unseen). A dashboard the profile names that no read
returned is a finding only when every read succeeded (else it may sit behind the blind read: unseen); a body that
could not be parsed is unseen; a listed metric no widget charts is a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from golive.profile.items.dashboards import DashboardsSection, GrafanaDashboard
from golive.providers.records_dashboards import Dashboard
from golive.verdict import Fact

WHAT = {"aws": "CloudWatch dashboard", "azure": "Azure portal dashboard"}


def assess(found: Iterable[Dashboard], section: DashboardsSection, all_read: bool, clouds: set[str]
           ) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    by_key = {(d.cloud, d.name): d for d in found}
    rows, problems, unseen = [], [], []
    for spec in section.dashboards:
        label = f"{WHAT[spec.cloud]} {spec.name}"
        seen = by_key.get((spec.cloud, spec.name))
        missing: list[str] = []
        if seen is None and spec.cloud not in clouds:
            unseen.append(f"{label} (the profile configures no providers.{spec.cloud})")
        elif seen is None:
            if all_read:
                problems.append(f"{label} does not exist; runbook 000 line 606 asks for the dashboards to be created")
            else:
                unseen.append(label)
        elif seen.metrics is None:
            unseen.append(f"{label} body (not parseable)")
        else:
            missing = [m for m in spec.metrics if m not in seen.metrics]
            if missing:
                problems.append(f"{label} does not chart {', '.join(missing)}; the runbook's dashboards show "
                                f"{', '.join(spec.metrics)}")
        rows.append({"dashboard": label, "found": seen is not None, "metrics charted": list(seen.metrics or ())
                     if seen else None, "metrics required": spec.metrics, "missing": missing,
                     "source": seen.source if seen else None})
    return rows, problems, unseen


def facts(rows: list[dict[str, Any]]) -> list[Fact]:
    """DASHBOARDS drift, from ``assess``'s rows: per dashboard whether it exists and the metrics it charts against
    the runbook's (ok None when it was not found or its body could not be read)."""
    out: list[Fact] = []
    for row in rows:
        charted = row["metrics charted"]
        out += [Fact(row["dashboard"], "found", row["found"], True, row["found"] or None),
                Fact(row["dashboard"], "metrics charted", None if charted is None else sorted(charted),
                     row["metrics required"], None if charted is None else not row["missing"])]
    return out


def grafana_uid(spec: GrafanaDashboard, hits: list[dict[str, Any]]) -> str | None:
    """The uid of the dashboard ``spec`` names: its own, else the uid of the search hit with its title."""
    if spec.uid is not None:
        return spec.uid
    return next((str(h["uid"]) for h in hits if h.get("title") == spec.title and h.get("uid")), None)


def grafana_charts(targets: list[dict[str, Any]], metric: str) -> bool:
    """A panel query covers ``metric``: a CloudWatch target's metricName, or the name as a whole word of a
    Prometheus expr (``rate(http_requests_total{...}[5m])`` covers http_requests_total, not http_requests)."""
    word = re.compile(rf"(?<![A-Za-z0-9_:]){re.escape(metric)}(?![A-Za-z0-9_:])")
    return any(t.get("metricName") == metric or (isinstance(t.get("expr"), str) and word.search(t["expr"]))
               for t in targets)


def grafana_assess(spec: GrafanaDashboard, targets: list[dict[str, Any]] | None
                   ) -> tuple[dict[str, Any], list[str]]:
    """One Grafana dashboard (``targets``: its panels' queries; None when Grafana has no such dashboard) against
    the metrics the profile lists -> (evidence row, findings)."""
    if targets is None:
        problems = [f"{spec.label} does not exist; runbook 000 line 606 asks for the dashboards to be created"]
        return ({"dashboard": spec.label, "found": False, "metrics charted": None, "metrics required": spec.metrics,
                 "missing": [], "source": "grafana"}, problems)
    missing = [m for m in spec.metrics if not grafana_charts(targets, m)]
    problems = [f"{spec.label}: no panel query charts {', '.join(missing)}; the runbook's dashboards show "
                f"{', '.join(spec.metrics)}"] if missing else []
    return ({"dashboard": spec.label, "found": True, "metrics charted": [m for m in spec.metrics if m not in missing],
             "metrics required": spec.metrics, "missing": missing, "panel queries": len(targets),
             "source": "grafana"}, problems)
