"""Profile section of HEALTH: the services whose health endpoints must answer their runbook contract."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl

from golive.profile.base import Section

Contract = Literal["silenttalk-api", "silenttalk-client", "enterprise-health", "enterprise-live",
                   "enterprise-ready", "status-ok"]


class HealthEndpoint(Section):
    name: str = Field(min_length=1)
    url: HttpUrl
    contract: Contract = "status-ok"


class HealthSection(Section):
    timeout_s: float = Field(default=2.0, gt=0, le=30, description="per-request deadline (headers and body)")
    endpoints: list[HealthEndpoint] = Field(min_length=1)
