"""CloudWatch: the ALB's request count, target 5xx count and target response time p95 per period (`golive watch`).

Read-only: ``elasticloadbalancing:DescribeLoadBalancers`` (the ALB's metric dimension from its name) and
``monitoring:GetMetricData``. CloudWatch's reporting criteria for ALB metrics: ``RequestCount`` and
``HTTPCode_Target_5XX_Count`` are published only when nonzero, so a period with requests and no 5xx datapoint had
no target 5xx; a period with no RequestCount datapoint is unknown (no traffic reported, or not yet published),
and a p95 not returned for a period with requests is unknown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from golive.providers.records_watch import MetricInterval

PROVIDES = ("metric_intervals",)
ERRORS = "CloudWatch HTTPCode_Target_5XX_Count / RequestCount"
LATENCY = "CloudWatch TargetResponseTime p95"
_QUERIES = (("requests", "RequestCount", "Sum"), ("errors", "HTTPCode_Target_5XX_Count", "Sum"),
            ("p95", "TargetResponseTime", "p95"))


def metric_intervals(aws: Any, source: Any, start: dt.datetime, end: dt.datetime, period_s: int) -> list[MetricInterval]:
    """One record per period of [start, end) for the ALB ``source.load_balancer`` (other clouds' sources: none)."""
    if source.cloud != "aws":
        return []
    dimension = _dimension(aws, source.load_balancer)
    answer = aws.read("cloudwatch", "GetMetricData", StartTime=start, EndTime=end, ScanBy="TimestampAscending",
                      MetricDataQueries=[{"Id": qid, "ReturnData": True, "MetricStat": {
                          "Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": name,
                                     "Dimensions": [{"Name": "LoadBalancer", "Value": dimension}]},
                          "Period": period_s, "Stat": stat}} for qid, name, stat in _QUERIES])
    series: dict[str, dict[dt.datetime, float]] = {qid: {} for qid, _, _ in _QUERIES}
    for result in answer.get("MetricDataResults") or []:
        for when, value in zip(result.get("Timestamps") or [], result.get("Values") or [], strict=False):
            if value is not None:
                series.setdefault(result.get("Id"), {})[_utc(when)] = float(value)
    out = []
    at = start
    while at + dt.timedelta(seconds=period_s) <= end:
        requests = series["requests"].get(at)
        errors = series["errors"].get(at, 0.0 if requests else None)  # published only when nonzero
        p95 = series["p95"].get(at)
        unknown = tuple(name for name, value in (("RequestCount", requests), ("TargetResponseTime p95", p95))
                        if value is None)
        out.append(MetricInterval("aws", "CloudWatch", f"ALB {dimension}", at, at + dt.timedelta(seconds=period_s),
                                  requests, errors, None if p95 is None else p95 * 1000, ERRORS, LATENCY,
                                  unknown=unknown))
        at += dt.timedelta(seconds=period_s)
    return out


def _dimension(aws: Any, load_balancer: str) -> str:
    """The ALB's ``LoadBalancer`` dimension (``app/<name>/<id>``): given, or from its name's ARN."""
    if load_balancer.startswith("app/"):
        return load_balancer
    found = aws.read("elbv2", "DescribeLoadBalancers", Names=[load_balancer]).get("LoadBalancers") or []
    return found[0]["LoadBalancerArn"].split(":loadbalancer/", 1)[1]


def _utc(when: Any) -> dt.datetime:
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
    return when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)
