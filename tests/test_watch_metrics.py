"""`golive watch` reads the clouds' error and latency metrics for its window (issue 16 bullet 6): CloudWatch's ALB
RequestCount / HTTPCode_Target_5XX_Count / TargetResponseTime p95 and Azure Monitor's App Service Requests /
Http5xx, per period, judged with the live sample's triggers. Proven on the lab's clouds: HOLDING on compliant
metrics, ROLL BACK naming the metric on the broken variants, a denied metric read a named blind spot beside the
live sample (never HOLDING on nothing).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import azure.mgmt.monitor  # noqa: F401  (imported before the watch runs in-process, as the gate self-tests do)
import yaml

from gate import ROOT, profile_dict
from golive import cli
from golive.audit import AuditLog
from golive.lab.components.aws import profile_block
from golive.lab.components.azure import profile_block as azure_block
from golive.least_privilege import azure_role, iam_policy, shipped_drift
from golive.profile.watch import WatchTriggers
from golive.providers.records_watch import MetricInterval
from golive.watch import COULD_NOT_OBSERVE, HOLDING, ROLL_BACK, Figures, conclude, metric_triggers

T0 = dt.datetime(2026, 1, 1, 10, 0, tzinfo=dt.UTC)
CW = "CloudWatch HTTPCode_Target_5XX_Count / RequestCount"


def _period(requests=100.0, errors=1.0, p95=120.0, unknown=()) -> MetricInterval:
    return MetricInterval("aws", "CloudWatch", "ALB app/alb/1", T0, T0 + dt.timedelta(minutes=1), requests, errors,
                          p95, CW, "CloudWatch TargetResponseTime p95", unknown=unknown)


def test_metric_periods_are_judged_with_the_runbooks_triggers_and_unknown_is_blind():
    t = WatchTriggers()
    assert metric_triggers(_period(), t) == ([], [])
    hits, _ = metric_triggers(_period(errors=20), t)
    assert [h.trigger for h in hits] == [f"error rate > 5 % ({CW})"] and hits[0].source == "cloud metric (CloudWatch)"
    assert [h.trigger for h in metric_triggers(_period(p95=640), t)[0]] == [
        "API p95 > 500 ms (CloudWatch TargetResponseTime p95)"]
    hits, unknown = metric_triggers(_period(p95=None, unknown=("TargetResponseTime p95",)), t)
    assert not hits and unknown == ["CloudWatch ALB app/alb/1 10:00-10:01 UTC: TargetResponseTime p95 not returned"]
    live = [Figures(1, 0.0, 1.0, "api", "https://x/api", 20, 0, 0.0, 20.0, 20)]
    assert conclude(live, [], None, 1, metric_periods=3).verdict == HOLDING
    blind = conclude(live, [], None, 1, metric_blind=unknown)
    assert blind.verdict == COULD_NOT_OBSERVE and "(beside: no rollback trigger in 1 intervals" in blind.why
    hit = metric_triggers(_period(errors=20), t)[0]
    back = conclude(live, hit, None, 1, _period(errors=20), unknown)
    assert back.verdict == ROLL_BACK and "from the cloud metric" in back.why and "not returned" in back.why


def _profile(tmp_path: Path, url: str, ca: Path, providers: dict, source: dict) -> Path:
    section = {"endpoints": [{"name": "users-me", "url": url}], "window_s": 2, "intervals": 2, "rate_per_s": 20,
               "max_requests": 200, "timeout_s": 2, "metrics": [source], "metric_lookback_s": 1800,
               "metric_delay_s": 0}
    path = tmp_path / "watch-profile.yaml"
    path.write_text(yaml.safe_dump(profile_dict({}, runbooks=["001", "003", "004"], trust={"ca_bundle": str(ca)},
                                                providers=providers, watch=section)), encoding="utf-8")
    return path


def _watch(capsys, profile: Path, reports: Path) -> tuple[int, str, dict]:
    status = cli.main(["watch", "--profile", str(profile), "--reports", str(reports)])
    out = capsys.readouterr()
    return status, out.out + out.err, json.loads((reports / "watch.json").read_text())


ALB = {"cloud": "aws", "load_balancer": "silenttalk-production-alb"}
API = {"cloud": "azure", "app_service": "silenttalk-production-api"}


def _aws(started, **over) -> dict:
    return {"aws": {**profile_block(started), "max_attempts": 1, "timeout_s": 5, **over}}


def test_compliant_cloudwatch_metrics_hold(lab, lab_rt, tmp_path, capsys):
    site, cloud = lab("latency", "compliant"), lab("aws", "compliant")
    status, out, doc = _watch(capsys, _profile(tmp_path, site.endpoints["api"], lab_rt.ca_file, _aws(cloud), ALB),
                              tmp_path / "r")
    assert status == 0, out
    assert "HOLDING: no rollback trigger in 2 intervals" in out
    assert re.search(r"and in 3[01] cloud metric period\(s\)", out)  # 30 min of lookback (31 across a minute)
    first = doc["metric_series"][0]
    assert first["service"] == "CloudWatch" and first["requests"] == 100 and first["errors"] == 1
    assert first["p95_ms"] == 120.0 and not doc["blind_spots"]
    calls = AuditLog(tmp_path / "r" / "watch-audit.jsonl").calls()
    assert {c.action for c in calls} == {"monitoring:GetMetricData", "elasticloadbalancing:DescribeLoadBalancers"}
    policy = iam_policy(calls)["Statement"][0]["Action"]  # least privilege maps every call the watch made
    assert policy == ["cloudwatch:GetMetricData", "elasticloadbalancing:DescribeLoadBalancers"]
    assert not shipped_drift(calls, ROOT, "watch")  # iam/golive-watch-aws.json grants exactly these


def test_5xx_jumping_midway_in_cloudwatch_rolls_back_naming_the_metric(lab, lab_rt, tmp_path, capsys):
    site, cloud = lab("latency", "compliant"), lab("aws", "metrics-5xx-midway")
    status, out, doc = _watch(capsys, _profile(tmp_path, site.endpoints["api"], lab_rt.ca_file, _aws(cloud), ALB),
                              tmp_path / "r")
    assert status == 8, out
    assert f"ROLL BACK: error rate > 5 % ({CW}) from the cloud metric: error rate 20.0 % (20 of 100)" in out
    assert doc["metric_series"][0]["errors"] == 1  # the 5xx came midway, not from the start
    assert doc["triggers_broken"][0]["source"] == "cloud metric (CloudWatch)"
    assert doc["series"] and doc["series"][0]["error_rate"] == 0.0  # the live sample was fine meanwhile


def test_a_denied_metric_read_is_a_blind_spot_beside_the_live_sample(lab, lab_rt, tmp_path, capsys):
    from golive.lab.aws.restricted import restricted_reader
    site, cloud = lab("latency", "compliant"), lab("aws", "compliant")
    denied = _aws(cloud, **restricted_reader(cloud, ["monitoring:GetMetricData"]))
    status, out, doc = _watch(capsys, _profile(tmp_path, site.endpoints["api"], lab_rt.ca_file, denied, ALB),
                              tmp_path / "r")
    assert status == 6, out
    assert "COULD NOT OBSERVE: the clouds' metrics could not be judged: aws silenttalk-production-alb" in out
    assert "GetMetricData" in out and "access denied" in out and "(beside: no rollback trigger in 2 intervals" in out
    assert doc["blind_spots"] and not doc["metric_series"]


def test_azure_monitor_metrics_hold_and_roll_back_on_http5xx(lab, lab_rt, tmp_path, capsys):
    site = lab("latency", "compliant")
    for variant, status_wanted in (("compliant", 0), ("metrics-http5xx-high", 8)):
        cloud = lab("azure", variant)
        providers = {"azure": {**azure_block(cloud), "max_retries": 0, "timeout_s": 5}}
        reports = tmp_path / variant
        status, out, doc = _watch(capsys, _profile(tmp_path, site.endpoints["api"], lab_rt.ca_file, providers, API),
                                  reports)
        assert status == status_wanted, out
        first = doc["metric_series"][0]
        assert first["service"] == "Azure Monitor" and first["p95_ms"] is None and first["mean_ms"] == 80.0
        assert any("average only" in n for n in doc["not_read"])
        calls = AuditLog(reports / "watch-audit.jsonl").calls()
        assert azure_role(calls)["Actions"] == ["Microsoft.Insights/metrics/read"]
        assert not shipped_drift(calls, ROOT, "watch")  # iam/golive-watch-azure-role.json grants exactly this
    assert "ROLL BACK: error rate > 5 % (Azure Monitor Http5xx / Requests) from the cloud metric: error rate 20.0 %" \
        in out
