"""Profile section of WAF-429: the rate rules the WAF must hold, and the one live burst that proves them.

Both parts are required; each is either filled in or ``{not_applicable: <reason>}``, so a profile never
drops a part by omission. Defaults are runbook 002's numbers: 2000 requests per 5 minutes per IP, 1000 on /api.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, HttpUrl, model_validator

from golive.profile.base import NotApplicable, Section

MAX_REQUESTS_CEILING = 10_000  # whatever a profile says, one burst never sends more
MAX_DURATION_CEILING_S = 900.0


class ExpectedRateRule(Section):
    name: str = Field(min_length=1, description="what the rule is for, in messages (general, api)")
    limit: int = Field(gt=0, le=2_000_000_000, description="requests per window per client IP")
    window_s: int = Field(default=300, gt=0, le=3600)
    scope_path: str | None = Field(default=None, pattern=r"^/", description="path prefix; None: every path")


def _runbook_rules() -> list[ExpectedRateRule]:
    return [ExpectedRateRule(name="general", limit=2000, window_s=300),
            ExpectedRateRule(name="api", limit=1000, window_s=300, scope_path="/api")]


class WafConfiguration(Section):
    """What the web ACL / WAF policy protecting the target must say."""

    protects: str = Field(min_length=1, description="the ALB/distribution/Front Door endpoint the ACL must be "
                                                    "associated with (name or ARN/ID)")
    acl: str | None = Field(default=None, description="the web ACL / policy name; any associated one when absent")
    aggregate: Literal["IP", "FORWARDED_IP"] = "IP"
    response_code: int = Field(default=429, ge=400, le=599)
    managed_groups: list[str] = Field(default_factory=list, description="managed rule groups the runbook names")
    rules: list[ExpectedRateRule] = Field(default_factory=_runbook_rules, min_length=1)


class BurstTarget(Section):
    """The live burst: one URL, burst at most once per run, from this client, within hard caps.

    The first 429 must come after ``expected_limit`` requests, give or take ``tolerance`` (a fraction of the
    limit), plus what the WAF's detection lag lets through at this rate (AWS: 30 s or more).
    """

    url: HttpUrl
    burstable: bool = Field(default=False, description="the target's owner accepts that the burst blocks the "
                                                       "caller's IP for the window")
    expected_limit: int = Field(gt=0, le=5000, description="requests the WAF lets through before it answers 429")
    window_s: int = Field(default=300, gt=0, le=3600, description="the rule's window (shown; bounds the rate)")
    tolerance: float = Field(default=0.1, ge=0, le=0.5, description="allowed deviation, fraction of the limit")
    detection_lag_s: float = Field(default=0.0, ge=0, le=120, description="WAF detection lag to allow for")
    rate_per_s: float = Field(default=10.0, gt=0, le=100, description="requests per second sent")
    margin: int = Field(default=10, ge=0, le=1000, description="requests beyond limit x 1.5 in the default cap")
    max_requests: int | None = Field(default=None, ge=1, le=MAX_REQUESTS_CEILING,
                                     description="hard cap; default limit x 1.5 + margin")
    max_duration_s: float | None = Field(default=None, gt=0, le=MAX_DURATION_CEILING_S,
                                         description="hard cap; default the time the request cap takes + 10 s")
    stop_after: int = Field(default=3, ge=1, le=20, description="consecutive refusals that end the burst")
    timeout_s: float = Field(default=5.0, gt=0, le=30)

    @property
    def lag_requests(self) -> int:
        return math.ceil(self.detection_lag_s * self.rate_per_s)

    @property
    def earliest(self) -> int:
        """Fewest requests the WAF may let through before its first 429."""
        return math.floor(self.expected_limit * (1 - self.tolerance))

    @property
    def latest(self) -> int:
        """Most requests the WAF may let through before its first 429 (tolerance plus detection lag)."""
        return math.ceil(self.expected_limit * (1 + self.tolerance)) + self.lag_requests

    @property
    def request_cap(self) -> int:
        if self.max_requests is not None:
            return self.max_requests
        return min(math.ceil(self.expected_limit * 1.5) + self.margin, MAX_REQUESTS_CEILING)

    @property
    def duration_cap_s(self) -> float:
        if self.max_duration_s is not None:
            return self.max_duration_s
        return min(math.ceil(self.request_cap / self.rate_per_s) + 10.0, MAX_DURATION_CEILING_S)

    @model_validator(mode="after")
    def _caps_can_tell_late_from_never(self) -> BurstTarget:
        needed = self.latest + 1 + self.stop_after
        if self.request_cap < needed:
            raise ValueError(f"the request cap {self.request_cap} is below {needed} (latest acceptable first 429 at "
                             f"request {self.latest + 1}, then {self.stop_after} refusals); raise max_requests or "
                             f"margin, or lower detection_lag_s/rate_per_s")
        if self.expected_limit / self.rate_per_s > self.window_s:
            raise ValueError(f"at {self.rate_per_s} req/s the {self.expected_limit} requests take longer than the "
                             f"{self.window_s} s window, so the limit is never reached; raise rate_per_s")
        if self.duration_cap_s < needed / self.rate_per_s:
            raise ValueError(f"the duration cap {self.duration_cap_s} s is shorter than the {needed / self.rate_per_s:.0f}"
                             f" s the needed {needed} requests take at {self.rate_per_s} req/s")
        return self


class Waf429Section(Section):
    configuration: WafConfiguration | NotApplicable = Field(
        description="the WAF configuration read from the providers (waf_acls), or not applicable")
    live: BurstTarget | NotApplicable = Field(
        description="the live burst target, or not applicable (then only the configuration proves the item)")
