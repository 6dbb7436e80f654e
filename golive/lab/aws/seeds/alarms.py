"""CloudWatch alarms of runbook 000's list, every one wired to the SNS topic silenttalk-production-alerts,
which has an (e-mail) subscription. Facts: topic_arn, alarms.
"""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {
    "alarms-broken": "one fault per alarm: no memory alarm; CPU fires at > 90 % (runbook 000: > 70 %); the 5xx alarm "
                     "needs 3 periods of 5 minutes (15 minutes; runbook: 5); the low-disk alarm fires when free "
                     "storage is GREATER than 15 GiB; the unhealthy-hosts alarm has no actions",
    "alarm-topic-no-subscription": "the alerts topic has no subscription: every alarm notifies nobody",
    "alarm-cpu-firing": "compliant, but the CPU alarm is in ALARM state now (a warning, not a failure)",
}

#: alarms-broken: alarm suffix -> changes to its spec (None: the alarm is not created)
_BROKEN: dict[str, dict | None] = {
    "high-memory": None,
    "high-cpu": {"Threshold": 90.0},
    "5xx-errors": {"EvaluationPeriods": 3},
    "low-disk": {"ComparisonOperator": "GreaterThanThreshold"},
    "unhealthy-hosts": {"AlarmActions": [], "OKActions": []},
}

GIB = 1024 ** 3


def alarm_specs(lab: Seeding) -> list[dict]:
    """Runbook 000 "Alert Configuration": name suffix, metric, statistic, comparison, threshold, period x periods."""
    ecs = [{"Name": "ClusterName", "Value": lab.facts["cluster"]},
           {"Name": "ServiceName", "Value": lab.facts["services"][0]}]
    rds = [{"Name": "DBInstanceIdentifier", "Value": lab.facts["rds_id"]}]
    alb = [{"Name": "LoadBalancer", "Value": lab.facts["alb_dimension"]}]
    tg = alb + [{"Name": "TargetGroup", "Value": lab.facts["tg_server_arn"].split(":", 5)[5]}]
    return [
        dict(suffix="high-cpu", Namespace="AWS/ECS", MetricName="CPUUtilization", Dimensions=ecs,
             Statistic="Average", ComparisonOperator="GreaterThanThreshold", Threshold=70.0, Period=300,
             EvaluationPeriods=1, what="CPU > 70 % for 5 minutes"),
        dict(suffix="high-memory", Namespace="AWS/ECS", MetricName="MemoryUtilization", Dimensions=ecs,
             Statistic="Average", ComparisonOperator="GreaterThanThreshold", Threshold=80.0, Period=300,
             EvaluationPeriods=1, what="memory > 80 % for 5 minutes"),
        dict(suffix="db-connections", Namespace="AWS/RDS", MetricName="DatabaseConnections", Dimensions=rds,
             Statistic="Average", ComparisonOperator="GreaterThanThreshold", Threshold=80.0, Period=300,
             EvaluationPeriods=1, what="database connections > 80 (% of max_connections 100)"),
        dict(suffix="low-disk", Namespace="AWS/RDS", MetricName="FreeStorageSpace", Dimensions=rds,
             Statistic="Average", ComparisonOperator="LessThanThreshold", Threshold=15.0 * GIB, Period=300,
             EvaluationPeriods=1, what="disk > 85 % used (free < 15 GiB of 100 GiB)"),
        dict(suffix="5xx-errors", Namespace="AWS/ApplicationELB", MetricName="HTTPCode_Target_5XX_Count",
             Dimensions=alb, Statistic="Sum", ComparisonOperator="GreaterThanThreshold", Threshold=10.0,
             Period=300, EvaluationPeriods=1, what="5xx > 10 in 5 minutes"),
        dict(suffix="unhealthy-hosts", Namespace="AWS/ApplicationELB", MetricName="UnHealthyHostCount",
             Dimensions=tg, Statistic="Maximum", ComparisonOperator="GreaterThanThreshold", Threshold=0.0,
             Period=60, EvaluationPeriods=2, what="health check failures"),
        dict(suffix="backup-failures", Namespace="AWS/Backup", MetricName="NumberOfBackupJobsFailed",
             Dimensions=[], Statistic="Sum", ComparisonOperator="GreaterThanThreshold", Threshold=0.0,
             Period=3600, EvaluationPeriods=1, what="backup failures"),
    ]


def seed(lab: Seeding) -> None:
    sns, cloudwatch = lab.client("sns"), lab.client("cloudwatch")
    broken = lab.broken(VARIANTS)
    topic = sns.create_topic(Name=f"{PREFIX}-alerts")["TopicArn"]
    if broken != "alarm-topic-no-subscription":
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="oncall@silenttalk.example")
    names = []
    for spec in alarm_specs(lab):
        spec = dict(spec)
        suffix, what = spec.pop("suffix"), spec.pop("what")
        spec = {"AlarmActions": [topic], "OKActions": [topic], **spec}
        if broken == "alarms-broken" and suffix in _BROKEN:
            if _BROKEN[suffix] is None:
                continue
            spec.update(_BROKEN[suffix])
        name = f"{PREFIX}-{suffix}"
        cloudwatch.put_metric_alarm(AlarmName=name, AlarmDescription=f"runbook 000: {what}", ActionsEnabled=True,
                                    TreatMissingData="notBreaching", **spec)
        names.append(name)
    if broken == "alarm-cpu-firing":
        cloudwatch.set_alarm_state(AlarmName=f"{PREFIX}-high-cpu", StateValue="ALARM",
                                   StateReason="lab: CPU above 70 % for 5 minutes")
    lab.facts.update(topic_arn=topic, alarms=names)
