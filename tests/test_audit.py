"""Read-only audit: every cloud call recorded where it leaves the SDK, writes caught, least privilege derived."""

from __future__ import annotations

import types

import pytest

from golive.audit import (
    ApiCall,
    AuditLog,
    aws_call,
    azure_action,
    azure_call,
    kubernetes_call,
    kubernetes_rule,
)
from golive.least_privilege import iam_policy, kubernetes_cluster_role
from golive.verdict import CouldNotObserve


@pytest.mark.parametrize(("method", "path", "action"), [
    ("GET", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/api/config/web",
     "Microsoft.Web/sites/config/read"),
    ("GET", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers",
     "Microsoft.DBforPostgreSQL/flexibleServers/read"),
    ("PUT", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redis/r", "Microsoft.Cache/redis/write"),
    ("GET", "/subscriptions/s/resourcegroups/rg", "Microsoft.Resources/subscriptions/resourceGroups/read"),
])
def test_arm_paths_map_to_rbac_actions(method, path, action):
    assert azure_action(method, path) == action


@pytest.mark.parametrize(("method", "path", "rule"), [
    ("GET", "/api/v1/nodes", ("", "nodes", "list")),
    ("GET", "/apis/apps/v1/namespaces/production/deployments/api", ("apps", "deployments", "get")),
    ("GET", "/apis/monitoring.coreos.com/v1/namespaces/p/prometheusrules", ("monitoring.coreos.com", "prometheusrules", "list")),
    ("DELETE", "/api/v1/namespaces/p/pods/x", ("", "pods", "delete")),
])
def test_kubernetes_paths_map_to_rbac_rules(method, path, rule):
    assert kubernetes_rule(method, path) == rule


def test_reads_and_writes_are_told_apart():
    assert aws_call("rds", "DescribeDBInstances").is_read
    assert not aws_call("rds", "ModifyDBInstance").is_read
    assert not aws_call("secretsmanager", "GetSecretValue").is_read  # secret material is never read
    assert azure_call("GET", "https://m/subscriptions/s").is_read and not azure_call("PATCH", "https://m/x").is_read
    assert not kubernetes_call("POST", "https://k/api/v1/namespaces").is_read


def test_the_log_analytics_query_post_is_the_one_azure_post_that_reads():
    from golive.least_privilege import azure_role
    query = azure_call("POST", "https://api.loganalytics.io/v1/workspaces/9d3a1f2c-0000-4000-8000-0000000000b1/query")
    assert query.is_read and query.service == "Microsoft.OperationalInsights"
    assert query.action == "Microsoft.OperationalInsights/workspaces/query/read"
    for other in ("https://api.loganalytics.io/v1/workspaces/w/query/extra", "https://api.loganalytics.io/v1/workspaces/w/search",
                  "https://m/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w/purge",
                  "https://m/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redis/r/listKeys"):
        assert not azure_call("POST", other).is_read, other
    assert not azure_call("PUT", "https://api.loganalytics.io/v1/workspaces/w/query").is_read
    assert azure_role([query], known_types=frozenset())["Actions"] == [
        "Microsoft.OperationalInsights/workspaces/query/read"]


def test_the_log_is_shared_through_a_file(tmp_path):
    path = tmp_path / "audit.jsonl"
    AuditLog(path).record(aws_call("ec2", "DescribeVpcs"))
    AuditLog(path).record(aws_call("ec2", "CreateVpc"))
    log = AuditLog(path)
    assert [c.action for c in log.calls()] == ["ec2:DescribeVpcs", "ec2:CreateVpc"]
    assert [c.action for c in log.writes()] == ["ec2:CreateVpc"]


def test_least_privilege_documents_cover_exactly_what_was_read():
    calls = [aws_call("rds", "DescribeDBInstances"), aws_call("rds", "DescribeDBInstances"),
             aws_call("elasticloadbalancing", "DescribeListeners"),
             kubernetes_call("GET", "https://k/api/v1/nodes"), kubernetes_call("GET", "https://k/api/v1/nodes/n1")]
    assert iam_policy(calls)["Statement"][0]["Action"] == ["elasticloadbalancing:DescribeListeners",
                                                           "rds:DescribeDBInstances"]
    assert kubernetes_cluster_role(calls)["rules"] == [{"apiGroups": [""], "resources": ["nodes"],
                                                        "verbs": ["get", "list"]}]


def test_aws_calls_are_recorded_at_the_sdk_and_a_bypassing_write_is_caught(lab):
    from golive.profile.model import AwsProvider as AwsConfig
    from golive.providers.aws import AwsProvider
    started = lab("aws")
    e = started.endpoints
    log = AuditLog()
    aws = AwsProvider(AwsConfig(region=e["region"], profile=e["profile"], endpoint_url=e["endpoint_url"],
                                credentials_file=e["credentials_file"]), audit=log)
    aws.read("ec2", "DescribeAvailabilityZones")
    assert log.calls() == [ApiCall("aws", "ec2", "ec2:DescribeAvailabilityZones", "DescribeAvailabilityZones",
                                   sdk_service="ec2")]
    assert not log.writes()
    aws.client("sns").create_topic(Name="golive-audit-canary")  # what a careless area module could do
    assert [c.action for c in log.writes()] == ["sns:CreateTopic"]


def test_azure_calls_are_recorded_and_writes_refused_before_sending(lab):
    from golive.lab.components.azure import profile_block as azure_block
    from golive.profile.model import AzureProvider as AzureConfig
    from golive.providers.azure.core import AzureProvider
    e = lab("azure").endpoints
    log = AuditLog()
    az = AzureProvider(AzureConfig(**azure_block(lab("azure"))), audit=log)
    az.read("redis", "Redis caches", lambda c: c.redis.list_by_resource_group(e["resource_group"]))
    assert log.calls() and all(c.is_read and c.cloud == "azure" for c in log.calls())
    assert "Microsoft.Cache/redis/read" in {azure_action(c.method, c.path) for c in log.calls()}


def test_the_log_analytics_query_is_audited_as_a_read_and_any_other_post_refused(lab):
    from azure.core.rest import HttpRequest

    from golive.lab.components.azure import profile_block as azure_block
    from golive.profile.model import AzureProvider as AzureConfig
    from golive.providers.azure.core import AzureProvider, ReadOnlyViolation
    from golive.providers.azure.logflow import log_flows
    block = azure_block(lab("azure"))
    log = AuditLog()
    az = AzureProvider(AzureConfig(**block), audit=log)
    assert [f.counted for f in log_flows(az, workspaces=("silenttalk-logs",), window_s=3600)] == [(60, 1)]
    posts = [c for c in log.calls() if c.method == "POST"]
    assert [c.action for c in posts] == ["Microsoft.OperationalInsights/workspaces/query/read"] and not log.writes()
    other = HttpRequest("POST", f"{block['logs_endpoint']}/v1/workspaces/9d3a1f2c-0000-4000-8000-0000000000b1/purge",
                        json={})
    with pytest.raises(ReadOnlyViolation, match="refused"):
        az.client("logquery")._client.send_request(other)
    assert [c.path for c in log.writes()] == ["/v1/workspaces/9d3a1f2c-0000-4000-8000-0000000000b1/purge"]


def test_a_write_in_the_audit_fails_the_run(tmp_path):
    from golive.plugin import SUMMARY_KEY, _judge_audit
    from golive.summary import RunSummary
    audit = tmp_path / "audit.jsonl"
    AuditLog(audit).record(aws_call("ec2", "DescribeVpcs"))
    AuditLog(audit).record(aws_call("ec2", "TerminateInstances"))
    summary = RunSummary(profile="t")
    config = types.SimpleNamespace(option=types.SimpleNamespace(allure_report_dir=str(tmp_path / "a")),
                                   stash={SUMMARY_KEY: summary})
    session = types.SimpleNamespace(config=config, exitstatus=0)
    _judge_audit(session, audit)
    assert session.exitstatus == pytest.ExitCode.INTERNAL_ERROR
    assert summary.audit_failures == ["aws ec2:TerminateInstances"] and summary.api_calls == 2
    assert (tmp_path / "audit.jsonl").exists()


def test_unreachable_cloud_is_could_not_observe_and_still_audited():
    from golive.lab.runtime import free_port
    from golive.profile.model import AwsProvider as AwsConfig
    from golive.providers.aws import AwsProvider
    log = AuditLog()
    aws = AwsProvider(AwsConfig(region="us-east-1", endpoint_url=f"http://127.0.0.1:{free_port()}",
                                max_attempts=1), audit=log)
    with pytest.raises(CouldNotObserve):
        aws.read("ec2", "DescribeVpcs")
