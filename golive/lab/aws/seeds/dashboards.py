"""CloudWatch dashboard silenttalk-production (runbook 000 line 606 "Verify dashboards created"): ECS CPU and
memory, RDS connections, the ALB's target 5xx and response time, as the console's dashboard editor writes the
body (``"..."``/``"."`` shorthands included). Facts: dashboard."""

from __future__ import annotations

import json

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {
    "dashboard-missing": "no CloudWatch dashboard silenttalk-production (runbook 000 line 606: dashboards created)",
    "dashboard-no-5xx": "dashboard silenttalk-production has no widget charting HTTPCode_Target_5XX_Count",
}

NAME = PREFIX


def body(lab: Seeding, with_5xx: bool = True) -> dict:
    cluster, region = f"{PREFIX}-cluster", lab.region
    alb = lab.facts.get("alb_arn", "").split("loadbalancer/", 1)[-1] or f"app/{PREFIX}-alb/0"

    def widget(title: str, metrics: list, y: int) -> dict:
        return {"type": "metric", "x": 0, "y": y, "width": 12, "height": 6,
                "properties": {"title": title, "region": region, "view": "timeSeries", "stacked": False,
                               "period": 300, "stat": "Average", "metrics": metrics}}

    widgets = [
        widget("ECS CPU and memory", [["AWS/ECS", "CPUUtilization", "ClusterName", cluster, "ServiceName",
                                       f"{PREFIX}-server"], ["...", f"{PREFIX}-client"],
                                      [".", "MemoryUtilization", ".", ".", ".", f"{PREFIX}-server"]], 0),
        widget("RDS connections", [["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier",
                                    lab.facts.get("rds_id", f"{PREFIX}-db")]], 6),
        widget("ALB response time", [["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", alb,
                                      {"stat": "p95"}]], 12),
    ]
    if with_5xx:
        widgets.append(widget("ALB target 5xx", [["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer",
                                                  alb, {"stat": "Sum"}]], 18))
    return {"widgets": widgets}


def seed(lab: Seeding) -> None:
    broken = lab.broken(VARIANTS)
    if broken != "dashboard-missing":
        lab.client("cloudwatch").put_dashboard(DashboardName=NAME, DashboardBody=json.dumps(
            body(lab, with_5xx=broken != "dashboard-no-5xx")))
    lab.facts.update(dashboard=NAME)
