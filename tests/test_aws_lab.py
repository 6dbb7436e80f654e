"""The lab's AWS emulator and the AWS provider core: the real boto3 client, through AwsProvider.read, sees
SilentTalk's seeded shape; reads are cached, writes refused, and blindness is CouldNotObserve."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from botocore.exceptions import ClientError

from golive.lab.components.aws import COMPONENT, profile_block
from golive.lab.runtime import LabRuntime, port_in_use
from golive.profile.model import AwsProvider as AwsConfig
from golive.profile.model import Providers
from golive.providers import CloudProviders
from golive.providers.aws import AwsProvider, NotAReadOperation
from golive.providers.aws.core import explain
from golive.verdict import CouldNotObserve

ZONES = {"us-east-1a", "us-east-1b", "us-east-1c"}


def _aws(started, **overrides) -> AwsProvider:
    return AwsProvider(AwsConfig(**{**profile_block(started), "max_attempts": 2, **overrides}))


@pytest.fixture(scope="module")
def compliant(lab):
    return lab("aws", "compliant")


def test_the_compliant_shape_has_three_zones_in_every_tier(compliant):
    aws = _aws(compliant)
    vpc = [v for v in aws.read("ec2", "DescribeVpcs")["Vpcs"] if not v["IsDefault"]][0]
    subnets = aws.read("ec2", "DescribeSubnets", Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert {s["AvailabilityZone"] for s in subnets} == ZONES and len(subnets) == 6
    alb = aws.read("elbv2", "DescribeLoadBalancers", Names=["silenttalk-production-alb"])["LoadBalancers"][0]
    assert {z["ZoneName"] for z in alb["AvailabilityZones"]} == ZONES
    listeners = aws.read("elbv2", "DescribeListeners", LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]
    assert {(x["Port"], x.get("SslPolicy") if x["Protocol"] == "HTTPS" else x["DefaultActions"][0]["Type"])
            for x in listeners} == {(443, "ELBSecurityPolicy-TLS13-1-3-2021-06"), (80, "redirect")}
    db = aws.read("rds", "DescribeDBInstances", DBInstanceIdentifier="silenttalk-production-postgres")["DBInstances"][0]
    assert db["MultiAZ"] and db["SecondaryAvailabilityZone"] != db["AvailabilityZone"]  # via the extension
    redis = aws.read("elasticache", "DescribeReplicationGroups")["ReplicationGroups"][0]
    assert (redis["MultiAZ"], redis["AutomaticFailover"]) == ("enabled", "enabled")
    assert {m["PreferredAvailabilityZone"] for g in redis["NodeGroups"] for m in g["NodeGroupMembers"]} == ZONES
    policy = aws.read("application-autoscaling", "DescribeScalingPolicies", ServiceNamespace="ecs")["ScalingPolicies"]
    assert {p["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] for p in policy} == {70.0}
    acl = aws.read("wafv2", "GetWebACLForResource", ResourceArn=alb["LoadBalancerArn"])["WebACL"]
    assert [r["Statement"]["RateBasedStatement"]["Limit"] for r in acl["Rules"]
            if "RateBasedStatement" in r["Statement"]] == [2000, 1000]


def test_backups_are_readable_through_the_emulator_extension(compliant):
    aws = _aws(compliant)
    plan = aws.read("backup", "ListBackupPlans")["BackupPlansList"][0]
    rule = aws.read("backup", "GetBackupPlan", BackupPlanId=plan["BackupPlanId"])["BackupPlan"]["Rules"][0]
    assert (rule["ScheduleExpression"], rule["Lifecycle"]["DeleteAfterDays"]) == ("cron(0 */6 * * ? *)", 30)
    selection_id = aws.read("backup", "ListBackupSelections",
                            BackupPlanId=plan["BackupPlanId"])["BackupSelectionsList"][0]["SelectionId"]
    covered = aws.read("backup", "GetBackupSelection", BackupPlanId=plan["BackupPlanId"],
                       SelectionId=selection_id)["BackupSelection"]["Resources"]
    assert any(":rds:" in arn for arn in covered) and any(":s3:::" in arn for arn in covered)
    points = aws.read("backup", "ListRecoveryPointsByBackupVault",
                      BackupVaultName="silenttalk-production-backup-vault")["RecoveryPoints"]
    newest = max(p["CreationDate"] for p in points if p["Status"] == "COMPLETED")
    assert dt.datetime.now(dt.UTC) - newest < dt.timedelta(hours=6)
    assert aws.read("backup", "ListBackupJobs", ByState="FAILED")["BackupJobs"] == []
    assert len(aws.read("backup", "ListBackupJobs", ByState="COMPLETED")["BackupJobs"]) == len(points)


def test_each_variant_is_its_own_account_of_the_same_emulator(lab, compliant):
    broken = lab("aws", "backups-failed-job")
    assert broken.endpoints["endpoint_url"] == compliant.endpoints["endpoint_url"]
    assert broken.endpoints["account_id"] != compliant.endpoints["account_id"]
    failed = _aws(broken).read("backup", "ListBackupJobs", ByState="FAILED")["BackupJobs"]
    assert [j["ResourceType"] for j in failed] == ["RDS"]
    assert _aws(compliant).read("backup", "ListBackupJobs", ByState="FAILED")["BackupJobs"] == []
    assert _aws(broken).read("sts", "GetCallerIdentity")["Account"] == broken.endpoints["account_id"]


def test_a_repeated_read_costs_no_call_and_pages_are_merged(compliant):
    aws = CloudProviders(Providers(aws=AwsConfig(**profile_block(compliant)))).aws
    first = aws.read("logs", "DescribeLogGroups", limit=2)  # 2 groups per page: several calls, one merged answer
    groups = len(first["logGroups"])
    assert groups >= 5 and {g["retentionInDays"] for g in first["logGroups"]} == {30}
    assert (aws.stats["calls"], aws.stats["reads"]) == ((groups + 1) // 2, 1)
    first["logGroups"].clear()  # callers cannot spoil the shared answer
    again = aws.read("logs", "describe_log_groups", limit=2)
    assert len(again["logGroups"]) == groups
    assert (aws.stats["calls"], aws.stats["cache_hits"]) == ((groups + 1) // 2, 1)


def test_writes_and_secret_values_are_refused_before_any_call(compliant):
    aws = _aws(compliant)
    for service, operation in (("ec2", "TerminateInstances"), ("rds", "modify_db_instance"),
                               ("backup", "DeleteBackupPlan"), ("secretsmanager", "GetSecretValue")):
        with pytest.raises(NotAReadOperation):
            aws.read(service, operation)
    assert aws.stats["calls"] == 0


def test_missing_credentials_are_could_not_observe(compliant, tmp_path, monkeypatch):
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookup off loopback
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    empty = tmp_path / "credentials"
    empty.write_text("")
    with pytest.raises(CouldNotObserve, match="no usable AWS credentials"):
        _aws(compliant, profile=None, credentials_file=str(empty)).read("rds", "DescribeDBInstances")
    with pytest.raises(CouldNotObserve, match="AWS profile 'nobody' is not configured"):
        _aws(compliant, profile="nobody", credentials_file=str(empty)).read("rds", "DescribeDBInstances")


def test_refusals_say_what_to_do():
    config = AwsConfig(region="us-east-1", profile="prod-readonly", max_attempts=5)

    def refused(code: str) -> str:
        return explain(ClientError({"Error": {"Code": code, "Message": "no"}}, "DescribeDBInstances"), config)

    assert "grant profile 'prod-readonly' read access" in refused("AccessDenied")
    assert "`aws sso login`" in refused("ExpiredToken")
    assert "throttled after 5 attempts" in refused("ThrottlingException")


def test_starts_and_stops_cleanly_and_a_stopped_emulator_is_could_not_observe(tmp_path):
    rt = LabRuntime(tmp_path / "lab")
    started = COMPONENT.start(rt, "multi-az-two-zones")
    pid, port = rt.procs["aws"].popen.pid, started.ports["api"]
    subnets = _aws(started).read("ec2", "DescribeSubnets")["Subnets"]
    assert {s["AvailabilityZone"] for s in subnets if not s["DefaultForAz"]} == {"us-east-1a", "us-east-1b"}
    rt.stop_all()
    assert not os.path.exists(f"/proc/{pid}") and not port_in_use(port) and rt.names() == []
    with pytest.raises(CouldNotObserve) as seen:
        _aws(started, max_attempts=1, timeout_s=2).read("rds", "DescribeDBInstances")
    assert started.endpoints["endpoint_url"] in str(seen.value) and "golive lab up" in str(seen.value)
