"""Least-privilege policies from references: IAM actions, Azure RBAC actions and Kubernetes rules of recorded calls."""

from __future__ import annotations

import json

import pytest

from gate import ROOT
from golive.audit import aws_call, azure_action, azure_call, kubernetes_call
from golive.least_privilege import (
    DOCUMENTS,
    SHIPPED,
    AwsReference,
    UnknownToReference,
    aws_operations,
    azure_problems,
    azure_resource_types,
    azure_role,
    client_api_paths,
    iam_policy,
    kubernetes_cluster_role,
    kubernetes_problems,
    kubernetes_resources,
    render,
    sdk_arm_templates,
    shipped_drift,
)


@pytest.fixture(scope="module")
def aws_reference() -> AwsReference:
    return AwsReference.bundled()


@pytest.fixture(scope="module")
def arm_types() -> frozenset[str]:
    return azure_resource_types(sdk_arm_templates())


@pytest.fixture(scope="module")
def kube_resources() -> frozenset[tuple[str, str]]:
    return kubernetes_resources(client_api_paths())


def _shipped(cloud: str) -> dict:
    return json.loads((ROOT / SHIPPED[cloud]).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("signing", "sdk", "operation", "actions"), [
    ("s3", "s3", "ListBuckets", ("s3:ListAllMyBuckets",)),  # the API and the IAM action differ
    ("monitoring", "cloudwatch", "DescribeAlarms", ("cloudwatch:DescribeAlarms",)),  # signing name is not the prefix
    ("s3", "s3", "ListObjectsV2", ("s3:ListBucket",)),
    ("elasticloadbalancing", "elbv2", "DescribeListeners", ("elasticloadbalancing:DescribeListeners",)),
    ("cloudfront", "cloudfront", "GetCachePolicy", ("cloudfront:GetCachePolicy",)),
    ("s3", "s3", "GetBucketVersioning", ("s3:GetBucketVersioning",)),
])
def test_api_operations_map_to_the_iam_actions_the_reference_names(aws_reference, signing, sdk, operation, actions):
    [op] = aws_operations([aws_call(signing, operation, sdk)])
    assert aws_reference.actions(op) == actions


def test_the_alarm_and_bucket_reads_come_out_as_iam_knows_them(aws_reference):
    calls = [aws_call("monitoring", "DescribeAlarms", "cloudwatch"), aws_call("s3", "ListBuckets", "s3")]
    actions = iam_policy(calls, aws_reference)["Statement"][0]["Action"]
    assert actions == ["cloudwatch:DescribeAlarms", "s3:ListAllMyBuckets"]
    assert aws_reference.problems(["monitoring:DescribeAlarms", "s3:ListBuckets"]) == [
        "monitoring:DescribeAlarms is unknown to the AWS Service Authorization Reference",
        "s3:ListBuckets is unknown to the AWS Service Authorization Reference"]


def test_an_operation_the_reference_does_not_know_is_an_error_naming_it(aws_reference):
    calls = [aws_call("s3", "ListFrobnicatedBuckets", "s3"), aws_call("tagging", "GetResources", "resourcegroupstaggingapi"),
             aws_call("rds", "DescribeDBInstances", "rds")]
    with pytest.raises(UnknownToReference) as caught:
        iam_policy(calls, aws_reference)
    assert caught.value.unknown == [
        "resourcegroupstaggingapi.GetResources (no IAM prefix among tagging, resource-groups-tagging-api, "
        "resourcegroupstaggingapi)",
        "s3:ListFrobnicatedBuckets (no privilege grants API ListFrobnicatedBuckets)"]


def test_a_write_level_action_never_belongs_in_a_reader_policy(aws_reference):
    assert aws_reference.problems(["s3:PutObject", "rds:DescribeDBInstances"]) == [
        "s3:PutObject has access level Write, not List/Read"]


def test_shipped_aws_policy_is_known_and_read_only(aws_reference):
    actions = _shipped("aws")["Statement"][0]["Action"]
    assert actions and aws_reference.problems(actions) == []


@pytest.mark.parametrize(("path", "action"), [
    ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/api/config/web", "Microsoft.Web/sites/config/read"),
    ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/metricAlerts", "Microsoft.Insights/metricAlerts/read"),
    ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/api/providers/Microsoft.Insights/"
     "metricDefinitions", "Microsoft.Insights/metricDefinitions/read"),  # extension resource: the last provider
])
def test_arm_reads_map_to_known_read_actions(arm_types, path, action):
    assert azure_action("GET", path) == action
    assert azure_problems([action], arm_types) == []


def test_malformed_or_unknown_azure_actions_are_named(arm_types):
    assert azure_problems(["Microsoft.Web/sites/write", "Microsoft.Web/sitez/read", "Microsoft.Nope/things/read"],
                          arm_types) == [
        "Microsoft.Web/sites/write is not a well-formed Azure read action (Microsoft.<Namespace>/<type>/read)",
        "Microsoft.Web/sitez/read: resource type unknown to the pinned azure-mgmt SDKs' ARM templates",
        "Microsoft.Nope/things/read: resource type unknown to the pinned azure-mgmt SDKs' ARM templates"]
    with pytest.raises(UnknownToReference, match="Microsoft.Nope/things/read"):
        azure_role([azure_call("GET", "https://m/subscriptions/s/providers/Microsoft.Nope/things")], arm_types)


def test_shipped_azure_role_is_known(arm_types):
    actions = _shipped("azure")["Actions"]
    assert actions and azure_problems(actions, arm_types) == []


def test_kubernetes_reads_are_get_list_of_known_resources(kube_resources):
    calls = [kubernetes_call("GET", "https://k/apis/apps/v1/namespaces/p/deployments"),
             kubernetes_call("GET", "https://k/apis/apps/v1/namespaces/p/deployments/api"),
             kubernetes_call("GET", "https://k/apis/velero.io/v1/namespaces/velero/schedules")]
    assert kubernetes_cluster_role(calls, kube_resources)["rules"] == [
        {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list"]},
        {"apiGroups": ["velero.io"], "resources": ["schedules"], "verbs": ["list"]}]


def test_unknown_kubernetes_resources_and_non_read_verbs_are_named(kube_resources):
    with pytest.raises(UnknownToReference, match="apiGroup 'example.com' resource 'widgets'"):
        kubernetes_cluster_role([kubernetes_call("GET", "https://k/apis/example.com/v1/widgets")], kube_resources)
    assert kubernetes_problems([{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "delete"]}],
                               kube_resources) == ["verb 'delete' on ['pods'] is not a read"]


def test_shipped_clusterrole_is_known(kube_resources):
    rules = _shipped("kubernetes")["rules"]
    assert rules and kubernetes_problems(rules, kube_resources) == []


def test_recorded_sdk_calls_give_cloudwatch_and_list_all_my_buckets(lab, aws_reference):
    """Through botocore's own hook: CloudWatch signs as ``monitoring``, yet the policy says ``cloudwatch:``."""
    from golive.audit import AuditLog
    from golive.profile.model import AwsProvider as AwsConfig
    from golive.providers.aws import AwsProvider

    e = lab("aws").endpoints
    log = AuditLog()
    aws = AwsProvider(AwsConfig(region=e["region"], profile=e["profile"], endpoint_url=e["endpoint_url"],
                                credentials_file=e["credentials_file"]), audit=log)
    aws.read("cloudwatch", "DescribeAlarms")
    aws.read("s3", "ListBuckets")
    assert {(c.service, c.sdk_service, c.method) for c in log.calls()} == {
        ("monitoring", "cloudwatch", "DescribeAlarms"), ("s3", "s3", "ListBuckets")}
    assert iam_policy(log.calls(), aws_reference)["Statement"][0]["Action"] == [
        "cloudwatch:DescribeAlarms", "s3:ListAllMyBuckets"]


def test_a_stale_shipped_policy_is_named_with_the_command_that_regenerates_it(tmp_path, aws_reference):
    calls = [aws_call("s3", "ListBuckets", "s3"), kubernetes_call("GET", "https://k/api/v1/nodes"),
             azure_call("GET", "https://m/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/metricAlerts")]
    for cloud, relative in SHIPPED.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(render(DOCUMENTS[cloud](calls)), encoding="utf-8")
    assert shipped_drift(calls, tmp_path) == []
    stale = tmp_path / SHIPPED["aws"]
    stale.write_text(stale.read_text().replace("s3:ListAllMyBuckets", "s3:ListBuckets"), encoding="utf-8")
    [drift] = shipped_drift(calls, tmp_path)
    assert "`.venv/bin/golive audit-policy aws > iam/golive-readonly-aws.json`" in drift
    assert '-        "s3:ListBuckets"' in drift and '+        "s3:ListAllMyBuckets"' in drift


def test_audit_policy_for_the_watch_reads_the_watch_audit_and_names_its_own_role(tmp_path, monkeypatch, capsys):
    from golive import cli
    from golive.audit import AuditLog

    monkeypatch.setenv("GOLIVE_REPORTS_DIR", str(tmp_path))
    log = AuditLog(tmp_path / "watch-audit.jsonl")
    log.record(azure_call("GET", "https://m/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a/"
                                 "providers/Microsoft.Insights/metrics"))
    assert cli.main(["audit-policy", "azure", "--for", "watch"]) == 0
    role = json.loads(capsys.readouterr().out)
    assert role["Name"] == "golive watch" and role["Actions"] == ["Microsoft.Insights/metrics/read"]
    assert cli.main(["audit-policy", "azure"]) != 0  # the gate's audit.jsonl is not there
    assert "no calls recorded in" in capsys.readouterr().err
