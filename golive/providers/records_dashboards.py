"""DASHBOARDS records: one dashboard and the metrics its widgets chart, the same shape for every cloud.

Providers implement ``dashboards() -> list[Dashboard]`` (checks/test_dashboards.py):
  AWS (providers/aws/dashboards.py): cloudwatch:ListDashboards, then cloudwatch:GetDashboard DashboardBody (JSON):
      widgets[].properties.metrics rows ``[namespace, metric, dim, value, ...]`` with the "." / "..." shorthands.
  Azure (providers/azure/portal.py): Microsoft.Portal/dashboards of the resource group: every ``metrics[]``
      entry's ``name`` in the parts' metadata (MonitorChartPart inputs/settings).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dashboard:
    """DASHBOARDS: one dashboard; ``metrics`` None when its body could not be parsed (a blind spot)."""

    cloud: str
    name: str
    metrics: tuple[str, ...] | None
    source: str = ""
    where: str = ""  # the target it was read in, when the profile names several (issue 18)
