"""LOGS-FLOWING proven both ways on the emulated clouds: the services' CloudWatch log groups and the production
pods' logs received events in the window with few errors; a stale group or namespace, an error-heavy one and a
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
from golive.providers.kubernetes.logflow import parse_time
from golive.providers.records_logs import LogFlow
from monitoring_profiles import section

ITEM = "LOGS-FLOWING"
ONLY = {"aws": {"namespaces": []}, "kubernetes": {"log_groups": []}}


def _run(pytester, lab, cloud, variant="compliant", **over):
    body = section(ITEM, **{**ONLY[cloud], **over})
    providers = getattr(lab_providers, cloud)(lab(cloud, variant))
    return run_gate(pytester, profile_dict({ITEM: body}, providers=providers), "logs_flowing")


@pytest.mark.parametrize("cloud", ["aws", "kubernetes"])
def test_passes_on_the_compliant_clouds(pytester, lab, cloud):
    result = _run(pytester, lab, cloud)
    assert result.verdict(ITEM) == "passed", result.output[-3000:]


BROKEN = [
    ("aws", "log-events-stale", ("log group /ecs/silenttalk-production-server: newest event 3.0 h ago",)),
    ("aws", "log-events-errors", ("log group /ecs/silenttalk-production-server: 15 of 60 events in the last 60 min "
                                  "are error-level (25%)",)),
    ("kubernetes", "logs-stale", ("namespace production: newest event 2.0 h ago",)),
    ("kubernetes", "logs-errors", ("namespace production:", "are error-level", "runbook 004 rolls back")),
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
