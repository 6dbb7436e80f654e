"""AWS Backup: vault silenttalk-production-backup-vault, a plan whose rule runs cron(0 */6 * * ? *) and keeps
30 days with a copy to a DR vault in us-west-2 (runbook 002: geo-redundant), a selection covering RDS and S3,
and the history of the last day: a completed job and recovery point every 6 h, the newest 2 h old.
Jobs and recovery points go through the emulator's lab route (AWS has no API to create them at a chosen time).
Facts: vault, plan_id, selection_id.
"""

from __future__ import annotations

import datetime as dt

from golive.lab.aws.extensions import LAB_ROUTE
from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS = {
    "backups-every-12h": "the plan's rule runs cron(0 */12 * * ? *), every 12 h",
    "backups-retention-7d": "the plan's rule deletes recovery points after 7 days",
    "backups-rds-not-selected": "the backup selection covers the S3 bucket only, not the RDS instance",
    "backups-stale-recovery-point": "the newest completed recovery point is 30 h old",
    "backups-failed-job": "the newest RDS backup job (1 h ago) FAILED",
    "backups-no-cross-region-copy": "the plan's rule has no CopyActions (no copy to the DR vault in us-west-2)",
}

DR_REGION = "us-west-2"
EVERY_6H = "cron(0 */6 * * ? *)"


def seed(lab: Seeding) -> None:
    broken = lab.broken(VARIANTS)
    backup = lab.client("backup")
    vault = f"{PREFIX}-backup-vault"
    backup.create_backup_vault(BackupVaultName=vault)
    dr_vault = lab.client("backup", DR_REGION).create_backup_vault(BackupVaultName=f"{PREFIX}-backup-vault-dr")
    days = 7 if broken == "backups-retention-7d" else 30
    plan = backup.create_backup_plan(BackupPlan={"BackupPlanName": f"{PREFIX}-backup-plan", "Rules": [{
        "RuleName": "every-6-hours", "TargetBackupVaultName": vault,
        "ScheduleExpression": "cron(0 */12 * * ? *)" if broken == "backups-every-12h" else EVERY_6H,
        "StartWindowMinutes": 60, "CompletionWindowMinutes": 180, "Lifecycle": {"DeleteAfterDays": days},
        "CopyActions": [] if broken == "backups-no-cross-region-copy" else [
            {"DestinationBackupVaultArn": dr_vault["BackupVaultArn"], "Lifecycle": {"DeleteAfterDays": days}}]}]})
    role = f"arn:aws:iam::{lab.account_id}:role/service-role/AWSBackupDefaultServiceRole"
    covered = [lab.facts["bucket_arn"]] if broken == "backups-rds-not-selected" else [
        lab.facts["rds_arn"], lab.facts["bucket_arn"]]
    selection = backup.create_backup_selection(BackupPlanId=plan["BackupPlanId"], BackupSelection={
        "SelectionName": f"{PREFIX}-data", "IamRoleArn": role, "Resources": covered})
    rule_id = backup.get_backup_plan(BackupPlanId=plan["BackupPlanId"])["BackupPlan"]["Rules"][0]["RuleId"]
    now = dt.datetime.now(dt.UTC)
    newest = 30 if broken == "backups-stale-recovery-point" else 2
    for arn, kind, name in ((lab.facts["rds_arn"], "RDS", lab.facts["rds_id"]),
                            (lab.facts["bucket_arn"], "S3", lab.facts["bucket"])):
        if arn not in covered:
            continue
        for hours in range(newest, newest + 24, 6):
            _job(lab, vault, plan, rule_id, role, arn, kind, name, now - dt.timedelta(hours=hours), "COMPLETED", days)
        if broken == "backups-failed-job" and kind == "RDS":
            _job(lab, vault, plan, rule_id, role, arn, kind, name, now - dt.timedelta(hours=1), "FAILED", days)
    lab.facts.update(vault=vault, plan_id=plan["BackupPlanId"], selection_id=selection["SelectionId"])


def _job(lab: Seeding, vault: str, plan: dict, rule_id: str, role: str, arn: str, kind: str, name: str,
         at: dt.datetime, state: str, days: int) -> None:
    lab.lab_post(LAB_ROUTE, {
        "account_id": lab.account_id, "region": lab.region, "vault": vault, "resource_arn": arn,
        "resource_type": kind, "resource_name": name, "completed_at": at.isoformat(), "state": state,
        "plan_id": plan["BackupPlanId"], "plan_arn": plan["BackupPlanArn"], "rule_id": rule_id,
        "iam_role_arn": role, "delete_after_days": days,
        "message": "Backup job failed because the DB instance was in state 'modifying'"})
