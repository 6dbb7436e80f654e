"""DASHBOARDS on Azure: shared Azure portal dashboards (Microsoft.Portal/dashboards) of the resource group and the
metrics their chart parts show (runbook 000 line 606: Azure Monitor)."""

from __future__ import annotations

from typing import Any

from golive.providers.azure.core import records
from golive.providers.records_dashboards import Dashboard
from golive.verdict import Records, each

SOURCE = "Microsoft.Portal/dashboards properties.lenses[].parts[].metadata (metrics[].name of chart parts)"


@records("dashboards")
def portal_dashboards(az: Any) -> Records:
    """The list names the dashboards; each is then read as ARM answers it (the SDK's model keeps only the ``type``
    of a chart part's metadata, dropping the inputs and settings that name its metrics)."""
    found = az.read("portal", "Azure portal dashboards", lambda c: c.dashboards.list_by_resource_group(
        az.resource_group))
    return each([d["name"] for d in found], lambda name: [_dashboard(az, name)])


def _dashboard(az: Any, name: str) -> Dashboard:
    raw = az.read("portal", f"Azure portal dashboard {name}", lambda c: c.dashboards.get(
        az.resource_group, name, cls=lambda response, _model, _headers: response.http_response.json()))
    return Dashboard("azure", name, tuple(dict.fromkeys(chart_metrics(raw.get("properties") or {}))), SOURCE)


def chart_metrics(value: Any) -> list[str]:
    """Every ``name`` of an entry of a ``metrics`` list anywhere in a dashboard's properties (pure)."""
    out: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "metrics" and isinstance(inner, list):
                out += [m["name"] for m in inner if isinstance(m, dict) and isinstance(m.get("name"), str)]
            else:
                out += chart_metrics(inner)
    elif isinstance(value, list):
        for inner in value:
            out += chart_metrics(inner)
    return out
