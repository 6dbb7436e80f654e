"""Profile section of MULTI-AZ: three zones, strictly, for every tier, and the resources each tier must have.

Every resource the providers find is judged (nothing is waved through for being unlisted); the resources
listed under ``resources`` must also be found, so a resource missing from the cloud fails instead of
passing unseen. A listed resource may lower ``min_zones`` only where the service itself cannot do more
(a primary/standby pair spans two zones), and must then say why in ``because``.

Names are unique per kind, not per account: an RDS instance, its DB subnet group and its parameter group are
often all called the same. An entry may name its ``kind`` (as the providers name kinds: "RDS", "DB subnet
group", "RDS cluster", "ALB", "ECS service", "ElastiCache", "Azure Cache for Redis", "App Service plan",
"PostgreSQL flexible server", "Deployment", "StatefulSet"); it then applies to that one resource only. An
entry without ``kind`` that matches resources of several kinds applies to none of them and is a finding
naming the candidates (it can only be known after reading).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from golive.profile.base import Section

Tier = Literal["load-balancer", "compute", "database", "cache", "queue", "nodes", "workload"]


class ZoneResource(Section):
    """One resource a tier must have, named as its provider names it (ALB name, ``cluster/service``,
    RDS identifier, replication group id, Azure resource name, ``namespace/name``, ``nodes``)."""

    tier: Tier
    name: str = Field(min_length=1)
    kind: str | None = Field(default=None, min_length=1, description=(
        "which resource of that name (the kind the evidence's zone table shows: RDS, DB subnet group, ALB, "
        "ECS service, ElastiCache, Deployment, ...); needed when resources of different kinds share the name, "
        "matched case-insensitively"))
    min_zones: int | None = Field(default=None, ge=1, le=6, description="override of the section's min_zones")
    min_replicas: int | None = Field(default=None, ge=1, le=1000, description="override of the section's min_replicas")
    because: str | None = Field(default=None, min_length=3, description="why an override is lower than the section's")


class MultiAzSection(Section):
    min_zones: int = Field(default=3, ge=2, le=6, description="distinct zones every tier must span (runbooks: 3 AZs)")
    min_replicas: int = Field(default=3, ge=1, le=1000, description="members/replicas a workload must run at least")
    resources: list[ZoneResource] = Field(min_length=1, description="what each tier must have; missing ones fail")

    @model_validator(mode="after")
    def _overrides_say_why(self) -> MultiAzSection:
        for res in self.resources:
            lower = ((res.min_zones is not None and res.min_zones < self.min_zones)
                     or (res.min_replicas is not None and res.min_replicas < self.min_replicas))
            if lower and not res.because:
                raise ValueError(f"resources[{res.tier} {res.name}] lowers min_zones/min_replicas below the "
                                 f"section's; say why in 'because' (the runbook line or the service limit)")
        keys = [(r.tier, r.name, (r.kind or "").lower()) for r in self.resources]
        twice = sorted({f"{t} {k + ' ' if k else ''}{n}" for t, n, k in keys if keys.count((t, n, k)) > 1})
        if twice:
            raise ValueError(f"resources listed twice: {', '.join(twice)}")
        mixed = sorted({f"{t} {n}" for t, n, k in keys if not k and any(o[:2] == (t, n) and o[2] for o in keys)})
        if mixed:
            raise ValueError(f"resources {', '.join(mixed)} are listed both with and without 'kind'; give every "
                             f"entry of that name its kind (e.g. kind: RDS and kind: DB subnet group)")
        return self

    def expected(self, tier: str, name: str, kind: str = "") -> ZoneResource | None:
        """The entry naming this resource: same tier and name, and its kind when the entry names one."""
        return next((r for r in self.resources if r.tier == tier and r.name == name
                     and (r.kind is None or r.kind.lower() == kind.lower())), None)

    def zones_for(self, entry: ZoneResource | None) -> int:
        return entry.min_zones if entry is not None and entry.min_zones is not None else self.min_zones

    def replicas_for(self, entry: ZoneResource | None) -> int:
        return entry.min_replicas if entry is not None and entry.min_replicas is not None else self.min_replicas
