"""Small typed records the providers return and the checks compare. No SDK object leaves a provider.

One record type per idea, shared by AWS, Azure and Kubernetes, so a check has one piece of logic
for every cloud (MULTI-AZ, BACKUPS here; later items add theirs below).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ZonePlacement:
    """MULTI-AZ: where one resource of a tier runs.

    tier: load-balancer | compute | database | cache | queue | nodes | workload
    resource: the name the profile uses for it (ALB name, RDS identifier, ns/deployment, ...)
    zones: the distinct zones observed for its members/subnets/replicas
    flags: redundancy settings that must all be true (e.g. {"MultiAZ": True, "AutomaticFailover": False});
        None when the API did not return the setting (not observed: a blind spot, never false)
    members: how many members/replicas/nodes it has (None when not meaningful)
    source: the API fields read, for evidence ("rds:DescribeDBInstances MultiAZ, SecondaryAvailabilityZone")
    kind: what the resource is, for messages and kind-qualified profile entries ("RDS", "DB subnet group",
        "ALB", "Deployment"); the tier when empty
    unknown: fields the API did not return that the zone count needs ("SecondaryAvailabilityZone",
        "node ip-10-0-1-5 label topology.kubernetes.io/zone"): its zones are then not judged (a blind spot)
    where: the target it was read in ("prod-eu/eu-west-1", "sub-b", "cluster-2") when the profile names several
        targets of its cloud (providers.*_targets; set by CloudProviders.gather), else ""
    """

    tier: str
    resource: str
    zones: tuple[str, ...]
    flags: dict[str, bool | None] = field(default_factory=dict)
    members: int | None = None
    source: str = ""
    kind: str = ""
    unknown: tuple[str, ...] = ()
    where: str = ""


@dataclass(frozen=True)
class BackupSchedule:
    """BACKUPS: one scheduled backup rule as configured.

    expression: the schedule as the platform writes it ("cron(0 */6 * * ? *)", "rate(6 hours)",
    "R/2025-01-01T00:00:00+00:00/PT6H", "0 */6 * * *"); golive.schedules parses it.
    retention_days: days a backup is kept (None = never deleted; Velero's "719h" is 29.96)
    covers: the resources the rule backs up (names the profile uses)
    copies_to: regions/vaults it copies to (geo-redundancy)
    timezone: the zone the expression is read in (AWS ScheduleExpressionTimezone, Velero CRON_TZ)
    unknown: fields the API did not return (schedule, retention): the rule is then not judged (a blind spot)
    """

    plan: str
    rule: str
    expression: str
    retention_days: float | None
    covers: tuple[str, ...] = ()
    copies_to: tuple[str, ...] = ()
    source: str = ""
    timezone: str = "UTC"
    unknown: tuple[str, ...] = ()
    where: str = ""  # the target it was read in, when the profile names several (see ZonePlacement)


@dataclass(frozen=True)
class RecoveryPoint:
    """BACKUPS: a backup that exists (AWS recovery point, Azure recovery point, Velero Backup)."""

    resource: str
    completed_at: dt.datetime | None
    status: str  # COMPLETED | PARTIAL | FAILED | EXPIRED | ...
    source: str = ""
    where: str = ""


@dataclass(frozen=True)
class BackupJob:
    """BACKUPS: a backup job run and its state."""

    resource: str
    state: str  # COMPLETED | FAILED | EXPIRED | ABORTED | RUNNING ...
    at: dt.datetime
    source: str = ""
    where: str = ""


@dataclass(frozen=True)
class DataProtection:
    """BACKUPS: database-level protections (PITR, versioning, backup retention on the service itself)."""

    resource: str
    settings: dict[str, object]  # e.g. {"point_in_time_recovery": True, "backup_retention_days": 35}; None: not returned
    source: str = ""
    where: str = ""
