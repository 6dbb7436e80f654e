"""Profile section of AUTOSCALING: the scalers as configured, and (optionally) the live load that proves them.

Runbook 002: ECS target tracking on CPU at 70 %, min 3 / max 10; Azure autoscale out at 70 % over 5 min,
in at 30 %, 3-10 instances. Runbook 004: HPA min 5 / max 50 at 70 %. Runbook 003: per-service ranges.
``live`` sends load (marker ``load``): it is bounded by users, request rate, request count and time.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, HttpUrl, model_validator

from golive.profile.base import DAY_S, MAX_CAPACITY, NotApplicable, Section


def _min_not_above_max(section: Any) -> Any:
    if section.min_capacity > section.max_capacity:
        raise ValueError(f"min_capacity {section.min_capacity} is above max_capacity {section.max_capacity}")
    return section


Platform = Literal["ecs", "kubernetes-hpa", "azure-autoscale", "lab"]


class ScalingExpectation(Section):
    """A scaler the providers must report with these settings."""

    resource: str = Field(min_length=1, description="as the provider names it: ECS service/<cluster>/<service>, "
                                                    "HPA <namespace>/<name>, Azure autoscale setting name")
    platform: Platform
    min_capacity: int = Field(ge=0, le=MAX_CAPACITY)
    max_capacity: int = Field(ge=1, le=MAX_CAPACITY)
    target: float = Field(default=70.0, gt=0, le=100, description="average CPU % it tracks / scales out at")
    scale_in_threshold: float | None = Field(default=None, gt=0, le=100, description="Azure: scale in under this")
    window_s: int | None = Field(default=None, gt=0, le=DAY_S, description="Azure: the scale-out rule's evaluation window "
                                                                 "(PT5M = 300; scale-in's: behavior.scaleIn.timeWindow)")
    behavior: dict[str, Any] | None = Field(default=None, description="fields of the scaler's behavior that must "
                                             "match: HPA spec.behavior, Azure scaleOut/scaleIn rule details, ECS "
                                             "cooldowns")
    runbook: Literal["000", "001", "002", "003", "004"] | None = Field(
        default=None, description="the runbook its numbers come from (named in messages); default: the section's")

    _bounds = model_validator(mode="after")(lambda self: _min_not_above_max(self))


class ScalerApi(Section):
    """Where the live watch reads replicas and CPU."""

    kind: Literal["http-json", "provider"] = "http-json"
    url: HttpUrl | None = Field(default=None, description="http-json: a status endpoint answering JSON")
    resource: str | None = Field(default=None,
                                 description="provider: the resource scaling_status() reads; with several targets "
                                             "'<target>[/<region>]/<resource>' reads it in one")
    replicas_field: str = "replicas"
    desired_field: str = "desired"
    cpu_field: str = "cpu_percent"
    timeout_s: float = Field(default=2.0, gt=0, le=30)

    @model_validator(mode="after")
    def _where(self) -> ScalerApi:
        if self.kind == "http-json" and self.url is None:
            raise ValueError("kind http-json needs url")
        if self.kind == "provider" and not self.resource:
            raise ValueError("kind provider needs resource")
        return self


class RemoteWorkers(Section):
    """Locust workers started elsewhere that the master waits for (bounded) before any load is sent."""

    expect: int = Field(ge=1, le=1000, description="how many workers must connect; fewer: could not observe")
    bind_host: str = Field(default="127.0.0.1", min_length=1, description="the master listens here; open "
                           "bind_port to the load machines (0.0.0.0 listens on every interface)")
    bind_port: int = Field(default=5557, ge=1, le=65535)
    wait_s: float = Field(default=60.0, gt=0, le=600, description="how long the master waits for them")


class LiveLoad(Section):
    """Locust load (headless, from Python) until CPU passes the target; the scaler is watched on a fixed poll."""

    target_url: HttpUrl = Field(description="the host the load goes to")
    locustfile: str = Field(default="load/silenttalk.py", description="scenario file, relative to the repo")
    user_classes: list[str] = Field(default_factory=lambda: ["ApiUser"], min_length=1)
    scaler: ScalerApi
    resource: str = Field(default="scaler", description="name used in messages")
    min_capacity: int = Field(ge=0, le=MAX_CAPACITY)
    max_capacity: int = Field(ge=1, le=MAX_CAPACITY)
    target_cpu: float = Field(default=70.0, gt=0, le=100)
    users: int = Field(default=10, ge=1, le=5000, description="cap on simulated users")
    spawn_rate: float = Field(default=5.0, gt=0, le=500, description="users started per second (the ramp)")
    max_rps: float = Field(default=30.0, gt=0, le=20_000, description="cap on requests per second, all users")
    max_requests: int = Field(default=5000, ge=1, le=10_000_000, description="hard cap on requests")
    deadline_s: float = Field(default=300.0, gt=0, le=3600, description="capacity must rise within this after "
                                                                        "CPU passes the target")
    hold_s: float = Field(default=60.0, ge=0, le=3600, description="load kept after scale-out, watching max")
    max_duration_s: float = Field(default=900.0, gt=0, le=7200, description="hard cap on the load phase")
    scale_in_s: float = Field(default=600.0, ge=0, le=7200, description="how long scale-in is watched")
    poll_s: float = Field(default=5.0, gt=0, le=60)
    workers: int = Field(default=0, ge=0, le=64, description="local Locust worker processes under a master "
                                                              "(0: one process); the caps hold across all of them")
    remote_workers: RemoteWorkers | None = Field(default=None, description="workers on other machines, started "
                                                 "with `python -m golive.probes.loadgen --worker ...` (load/README.md)")

    _bounds = model_validator(mode="after")(lambda self: _min_not_above_max(self))


class AutoscalingSection(Section):
    runbook: Literal["000", "001", "002", "003", "004"] = "002"
    policies: list[ScalingExpectation] = Field(default_factory=list, description="read through the providers")
    live: LiveLoad | NotApplicable | None = Field(default=None, description="the live load that proves scale-out, "
                                                  "or {not_applicable: reason} (a configuration-only profile)")

    @model_validator(mode="after")
    def _something(self) -> AutoscalingSection:
        if not self.policies and not isinstance(self.live, LiveLoad):
            raise ValueError("declare policies (configuration), live (load), or both")
        return self
