"""Profile section of DASHBOARDS: the dashboards the runbooks name exist and chart the metrics they list.

Runbook 000 line 606 "Verify dashboards created" (``aws cloudwatch list-dashboards``; Azure Monitor), runbook 003
"Dashboards" (CloudWatch -> Social Platform Production). Each entry names a dashboard and the metrics it must show.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl, model_validator

from golive.profile.base import NotApplicable, SecretRef, Section


class DashboardSpec(Section):
    cloud: Literal["aws", "azure"] = Field(description="aws: CloudWatch dashboard; azure: Azure portal dashboard")
    name: str = Field(min_length=1, max_length=255, description="the dashboard's name")
    metrics: list[str] = Field(default_factory=list, max_length=100,
                               description="metric names its widgets must chart (CPUUtilization, CpuPercentage...)")


class GrafanaDashboard(Section):
    """A Grafana dashboard named by its uid or its title, and the metrics its panels' queries must cover."""

    uid: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    title: str | None = Field(default=None, min_length=1, max_length=255)
    metrics: list[str] = Field(default_factory=list, max_length=100,
                               description="Prometheus metric names in a panel's expr, or CloudWatch metricName")

    @model_validator(mode="after")
    def _one_name(self) -> GrafanaDashboard:
        if (self.uid is None) == (self.title is None):
            raise ValueError("name a Grafana dashboard by exactly one of uid or title")
        return self

    @property
    def label(self) -> str:
        return f"Grafana dashboard {self.title!r}" if self.uid is None else f"Grafana dashboard uid {self.uid}"


class GrafanaSource(Section):
    """Grafana's HTTP API, read only: GET /api/search?type=dash-db and GET /api/dashboards/uid/<uid>."""

    url: HttpUrl = Field(description="Grafana's base URL (https://grafana.example.com)")
    token: SecretRef = Field(description="a Viewer service-account token (sent as Authorization: Bearer)")
    timeout_s: float = Field(default=5.0, gt=0, le=60, description="whole-response deadline of each API call")
    dashboards: list[GrafanaDashboard] = Field(min_length=1, max_length=50)


class DashboardsSection(Section):
    dashboards: list[DashboardSpec] = Field(min_length=1, max_length=100, description="dashboards that must exist")
    grafana: GrafanaSource | NotApplicable | None = Field(
        default=None, description="Grafana's HTTP API, when the platform has one ({not_applicable: reason} when it "
                                  "is not read on this run)")
