"""Azure BACKUPS records: Data Protection policies/instances/recovery points/jobs, PostgreSQL backup settings.

Built on the reads of backup.py and postgres.py (each made once per run). Resources are named as the
profile names them: the protected resource's name (``dataSourceInfo.resourceName``, e.g. silenttalk-postgres).
Each vault (and each backup instance's recovery points) is read on its own: a denied read blinds that part only.
A policy without a default retention lifecycle or a repeating interval, or a server without backup settings,
is recorded as not returned (unknown, not 0 days or off).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import isodate

from golive.providers.azure import backup, postgres
from golive.providers.azure.core import records
from golive.providers.records import BackupJob, BackupSchedule, DataProtection, RecoveryPoint
from golive.verdict import Records, each

PROTECTED = ("ProtectionConfigured", "ConfiguringProtection")


def _when(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return isodate.parse_datetime(text)
    except (isodate.ISO8601Error, ValueError):
        return None


def _days(duration: str | None) -> float | None:
    from golive.schedules import ScheduleError, duration_days
    try:
        return duration_days(duration) if duration else None
    except ScheduleError:
        return None


def _protected_instances(az: Any, vault: str) -> list[dict]:
    out = []
    for inst in backup.instances(az, vault):
        props = inst.get("properties", {})
        state = (props.get("protectionStatus") or {}).get("status") or props.get("currentProtectionState")
        if state in PROTECTED:
            out.append(inst)
    return out


def _retention(rules: list[dict]) -> float | None:
    """The default retention rule's longest vault/operational-store lifecycle, in days; None: not returned."""
    found: list[float] = []
    for rule in rules:
        if rule.get("objectType") != "AzureRetentionRule" or not rule.get("isDefault"):
            continue
        for life in rule.get("lifecycles") or []:
            days = _days((life.get("deleteAfter") or {}).get("duration"))
            if days is not None:
                found.append(days)
    return max(found) if found else None


@records("backup_schedules")
def backup_schedules(az: Any) -> Records:
    """One record per repeating interval of each policy's backup rule; covers the instances using the policy."""
    return each(backup.vaults(az), lambda vault: _vault_schedules(az, vault))


def _vault_schedules(az: Any, vault: dict) -> list[BackupSchedule]:
    out = []
    name = vault["name"]
    storage = (vault.get("properties") or {}).get("storageSettings") or []
    copies = tuple(f"paired region (vault {name} {s.get('datastoreType')} {s.get('type')})" for s in storage
                   if s.get("type") == "GeoRedundant")
    instances = _protected_instances(az, name)
    for policy in backup.policies(az, name):
        rules = (policy.get("properties") or {}).get("policyRules") or []
        covers = tuple(dict.fromkeys(
            (i["properties"].get("dataSourceInfo") or {}).get("resourceName") or i["name"] for i in instances
            if ((i["properties"].get("policyInfo") or {}).get("policyId") or "").lower() == policy["id"].lower()))
        kept = _retention(rules)
        for rule in rules:
            if rule.get("objectType") != "AzureBackupRule":
                continue
            schedule = ((rule.get("trigger") or {}).get("schedule") or {})
            for interval in schedule.get("repeatingTimeIntervals") or [""]:
                missing = [f for f, absent in (("trigger.schedule.repeatingTimeIntervals", not interval),
                                               ("default AzureRetentionRule lifecycles[].deleteAfter.duration",
                                                kept is None)) if absent]
                out.append(BackupSchedule(
                    plan=policy["name"], rule=rule.get("name", "?"), expression=interval, retention_days=kept,
                    covers=covers, copies_to=copies, unknown=tuple(missing),
                    source=f"Data Protection vault {name} policy {policy['name']}: trigger.schedule."
                           f"repeatingTimeIntervals, default AzureRetentionRule deleteAfter.duration; "
                           f"backupInstances policyInfo; vault storageSettings"))
    return out


@records("recovery_points")
def recovery_points(az: Any) -> Records:
    """Per vault, then per backup instance."""
    def vault(v: dict) -> Records:
        return each(_protected_instances(az, v["name"]), lambda inst: _points(az, v["name"], inst))
    return each(backup.vaults(az), vault)


def _points(az: Any, vault: str, inst: dict) -> list[RecoveryPoint]:
    resource = (inst["properties"].get("dataSourceInfo") or {}).get("resourceName") or inst["name"]
    out = []
    for point in backup.recovery_points(az, vault, inst["name"]):
        props = point.get("properties") or {}
        out.append(RecoveryPoint(resource, _when(props.get("recoveryPointTime")),
                                 props.get("recoveryPointState") or "Completed",
                                 source=f"Data Protection {vault}/{inst['name']} recovery point "
                                        f"{point.get('name')} recoveryPointTime"))
    return out


@records("backup_jobs")
def backup_jobs(az: Any) -> Records:
    return each(backup.vaults(az), lambda vault: _jobs(az, vault["name"]))


def _jobs(az: Any, vault: str) -> list[BackupJob]:
    out = []
    for job in backup.jobs(az, vault):
        props = job.get("properties") or {}
        at = _when(props.get("endTime")) or _when(props.get("startTime"))
        if at is None or props.get("operationCategory", "Backup") != "Backup":
            continue
        out.append(BackupJob(props.get("dataSourceName") or "?", props.get("status") or "?", at,
                             source=f"Data Protection {vault} job {job.get('name')} status"))
    return out


@records("data_protection")
def data_protection(az: Any) -> list[DataProtection]:
    """PostgreSQL Flexible server backups: retention days (PITR window) and geo-redundant backup."""
    out = []
    for server in postgres.flexible_servers(az):
        b = (server.get("properties") or {}).get("backup") or {}
        days, geo = b.get("backupRetentionDays"), b.get("geoRedundantBackup")
        out.append(DataProtection(server["name"], {  # None: not returned (unknown, not off)
            "backup_retention_days": days, "point_in_time_recovery": None if days is None else bool(days),
            "geo_redundant_backup": None if geo is None else geo == "Enabled"},
            source=f"Microsoft.DBforPostgreSQL/flexibleServers {server['name']} backup.backupRetentionDays "
                   f"{days}, backup.geoRedundantBackup {b.get('geoRedundantBackup')}"))
    return out
