"""CloudWatch metrics of the ALB for `golive watch`: one datapoint set a minute from an hour before seeding to an
hour after (the watch reads the minutes around "now"): RequestCount 100, HTTPCode_Target_5XX_Count 1 (1 %),
TargetResponseTime values whose p95 is 120 ms. Broken: ``metrics-5xx-midway`` (from 10 minutes before the seeding
minute on, 20 of 100 requests are target 5xx: 20 %, over the runbooks' 5 %; a watch looking back 30 minutes sees
compliant minutes, then the jump)."""

from __future__ import annotations

import datetime as dt

from golive.lab.aws.seeds import Seeding

VARIANTS: dict[str, str] = {
    "metrics-5xx-midway": "ALB HTTPCode_Target_5XX_Count jumps to 20 of 100 requests a minute (20 %) midway, from "
                          "10 minutes before seeding on (CloudWatch)",
}

MINUTES = 60  # on each side of the seeding minute
JUMP = -10  # the broken variant's first minute with 20 % target 5xx, relative to the seeding minute
REQUESTS, ERRORS, ERRORS_BROKEN = 100.0, 1.0, 20.0
#: TargetResponseTime seconds and how often: p95 (nearest rank of 20) is 0.12 s
LATENCIES, COUNTS = [0.02, 0.05, 0.12, 0.25], [12.0, 6.0, 1.0, 1.0]


def seed(lab: Seeding) -> None:
    cloudwatch = lab.client("cloudwatch")
    dimensions = [{"Name": "LoadBalancer", "Value": lab.facts["alb_dimension"]}]
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    broken = lab.broken(VARIANTS)
    data = []
    for minute in range(-MINUTES, MINUTES + 1):
        at = now + dt.timedelta(minutes=minute)
        errors = ERRORS_BROKEN if broken and minute >= JUMP else ERRORS
        data += [{"MetricName": "RequestCount", "Dimensions": dimensions, "Timestamp": at, "Value": REQUESTS,
                  "Unit": "Count"},
                 {"MetricName": "HTTPCode_Target_5XX_Count", "Dimensions": dimensions, "Timestamp": at,
                  "Value": errors, "Unit": "Count"},
                 {"MetricName": "TargetResponseTime", "Dimensions": dimensions, "Timestamp": at,
                  "Values": LATENCIES, "Counts": COUNTS, "Unit": "Seconds"}]
    for start in range(0, len(data), 900):
        cloudwatch.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=data[start:start + 900])
    lab.facts.update(metrics_seeded_at=now.isoformat())
