"""CloudWatch metric and composite alarms, and the SNS topics they notify (ALARMS)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from golive.providers.records_monitoring import COMPARISONS, AlarmAction, AlarmRule
from golive.verdict import Records, each

PROVIDES = ("alarm_rules", "alarm_actions")

#: dimension values that carry a resource name inside a longer ID ("app/<name>/<id>", "targetgroup/<name>/<id>")
_NAMED_ID = re.compile(r"^(?:app|net|gwy|targetgroup)/([^/]+)/[0-9a-f]+$")
_CHILD = re.compile(r"\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*\"?([^\")]+?)\"?\s*\)")
_SOURCE = "cloudwatch:DescribeAlarms"


def _resources(dimensions: dict[str, str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in dimensions.values():
        out.append(value)
        named = _NAMED_ID.match(value)
        if named:
            out.append(named.group(1))
    return tuple(out)


def _metric_alarm(alarm: dict[str, Any]) -> AlarmRule:
    stats = [m["MetricStat"] for m in alarm.get("Metrics") or [] if "MetricStat" in m]
    if stats:  # metric math: the metrics it reads, the period of its data
        metrics = tuple(s["Metric"]["MetricName"] for s in stats)
        namespace = stats[0]["Metric"].get("Namespace")
        dimensions = {d["Name"]: d["Value"] for s in stats for d in s["Metric"].get("Dimensions") or []}
        statistic = stats[0].get("Stat") if len({s.get("Stat") for s in stats}) == 1 else None
        period = stats[0].get("Period")
    else:
        metrics = (alarm["MetricName"],) if alarm.get("MetricName") else ()
        namespace = alarm.get("Namespace")
        dimensions = {d["Name"]: d["Value"] for d in alarm.get("Dimensions") or []}
        statistic = alarm.get("Statistic") or alarm.get("ExtendedStatistic")
        period = alarm.get("Period")
    periods = alarm.get("EvaluationPeriods")
    band = alarm.get("ThresholdMetricId")  # anomaly detection: no static Threshold by design
    enabled = alarm.get("ActionsEnabled")
    return AlarmRule(
        cloud="aws", kind="metric-alarm", name=alarm["AlarmName"], metrics=metrics, namespace=namespace,
        resources=_resources(dimensions), dimensions=dimensions, statistic=statistic,
        comparison=COMPARISONS.get(alarm.get("ComparisonOperator", "")), threshold=alarm.get("Threshold"),
        period_s=period, window_s=period * periods if period and periods else None,
        window_field=f"Period {period} s x EvaluationPeriods {periods}"
                     + (f", DatapointsToAlarm {alarm['DatapointsToAlarm']}" if alarm.get("DatapointsToAlarm") else ""),
        missing_data=alarm.get("TreatMissingData", "missing"),  # AWS documents "missing" as the default
        enabled=None if enabled is None else bool(enabled),
        actions=tuple(alarm.get("AlarmActions") or ()), state=alarm.get("StateValue"),
        expression=f"anomaly detection band ThresholdMetricId {band}" if band else "",
        source=f"{_SOURCE} MetricAlarms")


def _composite_alarm(alarm: dict[str, Any]) -> AlarmRule:
    rule = alarm.get("AlarmRule", "")
    enabled = alarm.get("ActionsEnabled")
    return AlarmRule(cloud="aws", kind="composite-alarm", name=alarm["AlarmName"],
                     enabled=None if enabled is None else bool(enabled),
                     actions=tuple(alarm.get("AlarmActions") or ()),
                     children=tuple(name.rsplit(":alarm:", 1)[-1] for name in _CHILD.findall(rule)),
                     state=alarm.get("StateValue"), expression=rule, source=f"{_SOURCE} CompositeAlarms")


def _described(aws: Any) -> dict[str, Any]:
    return aws.read("cloudwatch", "DescribeAlarms", AlarmTypes=["MetricAlarm", "CompositeAlarm"])


def alarm_rules(aws: Any) -> list[AlarmRule]:
    found = _described(aws)
    return ([_metric_alarm(a) for a in found.get("MetricAlarms") or []]
            + [_composite_alarm(a) for a in found.get("CompositeAlarms") or []])


def _region_of(arn: str) -> str:
    return arn.split(":")[3]


def _account_of(arn: str) -> str:
    return arn.split(":")[4]


def alarm_actions(aws: Any) -> Records:
    """Every target the account's alarms name: SNS topics with their confirmed subscriptions, other actions as such.
    Each target is read on its own: one whose reads fail is a blind spot, the others still count."""
    found = _described(aws)
    targets = sorted({t for kind in ("MetricAlarms", "CompositeAlarms") for a in found.get(kind) or []
                      for t in a.get("AlarmActions") or ()})
    account = next((_account_of(a["AlarmArn"]) for kind in ("MetricAlarms", "CompositeAlarms")
                    for a in found.get(kind) or [] if a.get("AlarmArn")), None)
    return each(targets, lambda target: [_alarm_action(aws, target, account)])


def _alarm_action(aws: Any, target: str, account: str | None) -> AlarmAction:
    if not target.startswith("arn:aws:sns:"):
        kind = ("autoscaling" if ":autoscaling:" in target else "lambda" if ":lambda:" in target
                else "ec2" if ":automate:" in target else "other")
        return AlarmAction(kind=kind, target=target, exists=True, notifies=False, source="AlarmActions")
    if account is not None and _account_of(target) != account:
        return AlarmAction(kind="sns-topic", target=target, exists=None,
                           detail=f"topic in account {_account_of(target)}: its subscriptions cannot be read from "
                                  f"account {account}; read them there", source="AlarmActions")
    region = _region_of(target)
    topics = {t["TopicArn"] for t in aws.read("sns", "ListTopics", region=region).get("Topics") or []}
    if target not in topics:
        return AlarmAction(kind="sns-topic", target=target, exists=False, source="sns:ListTopics")
    subs = [s for s in aws.read("sns", "ListSubscriptions", region=region).get("Subscriptions") or []
            if s.get("TopicArn") == target]
    confirmed = [s for s in subs if s.get("SubscriptionArn", "").startswith("arn:")]
    by_protocol = Counter(s.get("Protocol", "?") for s in confirmed)
    return AlarmAction(kind="sns-topic", target=target, exists=True, receivers=len(confirmed),
                       pending=len(subs) - len(confirmed),
                       detail=", ".join(f"{p} x{n}" for p, n in sorted(by_protocol.items())),
                       source="sns:ListTopics, sns:ListSubscriptions")
