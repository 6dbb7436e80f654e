"""CloudWatch Logs retention (LOG-RETENTION)."""

from __future__ import annotations

from typing import Any

from golive.providers.records_monitoring import LogRetention

PROVIDES = ("log_retentions",)


def log_retentions(aws: Any) -> list[LogRetention]:
    """Each log group's retentionInDays; AWS documents an absent one as "never expire" (kept forever)."""
    return [LogRetention(cloud="aws", kind="log-group", name=g["logGroupName"], retention_days=g.get("retentionInDays"),
                         never_expires=g.get("retentionInDays") is None,
                         source="logs:DescribeLogGroups retentionInDays (absent: never expire)")
            for g in aws.read("logs", "DescribeLogGroups").get("logGroups") or []]
