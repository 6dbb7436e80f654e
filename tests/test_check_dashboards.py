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


GRAFANA_METRICS = ["http_requests_total", "http_request_duration_seconds_bucket", "process_cpu_seconds_total",
                   "HTTPCode_Target_5XX_Count"]


def _grafana_run(pytester, lab, lab_rt, variant="compliant", name=None, token_env="GOLIVE_LAB_GRAFANA_TOKEN"):
    """The compliant CloudWatch dashboard beside runbook 003's Grafana dashboard on a lab Grafana variant."""
    site = lab("grafana", variant)
    grafana = {"url": site.endpoints["https"], "token": {"env": token_env, "file": site.endpoints["token_file"]},
               "timeout_s": 2.0, "dashboards": [{**(name or {"title": "Social Platform Production"}),
                                                 "metrics": GRAFANA_METRICS}]}
    body = {**_body("aws"), "grafana": grafana}
    profile = profile_dict({ITEM: body}, providers=lab_providers.aws(lab("aws")),
                           trust={"ca_bundle": str(lab_rt.ca_file)})
    return run_gate(pytester, profile, "dashboards")


@pytest.mark.parametrize("name", [None, {"uid": "social-platform-prod"}], ids=["by-title", "by-uid"])
def test_passes_when_grafana_charts_the_metrics(pytester, lab, lab_rt, name):
    result = _grafana_run(pytester, lab, lab_rt, name=name)
    assert result.verdict(ITEM) == "passed", result.output[-3000:]


@pytest.mark.parametrize(("variant", "name", "reason"), [
    ("dashboard-missing", None, "Grafana dashboard 'Social Platform Production' does not exist"),
    ("dashboard-missing", {"uid": "social-platform-prod"},
     "Grafana dashboard uid social-platform-prod does not exist"),
    ("panel-metric-missing", None, "Grafana dashboard 'Social Platform Production': no panel query charts "
                                   "http_request_duration_seconds_bucket"),
])
def test_fails_naming_the_grafana_dashboard(pytester, lab, lab_rt, variant, name, reason):
    result = _grafana_run(pytester, lab, lab_rt, variant, name)
    assert result.verdict(ITEM) == "non-compliant" and result.ret == 1, result.output[-3000:]
    assert reason in result.messages(ITEM), result.messages(ITEM)


def test_a_refused_grafana_token_is_blind_not_a_pass(pytester, lab, lab_rt, monkeypatch):
    monkeypatch.setenv("GOLIVE_LAB_GRAFANA_WRONG", "glsa_not-the-lab-token")
    result = _grafana_run(pytester, lab, lab_rt, token_env="GOLIVE_LAB_GRAFANA_WRONG")
    assert result.verdict(ITEM) == "could-not-observe" and result.ret == 6, result.output[-3000:]
    assert "Grafana API search" in result.messages(ITEM) and "answered HTTP 401" in result.messages(ITEM)
    assert "glsa_not-the-lab-token" not in result.output


def test_grafana_queries_cover_metrics_without_a_network():
    from golive.compare.dashboards import grafana_charts
    from golive.probes.grafana import queries
    model = {"panels": [{"type": "row", "panels": [{"targets": [{"expr": "rate(http_requests_total[5m])"}]}]}],
             "rows": [{"panels": [{"targets": [{"namespace": "AWS/ECS", "metricName": "CPUUtilization"}]}]}]}
    targets = queries(model)
    assert grafana_charts(targets, "http_requests_total") and grafana_charts(targets, "CPUUtilization")
    assert not grafana_charts(targets, "http_requests") and not grafana_charts(targets, "MemoryUtilization")
