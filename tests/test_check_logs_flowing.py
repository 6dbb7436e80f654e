"""LOGS-FLOWING proven both ways on the emulated clouds: the services' CloudWatch log groups, the production
pods' logs and the Log Analytics workspace's ContainerLog (queried through the emulated query API) received events in the window with few errors; a stale group or namespace, an error-heavy one and a
group that does not exist fail naming the store; a blind cloud alone is could-not-observe."""

from __future__ import annotations

# Imported before pytester's in-process runs (see tests/test_check_multi_az.py for why).
import azure.core.pipeline.transport  # noqa: F401
import pytest
import requests  # noqa: F401

import lab_providers
from gate import profile_dict, run_gate
from golive.compare import logflow
from golive.profile.items.logs_flowing import LogsFlowingSection
from golive.providers.azure.logflow import query
from golive.providers.kubernetes.logflow import parse_time
from golive.providers.records_logs import LogFlow
from monitoring_profiles import section

ITEM = "LOGS-FLOWING"
ONLY = {"aws": {"namespaces": [], "workspaces": []}, "kubernetes": {"log_groups": [], "workspaces": []},
        "azure": {"log_groups": [], "namespaces": [], "workspaces": ["silenttalk-logs"]}}


def _run(pytester, lab, cloud, variant="compliant", **over):
    body = section(ITEM, **{**ONLY[cloud], **over})
    providers = getattr(lab_providers, cloud)(lab(cloud, variant))
    return run_gate(pytester, profile_dict({ITEM: body}, providers=providers), "logs_flowing")


@pytest.mark.parametrize("cloud", ["aws", "kubernetes", "azure"])
def test_passes_on_the_compliant_clouds(pytester, lab, cloud):
    result = _run(pytester, lab, cloud)
    assert result.verdict(ITEM) == "passed", result.output[-3000:]


BROKEN = [
    ("aws", "log-events-stale", ("log group /ecs/silenttalk-production-server: newest event 3.0 h ago",)),
    ("aws", "log-events-errors", ("log group /ecs/silenttalk-production-server: 15 of 60 events in the last 60 min "
                                  "are error-level (25%)",)),
    ("kubernetes", "logs-stale", ("namespace production: newest event 2.0 h ago",)),
    ("kubernetes", "logs-errors", ("namespace production:", "are error-level", "runbook 004 rolls back")),
    ("azure", "la-stale", ("Log Analytics workspace silenttalk-logs: newest event 3.0 h ago",)),
    ("azure", "la-errors", ("Log Analytics workspace silenttalk-logs: 18 of 60 events in the last 60 min are "
                            "error-level (30%)",)),
]


@pytest.mark.parametrize(("cloud", "variant", "reasons"), BROKEN, ids=[v for _, v, _ in BROKEN])
def test_fails_naming_the_store_on_each_broken_variant(pytester, lab, cloud, variant, reasons):
    result = _run(pytester, lab, cloud, variant)
    assert result.verdict(ITEM) == "non-compliant", result.output[-3000:]
    for reason in reasons:
        assert reason in result.messages(ITEM), result.messages(ITEM)


def test_a_log_group_that_does_not_exist_fails(pytester, lab):
    result = _run(pytester, lab, "aws", log_groups=["/ecs/silenttalk-production-worker"])
    assert result.verdict(ITEM) == "non-compliant", result.output[-3000:]
    assert "log group /ecs/silenttalk-production-worker does not exist" in result.messages(ITEM)


def test_an_unreachable_cloud_is_could_not_observe(pytester, lab):
    body = section(ITEM, **ONLY["aws"])
    down = lab_providers.aws(lab("aws"), endpoint_url="http://127.0.0.1:9", timeout_s=2)
    result = run_gate(pytester, profile_dict({ITEM: body}, providers=down), "logs_flowing")
    assert result.verdict(ITEM) == "could-not-observe" and result.ret == 6, result.output[-3000:]


def test_comparison_without_a_network():
    section_ = LogsFlowingSection(log_groups=["/a"], window_min=10, max_error_share=0.1)
    flows = [LogFlow("aws", "log-group", "/a", 1000.0, lines=('{"level":"error"}', "INFO ok", "ERROR boom", "x")),
             LogFlow("aws", "log-group", "/b", None, exists=False)]
    rows, problems = logflow.assess(flows, section_, now=1300.0)
    assert problems == ["log group /a: 2 of 4 events in the last 10 min are error-level (50%); the profile allows 10% "
                        "(runbook 004 rolls back at an error rate > 5 %)",
                        "log group /b does not exist; runbook 000 line 624 expects its logs flowing"]
    assert rows[0]["error-level"] == 2 and "lines" not in rows[0]
    assert parse_time("1970-01-01T00:01:40.500000000Z") == 100.5 and parse_time("garbage") is None


def test_a_workspace_that_does_not_exist_fails(pytester, lab):
    result = _run(pytester, lab, "azure", workspaces=["silenttalk-logs-missing"])
    assert result.verdict(ITEM) == "non-compliant", result.output[-3000:]
    assert "Log Analytics workspace silenttalk-logs-missing does not exist" in result.messages(ITEM)


def test_a_custom_cloud_without_a_logs_endpoint_is_could_not_observe(pytester, lab):
    providers = lab_providers.azure(lab("azure"), logs_endpoint=None)
    result = run_gate(pytester, profile_dict({ITEM: section(ITEM, **ONLY["azure"])}, providers=providers),
                      "logs_flowing")
    assert result.verdict(ITEM) == "could-not-observe" and result.ret == 6, result.output[-3000:]
    assert "logs_endpoint" in result.messages(ITEM)


def test_the_log_analytics_query_is_golives_own_bounded_summary():
    kql = query(30)
    assert kql.startswith("ContainerLog | where TimeGenerated > ago(1440m) | summarize total=countif(")
    assert "ago(30m)" in kql and kql.endswith("newest=max(TimeGenerated)") and "|" not in kql.split("summarize")[1]
    flows = [LogFlow("azure", "workspace", "ws", 1000.0, counted=(40, 4))]
    _, problems = logflow.assess(flows, LogsFlowingSection(workspaces=["ws"], window_min=30), now=1100.0)
    assert problems == ["Log Analytics workspace ws: 4 of 40 events in the last 30 min are error-level (10%); the "
                        "profile allows 5% (runbook 004 rolls back at an error rate > 5 %)"]


def test_an_unreachable_query_api_blinds_the_workspace_and_a_breach_elsewhere_still_counts(pytester, lab):
    body = section(ITEM, **{**ONLY["azure"], "log_groups": ["/ecs/silenttalk-production-server"]})
    blind_logs = lab_providers.azure(lab("azure"), logs_endpoint="https://127.0.0.1:9")
    alone = run_gate(pytester, profile_dict({ITEM: body | {"log_groups": []}}, providers=blind_logs), "logs_flowing")
    assert alone.verdict(ITEM) == "could-not-observe" and alone.ret == 6, alone.output[-3000:]
    assert "Log Analytics query of workspace silenttalk-logs" in alone.messages(ITEM)
    assert "the Log Analytics query API at https://127.0.0.1:9 could not be reached" in alone.messages(ITEM)
    both = {**blind_logs, **lab_providers.aws(lab("aws", "log-events-errors"))}
    result = run_gate(pytester, profile_dict({ITEM: body}, providers=both), "logs_flowing")
    assert result.verdict(ITEM) == "non-compliant" and result.ret == 1, result.output[-3000:]
    assert "are error-level" in result.messages(ITEM)
    assert any("silenttalk-logs" in b for b in result.summary["items"][ITEM]["blind_spots"])
