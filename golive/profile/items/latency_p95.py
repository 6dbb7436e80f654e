"""Profile section of LATENCY-P95: which endpoints are sampled, at what constant arrival rate, against which budget.

Runbook 001: API p95 < 200 ms and error rate < 1 % (blue-green gates). Runbook 003: alert when more than
5 % of requests take over 1 s, and error rate > 1 %. The sampler is open loop (constant arrival rate);
``max_requests`` and ``duration_s`` cap the traffic whatever the rate says.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl, model_validator

from golive.profile.base import Section


class LatencyEndpoint(Section):
    name: str = Field(min_length=1)
    url: HttpUrl


class LatencyP95Section(Section):
    runbook: Literal["001", "003", "000", "002", "004"] = Field(default="001",
                                                                description="the runbook the budget comes from")
    endpoints: list[LatencyEndpoint] = Field(min_length=1)
    rate_per_s: float = Field(default=20.0, gt=0, le=1000, description="requests per second per endpoint, "
                                                                         "on a fixed clock (open loop)")
    duration_s: float = Field(default=30.0, gt=0, le=600, description="how long the sampler sends")
    max_requests: int = Field(default=5000, ge=1, le=100_000, description="hard cap over all endpoints")
    max_in_flight: int = Field(default=64, ge=1, le=1000, description="connections per endpoint at most")
    timeout_s: float = Field(default=5.0, gt=0, le=60, description="a request not answered by then is an error")
    p95_ms: float | None = Field(default=200.0, gt=0, le=60_000, description="p95 budget (runbook 001: < 200 ms)")
    max_error_rate: float = Field(default=0.01, ge=0, le=1, description="runbooks 001/003: < 1 %")
    slow_ms: float | None = Field(default=None, gt=0, le=60_000, description="runbook 003: a request over this is slow (1000)")
    max_slow_fraction: float = Field(default=0.05, ge=0, le=1, description="runbook 003: at most 5 % slow")
    closed_loop_beside: bool = Field(default=False, description="also run a closed-loop sampler (sequential "
                                                                "requests) and show its p95 beside, to show "
                                                                "what coordinated omission hides")

    @model_validator(mode="after")
    def _one_budget(self) -> LatencyP95Section:
        if self.p95_ms is None and self.slow_ms is None:
            raise ValueError("give a budget: p95_ms (runbook 001) or slow_ms with max_slow_fraction (runbook 003)")
        if len({e.name for e in self.endpoints}) != len(self.endpoints):
            raise ValueError("endpoint names must be unique")
        return self
