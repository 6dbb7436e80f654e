"""CloudWatch alarms of runbook 000's list, every one wired to the SNS topic silenttalk-production-alerts,
which has an (e-mail) subscription. Facts: topic_arn, alarms.
"""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {
    "alarm-missing-memory": "no memory alarm (silenttalk-production-high-memory is not created)",
    "alarm-cpu-threshold-90": "the CPU alarm fires at > 90 % (runbook 000: > 70 %)",
    "alarm-cpu-period-15m": "the CPU alarm needs 3 periods of 5 minutes (15 minutes; runbook 000: 5 minutes)",
    "alarm-disk-wrong-comparison": "the low-disk alarm fires when free storage is GREATER than 15 GiB",
    "alarm-5xx-no-actions": "the 5xx alarm has no alarm actions",
    "alarm-topic-no-subscription": "the alerts topic has no subscription: every alarm notifies nobody",
    "alarm-cpu-firing": "compliant, but the CPU alarm is in ALARM state now (a warning, not a failure)",
}

#: variant -> (alarm suffix, changes to its spec)
_CHANGED = {
    "alarm-cpu-threshold-90": ("high-cpu", {"Threshold": 90.0}),
    "alarm-cpu-period-15m": ("high-cpu", {"EvaluationPeriods": 3}),
    "alarm-disk-wrong-comparison": ("low-disk", {"ComparisonOperator": "GreaterThanThreshold"}),
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
        if broken == "alarm-missing-memory" and suffix == "high-memory":
            continue
        if broken in _CHANGED and _CHANGED[broken][0] == suffix:
            spec.update(_CHANGED[broken][1])
        actions = [] if broken == "alarm-5xx-no-actions" and suffix == "5xx-errors" else [topic]
        name = f"{PREFIX}-{suffix}"
        cloudwatch.put_metric_alarm(AlarmName=name, AlarmDescription=f"runbook 000: {what}", ActionsEnabled=True,
                                    AlarmActions=actions, OKActions=actions, TreatMissingData="notBreaching",
                                    **spec)
        names.append(name)
    if broken == "alarm-cpu-firing":
        cloudwatch.set_alarm_state(AlarmName=f"{PREFIX}-high-cpu", StateValue="ALARM",
                                   StateReason="lab: CPU above 70 % for 5 minutes")
    lab.facts.update(topic_arn=topic, alarms=names)
