"""DASHBOARDS on AWS: CloudWatch dashboards and the metrics their widgets chart (runbook 000 line 606,
``aws cloudwatch list-dashboards``). One dashboard whose body cannot be read blinds that dashboard only."""

from __future__ import annotations

import json
from typing import Any

from golive.providers.records_dashboards import Dashboard
from golive.verdict import Records, each

PROVIDES = ("dashboards",)
SOURCE = "cloudwatch:ListDashboards; cloudwatch:GetDashboard DashboardBody widgets[].properties.metrics"


def dashboards(aws: Any) -> Records:
    names = [d["DashboardName"] for d in aws.read("cloudwatch", "ListDashboards").get("DashboardEntries") or []]
    return each(names, lambda name: [_dashboard(aws, name)])


def _dashboard(aws: Any, name: str) -> Dashboard:
    body = aws.read("cloudwatch", "GetDashboard", DashboardName=name).get("DashboardBody")
    try:
        widgets = json.loads(body or "").get("widgets") or []
    except (ValueError, AttributeError):
        return Dashboard("aws", name, None, source=f"{SOURCE} (the body is not JSON)")
    return Dashboard("aws", name, tuple(dict.fromkeys(m for w in widgets for m in widget_metrics(w))), SOURCE)


def widget_metrics(widget: dict[str, Any]) -> list[str]:
    """Metric names of one widget's ``properties.metrics`` rows, resolving CloudWatch's "." (same as the row
    above at this position) and "..." (the row above, up to here) shorthands; expression rows name none."""
    out, previous = [], []
    for row in ((widget.get("properties") or {}).get("metrics") or []) if isinstance(widget, dict) else []:
        if not isinstance(row, list):
            continue
        cells = [c for c in row if not isinstance(c, dict)]
        if cells[:1] == ["..."]:
            cells = previous[:max(len(previous) - len(cells) + 1, 0)] + cells[1:]
        cells = [previous[i] if c == "." and i < len(previous) else c for i, c in enumerate(cells)]
        if len(cells) >= 2 and isinstance(cells[1], str):
            out.append(cells[1])
        previous = cells
    return out
