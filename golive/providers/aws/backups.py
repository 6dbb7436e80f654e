"""AWS BACKUPS: AWS Backup plans, selections, recovery points and jobs; RDS PITR and S3 versioning.

Reads (each once per run, shared): backup:ListBackupPlans, GetBackupPlan and ListBackupSelections per plan,
GetBackupSelection per selection, ListRecoveryPointsByBackupVault per target vault (last 7 days),
ListBackupJobs (last 48 h); rds:DescribeDBInstances, DescribeDBClusters, s3:ListBuckets (to resolve
wildcard and tag selections) and s3:GetBucketVersioning per selected bucket (AWS Backup needs versioning
on S3). Resources are named as the profile names them: RDS identifiers, bucket names.

Each plan, vault and bucket is read on its own (``each``): a denied read blinds that part only. A field not
returned is recorded as such (a rule without ``ScheduleExpression``, an instance without
``BackupRetentionPeriod``); a rule without ``Lifecycle`` keeps its recovery points forever, as AWS documents.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from typing import Any

from golive.providers.records import BackupJob, BackupSchedule, DataProtection, RecoveryPoint
from golive.verdict import Records, collect, each

PROVIDES = ("backup_schedules", "recovery_points", "backup_jobs", "data_protection")

POINTS_LOOKBACK = dt.timedelta(days=7)
JOBS_LOOKBACK = dt.timedelta(hours=48)


def arn_name(arn: str) -> str:
    """The name a profile uses for an ARN: RDS identifier, bucket name, else the ARN's last part."""
    if arn.startswith("arn:aws:s3:::"):
        return arn.split(":::", 1)[1].split("/", 1)[0]
    parts = arn.split(":")
    if len(parts) >= 7 and parts[2] == "rds" and parts[5] in ("db", "cluster"):
        return parts[6]
    return parts[-1].rsplit("/", 1)[-1] if len(parts) >= 6 else arn


def _region_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 else ""


def _floor(delta: dt.timedelta, unit: str) -> str:
    """A lower bound rounded down (to the hour or day), so every check in a run shares one cached read."""
    at = dt.datetime.now(dt.UTC) - delta
    at = at.replace(minute=0, second=0, microsecond=0)
    if unit == "day":
        at = at.replace(hour=0)
    return at.isoformat()


# --- the data resources a selection can name ------------------------------------------------------------
def _universe(aws: Any) -> dict[str, dict[str, str] | None]:
    """ARN -> tags (None = not read yet) of the RDS instances/clusters and S3 buckets of the account."""
    found: dict[str, dict[str, str] | None] = {}
    for db in aws.read("rds", "DescribeDBInstances").get("DBInstances", []):
        found[db["DBInstanceArn"]] = {t["Key"]: t["Value"] for t in db.get("TagList", [])}
    for cluster in aws.read("rds", "DescribeDBClusters").get("DBClusters", []):
        found[cluster["DBClusterArn"]] = {t["Key"]: t["Value"] for t in cluster.get("TagList", [])}
    for bucket in aws.read("s3", "ListBuckets").get("Buckets", []):
        found[f"arn:aws:s3:::{bucket['Name']}"] = None
    return found


def _tags(aws: Any, arn: str, universe: dict[str, dict[str, str] | None]) -> dict[str, str]:
    if universe.get(arn) is None and arn.startswith("arn:aws:s3:::"):
        from golive.verdict import CouldNotObserve
        try:
            tagging = aws.read("s3", "GetBucketTagging", Bucket=arn_name(arn))
        except CouldNotObserve as exc:
            if "NoSuchTagSet" not in str(exc):
                raise
            tagging = {}
        universe[arn] = {t["Key"]: t["Value"] for t in tagging.get("TagSet", [])}
    return universe.get(arn) or {}


def _condition(tags: dict[str, str], kind: str, key: str, value: str) -> bool:
    tag = key.split("aws:ResourceTag/", 1)[-1]
    seen = tags.get(tag)
    match kind.upper():
        case "STRINGEQUALS":
            return seen == value
        case "STRINGNOTEQUALS":
            return seen != value
        case "STRINGLIKE":
            return seen is not None and fnmatch.fnmatchcase(seen, value)
        case "STRINGNOTLIKE":
            return seen is None or not fnmatch.fnmatchcase(seen, value)
    return False


def _selected(aws: Any, selection: dict[str, Any], universe: dict[str, dict[str, str] | None]) -> list[str]:
    """The ARNs a backup selection covers: Resources (wildcards resolved) or ListOfTags, filtered by
    Conditions, minus NotResources."""
    chosen: dict[str, None] = {}
    for pattern in selection.get("Resources") or []:
        if "*" in pattern:
            chosen.update((arn, None) for arn in universe if fnmatch.fnmatchcase(arn, pattern))
        else:
            chosen[pattern] = None
    for cond in selection.get("ListOfTags") or []:
        chosen.update((arn, None) for arn in universe if _condition(
            _tags(aws, arn, universe), cond.get("ConditionType", "STRINGEQUALS"), cond["ConditionKey"],
            cond["ConditionValue"]))
    conditions = selection.get("Conditions") or {}
    for kind, entries in conditions.items():
        for cond in entries or []:
            chosen = {arn: None for arn in chosen if _condition(_tags(aws, arn, universe), kind,
                                                               cond["ConditionKey"], cond["ConditionValue"])}
    for pattern in selection.get("NotResources") or []:
        chosen = {arn: None for arn in chosen if not fnmatch.fnmatchcase(arn, pattern)}
    return list(chosen)


def _plans(aws: Any) -> Records:
    """Each plan with its rules and the ARNs its selections cover (one list, then one get per plan/selection);
    a plan that cannot be read is a blind spot, the others still count."""
    universe: dict[str, dict[str, str] | None] = {}

    def plan(summary: dict[str, Any]) -> list[dict[str, Any]]:
        plan_id = summary["BackupPlanId"]
        found = aws.read("backup", "GetBackupPlan", BackupPlanId=plan_id)["BackupPlan"]
        covered: dict[str, None] = {}
        for sel in aws.read("backup", "ListBackupSelections", BackupPlanId=plan_id).get("BackupSelectionsList", []):
            selection = aws.read("backup", "GetBackupSelection", BackupPlanId=plan_id,
                                 SelectionId=sel["SelectionId"])["BackupSelection"]
            if not universe:  # every selection may name wildcards or tags (and the audit lists these reads)
                universe.update(_universe(aws))
            covered.update((arn, None) for arn in _selected(aws, selection, universe))
        return [{"name": found.get("BackupPlanName") or summary.get("BackupPlanName") or plan_id,
                 "rules": found.get("Rules", []), "covers": list(covered)}]

    return each(aws.read("backup", "ListBackupPlans").get("BackupPlansList", []), plan)


# --- records ----------------------------------------------------------------------------------------------
def backup_schedules(aws: Any) -> Records:
    """One record per plan rule: its schedule, retention, the resources its plan's selections cover, copies."""
    plans = _plans(aws)
    out = Records(blind=plans.blind)
    for plan in plans:
        covers = tuple(dict.fromkeys(arn_name(a) for a in plan["covers"]))
        for rule in plan["rules"]:
            copies = tuple(f"{_region_of(c['DestinationBackupVaultArn'])} ({c['DestinationBackupVaultArn'].rsplit(':', 1)[-1]})"
                           for c in rule.get("CopyActions") or []
                           if _region_of(c.get("DestinationBackupVaultArn", "")) not in ("", aws.config.region))
            out.append(BackupSchedule(
                plan=plan["name"], rule=rule.get("RuleName", "?"), expression=rule.get("ScheduleExpression", ""),
                retention_days=(rule.get("Lifecycle") or {}).get("DeleteAfterDays"), covers=covers,
                copies_to=copies, timezone=rule.get("ScheduleExpressionTimezone") or "UTC",
                unknown=("ScheduleExpression",) if not rule.get("ScheduleExpression") else (),
                source=f"AWS Backup plan {plan['name']} rule {rule.get('RuleName')}: ScheduleExpression, "
                       f"Lifecycle.DeleteAfterDays, CopyActions; selections' Resources"))
    return out


def recovery_points(aws: Any) -> Records:
    """Recovery points of the last 7 days in every vault a plan rule writes to, vault by vault."""
    plans = _plans(aws)
    vaults = dict.fromkeys(rule.get("TargetBackupVaultName") for plan in plans for rule in plan["rules"])

    def vault(name: str) -> list[RecoveryPoint]:
        found = aws.read("backup", "ListRecoveryPointsByBackupVault", BackupVaultName=name,
                         ByCreatedAfter=_floor(POINTS_LOOKBACK, "day")).get("RecoveryPoints", [])
        return [RecoveryPoint(resource=arn_name(point["ResourceArn"]),
                              completed_at=point.get("CompletionDate") or point.get("CreationDate"),
                              status=point.get("Status", "?"),
                              source=f"backup:ListRecoveryPointsByBackupVault {name} CompletionDate, Status")
                for point in found]

    out = each(filter(None, vaults), vault)
    out.blind[:0] = plans.blind  # vaults of plans that could not be read: their points are unseen
    return out


def backup_jobs(aws: Any) -> list[BackupJob]:
    """Backup jobs created in the last 48 h (the comparison keeps its own window)."""
    out = []
    for job in aws.read("backup", "ListBackupJobs", ByCreatedAfter=_floor(JOBS_LOOKBACK, "hour")).get("BackupJobs", []):
        why = f": {job['StatusMessage']}" if job.get("StatusMessage") else ""
        out.append(BackupJob(resource=arn_name(job["ResourceArn"]), state=job.get("State", "?"),
                             at=job.get("CompletionDate") or job["CreationDate"],
                             source=f"backup:ListBackupJobs job {job['BackupJobId']} State{why}"))
    return out


def data_protection(aws: Any) -> Records:
    """RDS point-in-time recovery (automated backups kept > 0 days); versioning of every bucket a plan selects."""
    return collect(aws, _rds_protection, _bucket_versioning)


def _retention(days: Any, source: str, name: str) -> DataProtection:
    if days is None:  # not returned: unknown, not "no backups"
        return DataProtection(name, {"point_in_time_recovery": None}, source=f"{source} (BackupRetentionPeriod not "
                                                                             f"returned)")
    return DataProtection(name, {"point_in_time_recovery": int(days) > 0, "automated_backup_retention_days": int(days)},
                          source=f"{source} BackupRetentionPeriod {days}")


def _rds_protection(aws: Any) -> list[DataProtection]:
    out = [_retention(db.get("BackupRetentionPeriod"), "rds:DescribeDBInstances", db["DBInstanceIdentifier"])
           for db in aws.read("rds", "DescribeDBInstances").get("DBInstances", [])
           if not db.get("DBClusterIdentifier")]  # an Aurora member: its cluster holds the backups
    out += [_retention(c.get("BackupRetentionPeriod"), "rds:DescribeDBClusters", c["DBClusterIdentifier"])
            for c in aws.read("rds", "DescribeDBClusters").get("DBClusters", [])]
    return out


def _bucket_versioning(aws: Any) -> Records:
    plans = _plans(aws)
    buckets = dict.fromkeys(arn_name(a) for plan in plans for a in plan["covers"] if a.startswith("arn:aws:s3:::"))

    def versioning(bucket: str) -> list[DataProtection]:
        status = aws.read("s3", "GetBucketVersioning", Bucket=bucket).get("Status") or "never enabled"
        return [DataProtection(bucket, {"versioning": status == "Enabled", "versioning_status": status},
                               source=f"s3:GetBucketVersioning Status {status}")]

    out = each(buckets, versioning)
    out.blind[:0] = plans.blind
    return out
