"""Azure Monitor metrics of an App Service for `golive watch`: Requests, Http5xx (totals) and HttpResponseTime
per period, read with azure-mgmt-monitor ``metrics.list`` (``Microsoft.Insights/metrics/read``).

Azure Monitor offers HttpResponseTime as an average, never a percentile: the records carry it as ``mean_ms`` and
``p95_ms`` stays None with ``latency_metric`` None (not offered, so the p95 triggers come from the live sample).
A period without a value is unknown (``unknown`` names it), never zero.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from golive.providers.azure.core import records
from golive.providers.records_watch import MetricInterval

ERRORS = "Azure Monitor Http5xx / Requests"
_METRICS = {"Requests": "total", "Http5xx": "total", "HttpResponseTime": "average"}


@records("metric_intervals")
def app_service_metrics(az: Any, source: Any, start: dt.datetime, end: dt.datetime,
                        period_s: int) -> list[MetricInterval]:
    """One record per period of [start, end) for the App Service ``source.app_service`` (other clouds': none)."""
    if source.cloud != "azure":
        return []
    group = source.resource_group or az.resource_group
    uri = (f"subscriptions/{az.subscription_id}/resourceGroups/{group}/providers/Microsoft.Web/sites/"
           f"{source.app_service}")
    span = f"{_iso(start)}/{_iso(end)}"
    grain = f"PT{period_s // 60}M" if period_s % 3600 else f"PT{period_s // 3600}H"
    answer = az.read("monitor", f"metrics of App Service {source.app_service} over {span} per {grain}",
                     lambda c: c.metrics.list(uri, timespan=span, interval=grain, metricnames=",".join(_METRICS),
                                              aggregation="Total,Average"))
    series: dict[str, dict[dt.datetime, float]] = {name: {} for name in _METRICS}
    for metric in answer.get("value") or []:
        name = (metric.get("name") or {}).get("value")
        if name not in _METRICS:
            continue
        for ts in metric.get("timeseries") or []:
            for point in ts.get("data") or []:
                value = point.get(_METRICS[name])
                if value is not None and point.get("timeStamp"):
                    when = dt.datetime.fromisoformat(str(point["timeStamp"]).replace("Z", "+00:00"))
                    series[name][when.astimezone(dt.UTC)] = float(value)
    out, at, step = [], start, dt.timedelta(seconds=period_s)
    while at + step <= end:
        requests, errors = series["Requests"].get(at), series["Http5xx"].get(at)
        mean = series["HttpResponseTime"].get(at)
        unknown = tuple(n for n, v in (("Requests", requests), ("Http5xx", errors)) if v is None)
        out.append(MetricInterval("azure", "Azure Monitor", f"App Service {source.app_service}", at, at + step,
                                  requests, errors, None, ERRORS, None,
                                  mean_ms=None if mean is None else mean * 1000, unknown=unknown))
        at += step
    return out


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
