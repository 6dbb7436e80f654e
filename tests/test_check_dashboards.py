"""DASHBOARDS proven both ways on the emulated clouds: the CloudWatch dashboard and the Azure portal dashboard the
lab seeds chart the runbook's metrics; a missing dashboard and one without the 5xx chart fail naming them; a
dashboard behind a blind read is unseen, not missing."""

from __future__ import annotations

# Imported before pytester's in-process runs (see tests/test_check_multi_az.py for why).
import azure.core.pipeline.transport  # noqa: F401
import pytest
import requests  # noqa: F401

import lab_providers
from gate import profile_dict, run_gate
from golive.providers.aws.dashboards import widget_metrics
from golive.providers.azure.portal import chart_metrics
from monitoring_profiles import section

ITEM = "DASHBOARDS"


def _body(cloud: str) -> dict:
    found = section(ITEM)
    return {"dashboards": [d for d in found["dashboards"] if d["cloud"] == cloud]}


def _run(pytester, lab, cloud, variant="compliant"):
    providers = getattr(lab_providers, cloud)(lab(cloud, variant))
    return run_gate(pytester, profile_dict({ITEM: _body(cloud)}, providers=providers), "dashboards")


@pytest.mark.parametrize("cloud", ["aws", "azure"])
def test_passes_on_the_compliant_clouds(pytester, lab, cloud):
    result = _run(pytester, lab, cloud)
    assert result.verdict(ITEM) == "passed", result.output[-3000:]


BROKEN = [
    ("aws", "dashboard-missing", "CloudWatch dashboard silenttalk-production does not exist"),
    ("aws", "dashboard-no-5xx", "CloudWatch dashboard silenttalk-production does not chart HTTPCode_Target_5XX_Count"),
    ("azure", "portal-dashboard-missing", "Azure portal dashboard silenttalk-production-dashboard does not exist"),
    ("azure", "portal-dashboard-no-5xx", "Azure portal dashboard silenttalk-production-dashboard does not chart Http5xx"),
]


@pytest.mark.parametrize(("cloud", "variant", "reason"), BROKEN, ids=[v for _, v, _ in BROKEN])
def test_fails_naming_the_dashboard_on_each_broken_variant(pytester, lab, cloud, variant, reason):
    result = _run(pytester, lab, cloud, variant)
    assert result.verdict(ITEM) == "non-compliant", result.output[-3000:]
    assert reason in result.messages(ITEM), result.messages(ITEM)


def test_a_dashboard_behind_a_dead_cloud_is_unseen_not_missing(pytester, lab):
    down = lab_providers.aws(lab("aws"), endpoint_url="http://127.0.0.1:9", timeout_s=2)
    result = run_gate(pytester, profile_dict({ITEM: _body("aws")}, providers=down), "dashboards")
    assert result.verdict(ITEM) == "could-not-observe" and result.ret == 6, result.output[-3000:]
    assert "does not exist" not in result.messages(ITEM)


def test_metric_names_from_widget_shorthands_and_portal_parts():
    widget = {"properties": {"metrics": [["AWS/ECS", "CPUUtilization", "ClusterName", "c", "ServiceName", "a"],
                                         ["...", "b"], [".", "MemoryUtilization", ".", ".", ".", "a"],
                                         [{"expression": "m1/m2", "label": "ratio"}]]}}
    assert widget_metrics(widget) == ["CPUUtilization", "CPUUtilization", "MemoryUtilization"]
    part = {"lenses": [{"parts": [{"metadata": {"settings": {"content": {"options": {"chart": {"metrics": [
        {"name": "Http5xx", "namespace": "microsoft.web/sites"}]}}}}}}]}]}
    assert chart_metrics(part) == ["Http5xx"]
