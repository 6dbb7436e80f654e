"""`golive watch` records: the clouds' own error and latency figures for the watch's window, one per period.

Providers return these (``providers.gather("metric_intervals", source, start, end, period_s)``); golive.watch
compares them with the runbooks' rollback triggers beside the live sample.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class MetricInterval:
    """One resource over one metric period as the cloud's monitoring service reports it.

    cloud: aws | azure; service: "CloudWatch" / "Azure Monitor"
    resource: what was read ("ALB app/silenttalk-production-alb/50dc6c495c0c9188", "App Service silenttalk-api")
    start / end: the period (UTC)
    requests / errors: counts in the period; None when the cloud returned no datapoint (unknown, not zero)
    p95_ms: the period's p95 latency; None when not returned (unknown) or not offered (see ``unknown``)
    mean_ms: the period's average latency where the cloud offers only that (Azure App Service), else None
    errors_metric / latency_metric: the metrics behind the figures, as trigger messages name them
    unknown: the figures asked for and not returned for this period (each a blind spot)
    """

    cloud: str
    service: str
    resource: str
    start: dt.datetime
    end: dt.datetime
    requests: float | None
    errors: float | None
    p95_ms: float | None
    errors_metric: str
    latency_metric: str | None
    mean_ms: float | None = None
    unknown: tuple[str, ...] = ()
