"""CloudWatch Logs: the services' log groups, and every other group of the account (e.g. the rotation Lambda's),
each kept 30 days (runbook 000). Facts: log_groups."""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {
    "log-groups-retention-broken": "log group /ecs/silenttalk-production-server keeps logs 7 days and "
                                   "/ecs/silenttalk-production-client has no retention (never expires)",
}

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
    lab.facts.update(log_groups=groups)
