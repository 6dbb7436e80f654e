"""LOG-RETENTION proven both ways on the emulated clouds: CloudWatch log groups (names and prefixes) and the Log
Analytics workspace keep logs 30 days; 7 days and never-expire fail, naming the store."""

from __future__ import annotations

import pytest

from gate import run_gate
from golive import monitoring
from golive.profile.items.log_retention import LogRetentionSection
from golive.providers.records_monitoring import LogRetention
from monitoring_profiles import PROVIDERS, aws_restricted, profile, section

AWS_ONLY = {"workspaces": []}
AZURE_ONLY = {"log_groups": [], "log_group_prefixes": []}


def _run(pytester, lab, cloud, variant="compliant", **over):
    body = section("LOG-RETENTION", **(AWS_ONLY if cloud == "aws" else AZURE_ONLY), **over)
    return run_gate(pytester, profile("LOG-RETENTION", body, PROVIDERS[cloud](lab(cloud, variant))), "log_retention")


@pytest.mark.parametrize("cloud", ["aws", "azure"])
def test_passes_on_the_compliant_shapes(pytester, lab, cloud):
    result = _run(pytester, lab, cloud)
    assert result.verdict("LOG-RETENTION") == "passed", result.output


BROKEN = [
    ("aws", "log-groups-retention-broken", (
        "log group /ecs/silenttalk-production-server: retention is 7 days; runbook 002 asks for at least 30",
        "log group /ecs/silenttalk-production-client: retention is never expire")),
    ("azure", "logs-retention-7d", ("Log Analytics workspace silenttalk-logs: retention is 7 days",)),
]


@pytest.mark.parametrize(("cloud", "variant", "reasons"), BROKEN, ids=[v for _, v, _ in BROKEN])
def test_fails_naming_the_store_on_each_broken_variant(pytester, lab, cloud, variant, reasons):
    result = _run(pytester, lab, cloud, variant)
    assert result.verdict("LOG-RETENTION") == "non-compliant", result.output
    for reason in reasons:
        assert reason in result.messages("LOG-RETENTION"), result.messages("LOG-RETENTION")


def test_never_expire_passes_when_the_profile_allows_it(pytester, lab):
    result = _run(pytester, lab, "aws", "log-groups-retention-broken", allow_never_expire=True,
                  log_groups=["/ecs/silenttalk-production-client"], log_group_prefixes=[])
    assert result.verdict("LOG-RETENTION") == "passed", result.output


def test_an_unknown_prefix_fails_and_an_unreachable_arm_is_could_not_observe(pytester, lab):
    result = _run(pytester, lab, "aws", log_group_prefixes=["/nothing/"])
    assert "no log group starts with '/nothing/'" in result.messages("LOG-RETENTION")
    faults = lab("faults", "server-error")
    azure = PROVIDERS["azure"](lab("azure"))
    azure["azure"]["arm_endpoint"] = faults.endpoints["https"]
    result = run_gate(pytester, profile("LOG-RETENTION", section("LOG-RETENTION", **AZURE_ONLY), azure), "log_retention")
    assert result.verdict("LOG-RETENTION") == "could-not-observe", result.output


def test_retention_comparison_without_a_network():
    found = [LogRetention("aws", "log-group", "/a/x", 30), LogRetention("aws", "log-group", "/a/y", None,
                                                                        never_expires=True)]
    judged, problems = monitoring.retention_problems(LogRetentionSection(log_group_prefixes=["/a/"]), found)
    assert [j.name for j in judged] == ["/a/x", "/a/y"]
    assert problems == ["log group /a/y: retention is never expire; runbook 002 asks for 30 days and the profile does "
                        "not allow never-expiring logs"]


def test_a_reader_denied_the_log_groups_still_sees_the_workspace_breach(pytester, lab):
    aws = aws_restricted(lab("aws"), ["logs:DescribeLogGroups"])
    both = {**aws, **PROVIDERS["azure"](lab("azure", "logs-retention-7d"))}
    result = run_gate(pytester, profile("LOG-RETENTION", section("LOG-RETENTION"), both), "log_retention")
    text = result.messages("LOG-RETENTION")
    assert result.verdict("LOG-RETENTION") == "non-compliant" and result.ret == 1, result.output
    assert "Log Analytics workspace silenttalk-logs: retention is 7 days" in text, text
    assert "logs:DescribeLogGroups" in text and "does not exist" not in text, text  # unseen, not missing
    assert any("DescribeLogGroups" in b for b in result.summary["items"]["LOG-RETENTION"]["blind_spots"])
    alone = run_gate(pytester, profile("LOG-RETENTION", section("LOG-RETENTION", **AWS_ONLY), aws), "log_retention")
    assert alone.verdict("LOG-RETENTION") == "could-not-observe" and alone.ret == 6, alone.output
    assert "logs:DescribeLogGroups" in alone.messages("LOG-RETENTION")


def test_a_retention_not_returned_is_a_blind_spot_but_never_expire_is_judged():
    found = [LogRetention("azure", "workspace", "ws", None), LogRetention("aws", "log-group", "/a", None,
                                                                         never_expires=True)]
    judged, problems, blind = monitoring.retention_verdict(LogRetentionSection(log_groups=["/a"], workspaces=["ws"]),
                                                           found)
    assert problems == ["log group /a: retention is never expire; runbook 002 asks for 30 days and the profile does "
                        "not allow never-expiring logs"]
    assert [b.what for b in blind] == ["retentionInDays of Log Analytics workspace ws"]
    _, problems, blind = monitoring.retention_verdict(LogRetentionSection(log_groups=["/b"]), [], all_read=False)
    assert problems == [] and blind[0].what == "log group /b"
