"""BACKUPS proven both ways on the lab's three emulated clouds: passes on each compliant platform, fails naming
the resource and the field on each broken variant, and is could-not-observe when an API is unreachable or the
credentials are missing. golive/schedules.py is tested alone below (cron, AWS cron/rate, ISO 8601)."""

from __future__ import annotations

import datetime as dt
import os

import azure.identity  # noqa: F401  (imported before pytester's in-process runs, which would re-import
import azure.mgmt.dataprotection  # noqa: F401  them per run and mix two copies of requests' classes)
import azure.mgmt.postgresqlflexibleservers  # noqa: F401
import kubernetes.client  # noqa: F401
import pytest

import golive.providers.kubernetes as kube_areas
from gate import profile_dict, run_gate
from golive import schedules
from golive.compare import backups
from golive.lab.components.aws import profile_block
from golive.lab.components.azure import profile_block as azure_block
from golive.lab.runtime import free_port
from golive.profile.items.backups import BackupsSection
from golive.providers.records import BackupJob, BackupSchedule, DataProtection, RecoveryPoint

# every area module imported once here: a pytester run would otherwise import them anew, and @provides would
# see a second copy of each function
kube_areas._load_areas()

RDS, PG = "silenttalk-production-postgres", "silenttalk-postgres"
NAMESPACES = ["social-platform-production", "production"]


def _aws(started, **over):
    bucket = f"silenttalk-production-media-{started.endpoints['account_id']}"
    return profile_dict({"BACKUPS": {"resources": [RDS, bucket], "schedules": ["silenttalk-production-backup-plan"],
                                     "cross_region": [RDS]}},
                        providers={"aws": {**profile_block(started), "max_attempts": 2, **over}})


def _azure(started, **over):
    return profile_dict({"BACKUPS": {"resources": [PG], "schedules": ["silenttalk-every-6h"], "cross_region": [PG]}},
                        providers={"azure": {**azure_block(started), "max_retries": 1, **over}})


def _kube(started, **over):
    e = started.endpoints
    return profile_dict({"BACKUPS": {"resources": NAMESPACES, "schedules": ["platform-every-6h"], "max_age_h": 24}},
                        providers={"kubernetes": {"kubeconfig": e["kubeconfig"], "context": e["context"],
                                                  "namespaces": NAMESPACES, "timeout_s": 3, "max_attempts": 1,
                                                  **over}})


CLOUDS = {"aws": _aws, "azure": _azure, "kubernetes": _kube}


def _on(cloud, *values):
    return pytest.param(cloud, *values, marks=pytest.mark.xdist_group(f"backups-{cloud}"))  # one emulator per cloud


@pytest.mark.parametrize("cloud", [_on(c) for c in CLOUDS])
def test_passes_on_each_compliant_cloud(pytester, lab, cloud):
    result = run_gate(pytester, CLOUDS[cloud](lab(cloud)), "backups")
    assert result.verdict("BACKUPS") == "passed", result.output
    attached = result.attachments()
    assert "largest_gap_h" in attached and "newest_completed_recovery_point" in attached


@pytest.mark.parametrize(("cloud", "variant", "reasons"), [
    _on("aws", "backups-every-12h", [f"{RDS}: backups kept >= 30 days run at most every 12 h",
                                     "schedule 'cron(0 */12 * * ? *)'", "ScheduleExpression"]),
    _on("aws", "backups-retention-7d", [f"{RDS}: silenttalk-production-backup-plan/every-6-hours keeps backups 7 days",
                                        "Lifecycle.DeleteAfterDays"]),
    _on("aws", "backups-rds-not-selected", [f"{RDS}: not covered by any backup schedule"]),
    _on("aws", "backups-stale-recovery-point", [f"{RDS}: newest completed recovery point is", "CompletionDate"]),
    _on("aws", "backups-failed-job", [f"{RDS}: backup job FAILED 1.", "DB instance was in state 'modifying'"]),
    _on("aws", "backups-s3-versioning-off", ["versioning is Suspended (s3:GetBucketVersioning"]),
    _on("aws", "backups-no-cross-region-copy", [f"{RDS}: no backup rule covering it copies to another region"]),
    _on("azure", "backup-every-12h", [f"{PG}: backups kept >= 30 days run at most every 12 h", "PT12H",
                                      "repeatingTimeIntervals"]),
    _on("azure", "backup-retention-7d", [f"{PG}: silenttalk-every-6h/BackupEvery6h keeps backups 7 days",
                                         "deleteAfter.duration"]),
    _on("azure", "backup-not-protected", [f"{PG}: not covered by any backup schedule"]),
    _on("azure", "backup-stale", [f"{PG}: newest completed recovery point is", "recoveryPointTime"]),
    _on("azure", "backup-failed-job", [f"{PG}: backup job Failed"]),
    _on("azure", "pg-retention-7d", [f"{PG}: backup retention is 7 days", "backup.backupRetentionDays"]),
    _on("azure", "pg-no-geo-backup", [f"{PG}: geo-redundant backup is off", "backup.geoRedundantBackup Disabled"]),
    _on("kubernetes", "velero-every-12h", ["production: backups kept >= 30 days run at most every 12 h",
                                           "schedule '0 */12 * * *'", "spec.schedule"]),
    _on("kubernetes", "velero-ttl-7d", ["production: platform-every-6h keeps backups 7 days",
                                        "spec.template.ttl 168h0m0s"]),
    _on("kubernetes", "velero-namespace-not-included", ["production: not covered by any backup schedule"]),
    _on("kubernetes", "backup-stale", ["social-platform-production: newest completed recovery point is",
                                       "require < 6 h + 1 h grace; runbook 001 requires < 24 h"]),
    _on("kubernetes", "velero-backup-failed", ["social-platform-production, production: backup job Failed",
                                               "status.phase"]),
])
def test_fails_naming_the_resource_and_field(pytester, lab, cloud, variant, reasons):
    result = run_gate(pytester, CLOUDS[cloud](lab(cloud, variant)), "backups")
    assert result.verdict("BACKUPS") == "non-compliant", result.output
    for reason in reasons:
        assert reason in result.messages("BACKUPS"), result.messages("BACKUPS")


@pytest.mark.xdist_group("backups-aws")
def test_a_stopped_or_absent_api_is_could_not_observe(pytester, lab, lab_rt):
    port = free_port()
    aws = _aws(lab("aws"), endpoint_url=f"http://127.0.0.1:{port}", max_attempts=1, timeout_s=2)
    result = run_gate(pytester, aws, "backups")
    assert result.verdict("BACKUPS") == "could-not-observe", result.output
    assert "ListBackupPlans" in result.messages("BACKUPS") and f"127.0.0.1:{port}" in result.messages("BACKUPS")
    assert result.ret == 6
    azure = _azure(lab("azure"), arm_endpoint=f"https://127.0.0.1:{port}", max_retries=0)
    result = run_gate(pytester, azure, "backups")
    assert result.verdict("BACKUPS") == "could-not-observe" and "could not be reached" in result.messages("BACKUPS")
    kube = _kube(lab("kubernetes"))
    kube["providers"]["kubernetes"]["kubeconfig"] = str(pytester.path / "absent-kubeconfig")
    result = run_gate(pytester, kube, "backups")
    assert result.verdict("BACKUPS") == "could-not-observe" and "does not exist" in result.messages("BACKUPS")


@pytest.mark.xdist_group("backups-aws")
def test_missing_credentials_are_could_not_observe(pytester, lab, monkeypatch, tmp_path):
    for name in [n for n in os.environ if n.startswith(("AWS_", "AZURE_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential")  # no IMDS probe, no az subprocess
    empty = tmp_path / "credentials"
    empty.write_text("")
    result = run_gate(pytester, _aws(lab("aws"), profile=None, credentials_file=str(empty)), "backups")
    assert result.verdict("BACKUPS") == "could-not-observe", result.output
    assert "no usable AWS credentials" in result.messages("BACKUPS")
    result = run_gate(pytester, _azure(lab("azure")), "backups")  # the chain without the lab's managed identity
    assert result.verdict("BACKUPS") == "could-not-observe", result.output
    assert "no usable Azure credential" in result.messages("BACKUPS")


@pytest.mark.xdist_group("backups-aws")
def test_a_reader_denied_the_recovery_points_still_reports_the_retention_breach(pytester, lab):
    """Issue 13: a read denied (every vault's recovery points) is named; the breach in what was read still fails."""
    from golive.lab.aws.restricted import restricted_reader
    started = lab("aws", "backups-retention-7d")
    over = restricted_reader(started, ["backup:GET /backup-vaults/"])
    result = run_gate(pytester, _aws(started, **over), "backups")
    text = result.messages("BACKUPS")
    assert result.verdict("BACKUPS") == "non-compliant" and result.ret == 1, result.output
    assert f"{RDS}: silenttalk-production-backup-plan/every-6-hours keeps backups 7 days" in text, text
    assert "ListRecoveryPointsByBackupVault" in text and "silenttalk-production-backup-vault" in text, text
    judged = text.split("Not observed")[0]
    assert "no completed recovery point" not in judged, text  # behind the blind read: unseen, not missing
    spots = result.summary["items"]["BACKUPS"]["blind_spots"]
    assert any("ListRecoveryPointsByBackupVault" in b for b in spots) and any(f"{RDS} recovery points" in b
                                                                              for b in spots), spots


# --- golive/schedules.py ----------------------------------------------------------------------------------
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(("expression", "hours"), [
    ("cron(0 */6 * * ? *)", 6), ("cron(0 0,6,12 * * ? *)", 12), ("cron(0 0/6 * * ? *)", 6),
    ("cron(0 */12 * * ? *)", 12), ("cron(30 5 ? * 2-6 *)", 72), ("cron(0 0 1 * ? *)", 744),
    ("rate(12 hours)", 12), ("rate(1 day)", 24), ("rate(90 minutes)", 1.5),
    ("R/2025-01-01T00:00:00+00:00/PT6H", 6), ("R/2024-12-31T23:00:00Z/PT12H", 12), ("R/2025-01-01T00:00:00Z/P1D", 24),
    ("0 */6 * * *", 6), ("0 1,7,13,19 * * *", 6), ("@daily", 24), ("@every 6h", 6), ("@every 1h30m", 1.5),
])
def test_largest_gap(expression, hours):
    assert schedules.largest_gap(schedules.parse(expression), START).hours == hours


def test_aws_day_of_week_is_sunday_one():
    """AWS cron(0 3 ? * 1 *) is Sundays (1 = SUN), cron's 1 is Monday."""
    runs = list(schedules.parse("cron(0 3 ? * 1 *)").runs(START, START + dt.timedelta(days=14)))
    assert {r.strftime("%a") for r in runs} == {"Sun"}
    third_friday = list(schedules.parse("cron(0 3 ? * 6#3 *)").runs(START, START + dt.timedelta(days=31)))
    assert [r.date() for r in third_friday] == [dt.date(2025, 1, 17)]


def test_time_zones_and_daylight_saving_are_measured_in_real_time():
    autumn = dt.datetime(2025, 10, 20, tzinfo=dt.UTC)
    new_york = schedules.parse("CRON_TZ=America/New_York 0 */6 * * *")
    assert schedules.largest_gap(new_york, autumn, dt.timedelta(days=30)).hours == 7  # 2 Nov: clocks go back
    aws = schedules.parse("cron(0 */6 * * ? *)", "Europe/Berlin")
    assert schedules.largest_gap(aws, autumn, dt.timedelta(days=30)).hours == 7


def test_two_rules_offset_by_six_hours_are_every_six_hours_together():
    a, b = schedules.parse("cron(0 0,12 * * ? *)"), schedules.parse("cron(0 6,18 * * ? *)")
    assert schedules.largest_gap(a, START).hours == 12
    assert schedules.largest_gap([a, b], START).hours == 6


def test_bounded_repetitions_and_durations():
    finished = schedules.parse("R3/2024-01-01T00:00:00Z/PT6H")
    assert schedules.largest_gap(finished, START).largest is None  # its three runs are over: never again
    assert schedules.duration_days("P30D") == 30 and schedules.duration_days("P4W") == 28
    assert schedules.duration_days("P1M") == 28  # a month is not taken for 30 days
    assert schedules.go_duration_days("720h0m0s") == 30


@pytest.mark.parametrize("bad", ["cron(0 */6 * * *)", "cron(0 */6 1 * 2 *)", "rate(6 fortnights)", "0 */6 * *",
                                 "R/not-a-date/PT6H", "cron(0 0 LW * ? *)", "TZ=Mars/Olympus 0 * * * *"])
def test_unreadable_expressions_are_refused(bad):
    with pytest.raises(schedules.ScheduleError):
        schedules.parse(bad)


# --- the comparison alone ---------------------------------------------------------------------------------
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


def _seen(**over):
    base = {"schedules": [BackupSchedule("plan", "hourly", "cron(0 * * * ? *)", 1, ("db",)),
                          BackupSchedule("plan", "six", "cron(0 */6 * * ? *)", 35, ("db",), ("us-west-2",))],
            "points": [RecoveryPoint("db", NOW - dt.timedelta(hours=2), "COMPLETED")],
            "jobs": [BackupJob("db", "FAILED", NOW - dt.timedelta(hours=30))],
            "protections": [DataProtection("db", {"point_in_time_recovery": True, "versioning": True})]}
    return backups.Observed(**{**base, **over})


def test_short_lived_rules_beside_a_compliant_one_pass_and_old_failures_are_outside_the_window():
    section = BackupsSection(resources=["db"], cross_region=["db"])
    assert backups.problems(_seen(), section, NOW) == []


def test_pitr_off_and_unparseable_schedules():
    section = BackupsSection(resources=["db"])
    off = _seen(protections=[DataProtection("db", {"point_in_time_recovery": False}, "rds: BackupRetentionPeriod 0")])
    assert backups.problems(off, section, NOW) == [
        "db: point-in-time recovery is off (rds: BackupRetentionPeriod 0); runbook 002 requires it enabled for "
        "databases"]
    found, blind = backups.assess(_seen(schedules=[BackupSchedule("p", "r", "whenever", 30, ("db",))]), section, NOW)
    assert found == [] and "cannot be interpreted" in blind[0].why and blind[0].what == "backup schedule p/r"
    assert blind[1].what == "db backup schedules"  # covered by an unreadable rule: not judged, not "not covered"


def test_fields_not_returned_and_reads_that_failed_are_blind_spots_not_breaches():
    from golive.verdict import BlindSpot, Records
    section = BackupsSection(resources=["db"], schedules=["plan"])
    absent = BackupSchedule("plan", "six", "", None, ("db",), unknown=("ScheduleExpression",))
    found, blind = backups.assess(_seen(schedules=[absent]), section, NOW)
    assert found == [] and "ScheduleExpression not returned" in blind[0].why
    unknown_pitr = _seen(protections=[DataProtection("db", {"point_in_time_recovery": None}, "rds:X")])
    found, blind = backups.assess(unknown_pitr, section, NOW)
    assert found == [] and [b.what for b in blind] == ["db: point_in_time_recovery"]
    denied = BlindSpot("backup:ListBackupPlans", "access denied")
    found, blind = backups.assess(_seen(schedules=Records(blind=[denied]), points=Records(blind=[denied])),
                                  section, NOW)
    assert found == [], found  # not "not covered", not "not found", not "no recovery point": unseen
    assert {b.what for b in blind} == {"backup schedule plan", "db backup coverage", "db recovery points"}
