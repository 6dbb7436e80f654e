"""Profile section of MULTI-AZ: three zones, strictly, for every tier, and the resources each tier must have.

Every resource the providers find is judged (nothing is waved through for being unlisted); the resources
listed under ``resources`` must also be found, so a resource missing from the cloud fails instead of
passing unseen. A listed resource may lower ``min_zones`` only where the service itself cannot do more
(a primary/standby pair spans two zones), and must then say why in ``because``.
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
    min_zones: int | None = Field(default=None, ge=1, le=6, description="override of the section's min_zones")
    min_replicas: int | None = Field(default=None, ge=1, description="override of the section's min_replicas")
    because: str | None = Field(default=None, min_length=3, description="why an override is lower than the section's")


class MultiAzSection(Section):
    min_zones: int = Field(default=3, ge=2, le=6, description="distinct zones every tier must span (runbooks: 3 AZs)")
    min_replicas: int = Field(default=3, ge=1, description="members/replicas a workload must run at least")
    resources: list[ZoneResource] = Field(min_length=1, description="what each tier must have; missing ones fail")

    @model_validator(mode="after")
    def _overrides_say_why(self) -> MultiAzSection:
        for res in self.resources:
            lower = ((res.min_zones is not None and res.min_zones < self.min_zones)
                     or (res.min_replicas is not None and res.min_replicas < self.min_replicas))
            if lower and not res.because:
                raise ValueError(f"resources[{res.tier} {res.name}] lowers min_zones/min_replicas below the "
                                 f"section's; say why in 'because' (the runbook line or the service limit)")
        names = [(r.tier, r.name) for r in self.resources]
        twice = sorted({f"{t} {n}" for t, n in names if names.count((t, n)) > 1})
        if twice:
            raise ValueError(f"resources listed twice: {', '.join(twice)}")
        return self

    def expected(self, tier: str, name: str) -> ZoneResource | None:
        return next((r for r in self.resources if r.tier == tier and r.name == name), None)

    def zones_for(self, tier: str, name: str) -> int:
        found = self.expected(tier, name)
        return found.min_zones if found is not None and found.min_zones is not None else self.min_zones

    def replicas_for(self, tier: str, name: str) -> int:
        found = self.expected(tier, name)
        return found.min_replicas if found is not None and found.min_replicas is not None else self.min_replicas
