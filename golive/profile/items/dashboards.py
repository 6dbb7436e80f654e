"""Profile section of DASHBOARDS: the dashboards the runbooks name exist and chart the metrics they list.

Runbook 000 line 606 "Verify dashboards created" (``aws cloudwatch list-dashboards``; Azure Monitor), runbook 003
"Dashboards" (CloudWatch -> Social Platform Production). Each entry names a dashboard and the metrics it must show.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from golive.profile.base import Section


class DashboardSpec(Section):
    cloud: Literal["aws", "azure"] = Field(description="aws: CloudWatch dashboard; azure: Azure portal dashboard")
    name: str = Field(min_length=1, max_length=255, description="the dashboard's name")
    metrics: list[str] = Field(default_factory=list, max_length=100,
                               description="metric names its widgets must chart (CPUUtilization, CpuPercentage...)")


class DashboardsSection(Section):
    dashboards: list[DashboardSpec] = Field(min_length=1, max_length=100, description="dashboards that must exist")
