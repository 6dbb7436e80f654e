"""CloudWatch Logs: the services' log groups, and every other group of the account (e.g. the rotation Lambda's),
each kept 30 days (runbook 000). Facts: log_groups."""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {}

RETENTION_DAYS = 30


def seed(lab: Seeding) -> None:
    logs = lab.client("logs")
    groups = [f"/ecs/{service}" for service in lab.facts["services"]] + [
        f"/aws/rds/instance/{lab.facts['rds_id']}/postgresql", f"/aws/elasticache/{PREFIX}-redis",
        f"/aws/wafv2/{PREFIX}-waf"]
    for group in groups:
        logs.create_log_group(logGroupName=group)
    for page in logs.get_paginator("describe_log_groups").paginate():
        for group in page["logGroups"]:
            logs.put_retention_policy(logGroupName=group["logGroupName"], retentionInDays=RETENTION_DAYS)
            if group["logGroupName"] not in groups:
                groups.append(group["logGroupName"])
    lab.facts.update(log_groups=groups)
