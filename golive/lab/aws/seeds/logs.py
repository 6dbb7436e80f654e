"""CloudWatch Logs: the services' log groups, and every other group of the account (e.g. the rotation Lambda's),
each kept 30 days (runbook 000); the services' groups hold a stream of recent events (LOGS-FLOWING). Facts:
log_groups."""

from __future__ import annotations

import json
import time
from typing import Any

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {
    "log-groups-retention-broken": "log group /ecs/silenttalk-production-server keeps logs 7 days and "
                                   "/ecs/silenttalk-production-client has no retention (never expires)",
    "log-events-stale": "log group /ecs/silenttalk-production-server received its last event 3 h ago (runbook 000 "
                        "line 624: logs flowing)",
    "log-events-errors": "log group /ecs/silenttalk-production-server: every 4th event of the last 30 min is "
                         "error-level (25 %; runbook 004 rolls back at an error rate > 5 %)",
}
EVENTS, EVERY_S = 60, 30  # the services' log streams: an event every 30 s over the last 30 min at seeding time

RETENTION_DAYS = 30


def seed(lab: Seeding) -> None:
    logs = lab.client("logs")
    groups = [f"/ecs/{service}" for service in lab.facts["services"]] + [
        f"/aws/rds/instance/{lab.facts['rds_id']}/postgresql", f"/aws/elasticache/{PREFIX}-redis",
        f"/aws/wafv2/{PREFIX}-waf"]
    for group in groups:
        logs.create_log_group(logGroupName=group)
    broken = lab.broken(VARIANTS)
    for page in logs.get_paginator("describe_log_groups").paginate():
        for group in page["logGroups"]:
            name = group["logGroupName"]
            if broken and name == f"/ecs/{PREFIX}-client":
                continue
            days = 7 if broken and name == f"/ecs/{PREFIX}-server" else RETENTION_DAYS
            logs.put_retention_policy(logGroupName=name, retentionInDays=days)
            if name not in groups:
                groups.append(name)
    for service in lab.facts["services"]:
        _events(logs, f"/ecs/{service}", service.rsplit("-", 1)[-1],
                broken if service.endswith("-server") and broken != "log-groups-retention-broken" else None)
    lab.facts.update(log_groups=groups)


def _events(logs: Any, group: str, container: str, broken: str | None) -> None:
    """One task's stream as the awslogs driver names it (prefix/container/task id), one JSON event per line."""
    stream = f"{container}/{container}/0f6b1c2d3e4f4a5b8c9d0e1f2a3b4c5d"
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    newest = time.time() - (3 * 3600 if broken == "log-events-stale" else 5)
    every = 4 if broken == "log-events-errors" else 50
    events = []
    for i in range(EVENTS):
        at = newest - EVERY_S * (EVENTS - 1 - i)
        level, msg = ("error", "upstream timeout after 2000 ms") if (i + 1) % every == 0 else ("info", "GET /health 200")
        events.append({"timestamp": int(at * 1000), "message": json.dumps({"level": level, "msg": msg})})
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
