"""Profile section of `golive watch`: the post-deploy watch against the runbooks' rollback triggers.

Runbook 003 line 141: "Monitor for 30 minutes before declaring deployment successful" (the default window).
Runbook 004 "When to Rollback" (lines 416, 419, 423): error rate > 5 %, service completely unavailable,
performance degradation > 50 %; runbook 001 lines 562 and 609: "Error rate > 5%", "API p95 > 500ms".
The watch samples open loop (constant arrival rate) like LATENCY-P95, capped by ``rate_per_s``,
``max_requests`` and the window, whatever else the profile says.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl, model_validator

from golive.profile.base import DAY_S, Section

DEFAULT_WINDOW_S = 30 * 60  # runbook 003 line 141


class WatchEndpoint(Section):
    name: str = Field(min_length=1)
    url: HttpUrl


class WatchMetricSource(Section):
    """A cloud metric the watch reads for its window, through the profile's providers block.

    AWS: the ALB (``load_balancer``: its name, or its ``app/<name>/<id>`` dimension) in CloudWatch; Azure: the App
    Service (``app_service``, in ``resource_group`` or the provider's) in Azure Monitor. Kubernetes has no metrics
    API of its own (Prometheus is not the Kubernetes API), so it is not a source.
    """

    cloud: Literal["aws", "azure"]
    load_balancer: str | None = Field(default=None, min_length=1)
    app_service: str | None = Field(default=None, min_length=1)
    resource_group: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _named(self) -> WatchMetricSource:
        wanted = {"aws": "load_balancer", "azure": "app_service"}[self.cloud]
        if getattr(self, wanted) is None:
            raise ValueError(f"a {self.cloud} metric source names its {wanted}")
        if self.cloud == "aws" and (self.app_service or self.resource_group):
            raise ValueError("an aws metric source names a load_balancer only")
        if self.cloud == "azure" and self.load_balancer:
            raise ValueError("an azure metric source names an app_service (and optionally its resource_group)")
        return self

    def __str__(self) -> str:
        return f"{self.cloud} {self.load_balancer or self.app_service}"


class WatchTriggers(Section):
    """The rollback triggers; each defaults to the runbooks' number (None switches one off)."""

    max_error_rate: float | None = Field(default=0.05, ge=0, le=1,
                                         description="runbooks 004 line 416 and 001 line 562: error rate > 5 %")
    p95_ms: float | None = Field(default=500.0, gt=0, le=60_000, description="runbook 001 line 609: API p95 > 500 ms")
    max_degradation: float | None = Field(default=0.5, gt=0, le=100,
                                          description="runbook 004 line 423: performance degradation > 50 % "
                                                      "(interval p95 over the last READY run's p95)")
    unavailable: bool = Field(default=True, description="runbook 004 line 419: service completely unavailable "
                                                        "(no request of an interval answered)")


class WatchSection(Section):
    """What `golive watch` samples after a deploy, for how long, and what makes it say ROLL BACK."""

    endpoints: list[WatchEndpoint] | None = Field(default=None, min_length=1,
                                                  description="what to sample; LATENCY-P95's endpoints when absent")
    window_s: float = Field(default=DEFAULT_WINDOW_S, gt=0, le=DAY_S,
                            description="how long to watch (runbook 003: 30 minutes; at most 24 h)")
    intervals: int = Field(default=10, ge=1, le=1000, description="the window is judged in this many intervals")
    rate_per_s: float = Field(default=5.0, gt=0, le=1000, description="requests per second per endpoint (open loop)")
    max_requests: int = Field(default=100_000, ge=1, le=1_000_000,
                              description="hard cap over the whole watch and every endpoint")
    max_in_flight: int = Field(default=64, ge=1, le=1000, description="connections per endpoint at most")
    timeout_s: float = Field(default=5.0, gt=0, le=60, description="a request not answered by then is an error")
    triggers: WatchTriggers = WatchTriggers()
    metrics: list[WatchMetricSource] = Field(default_factory=list,
                                             description="the clouds' error and latency metrics read for the window")
    metric_period_s: int = Field(default=60, ge=60, le=3600, multiple_of=60,
                                 description="the metric period (CloudWatch Period, Azure Monitor interval)")
    metric_lookback_s: float = Field(default=0, ge=0, le=DAY_S,
                                     description="the metric window starts this long before the watch (the deploy)")
    metric_delay_s: float = Field(default=120, ge=0, le=3600,
                                  description="periods ending later than this before a read are not yet published "
                                              "and not read")

    @model_validator(mode="after")
    def _sane(self) -> WatchSection:
        if self.endpoints and len({e.name for e in self.endpoints}) != len(self.endpoints):
            raise ValueError("watch endpoint names must be unique")
        if self.window_s / self.intervals < 1:
            raise ValueError(f"an interval of {self.window_s / self.intervals:g} s is too short to judge; "
                             f"give fewer intervals or a longer window_s")
        return self
