"""BACKUPS: every data resource is backed up every 6 h and kept 30 days, proven by a recent recovery point.

Runbook 000: AWS Backup every 6 hours (0, 6, 12, 18 UTC), retention 30 days, RDS and S3; runbook 002:
snapshots every 6 h, 30 days, point-in-time recovery, versioning, geo-redundant copies, RPO 6 h;
runbook 001: last backup verified < 24 h old. Schedules are parsed and their largest gap measured.
"""

import datetime as dt

from golive.compare import backups
from golive.verdict import require


def test_backups_every_6h_kept_30_days_proven_by_recovery_points(section, profile, providers, evidence):
    seen = backups.Observed(schedules=providers.gather("backup_schedules"),
                            points=providers.gather("recovery_points"),
                            jobs=providers.gather("backup_jobs"),
                            protections=providers.gather("data_protection"))
    now = dt.datetime.now(dt.UTC)
    evidence.json("backups observed: schedules parsed, coverage, newest recovery points, failed jobs",
                  backups.evidence(seen, section, now))
    problems = backups.problems(seen, section, now)
    require(problems, f"{len(problems)} backup breach(es) on profile {profile.name}")
