"""AUTOSCALING on AWS: ECS services scaled by Application Auto Scaling, and their live counts.

- ``scaling_policies``: application-autoscaling DescribeScalableTargets + DescribeScalingPolicies (namespace
  ecs, dimension ecs:service:DesiredCount). One record per scalable target ("service/<cluster>/<service>"):
  Min/MaxCapacity, and the target tracking policy on ECSServiceAverageCPUUtilization (TargetValue) when there
  is one, else the first policy's metric (so "scales on memory" is named). Cooldowns, DisableScaleIn,
  SuspendedState and the other policies go into ``behavior``.
- ``scaling_status(resource)``: ecs DescribeServices desiredCount/runningCount, and the service's average
  CPUUtilization over the last 5 minutes from CloudWatch (None when there is no datapoint yet). These reads
  are made afresh on every call: the live watch polls them.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from golive.providers.records_scaling import ScalingPolicy, ScalingStatus

PROVIDES = ("scaling_policies", "scaling_status")

DIMENSION = "ecs:service:DesiredCount"
CPU = "ECSServiceAverageCPUUtilization"
SOURCE = ("application-autoscaling:DescribeScalableTargets Min/MaxCapacity, DescribeScalingPolicies "
          "TargetTrackingScalingPolicyConfiguration")


def scaling_policies(aws: Any) -> list[ScalingPolicy]:
    targets = aws.read("application-autoscaling", "DescribeScalableTargets",
                       ServiceNamespace="ecs").get("ScalableTargets", [])
    policies = aws.read("application-autoscaling", "DescribeScalingPolicies",
                        ServiceNamespace="ecs").get("ScalingPolicies", [])
    out = []
    for target in targets:
        if target.get("ScalableDimension") != DIMENSION:
            continue
        resource = target["ResourceId"]
        mine = [p for p in policies if p.get("ResourceId") == resource and p.get("ScalableDimension") == DIMENSION]
        chosen = next((p for p in mine if _metric(p) == "cpu"), mine[0] if mine else None)
        config = (chosen or {}).get("TargetTrackingScalingPolicyConfiguration") or {}
        behavior: dict[str, object] = {k: config[k] for k in ("ScaleOutCooldown", "ScaleInCooldown", "DisableScaleIn")
                                       if k in config}
        suspended = {k: v for k, v in (target.get("SuspendedState") or {}).items() if v}
        if suspended:
            behavior["SuspendedState"] = suspended
        others = [f"{p['PolicyName']} ({_metric(p)})" for p in mine if p is not chosen]
        if others:
            behavior["OtherPolicies"] = others
        out.append(ScalingPolicy(
            resource=resource, platform="ecs", min_capacity=target.get("MinCapacity"),
            max_capacity=target.get("MaxCapacity"), metric=_metric(chosen) if chosen else "none (no scaling policy)",
            target=config.get("TargetValue") if chosen and _metric(chosen) == "cpu" else None, behavior=behavior,
            source=SOURCE + (f" (policy {chosen['PolicyName']})" if chosen else " (no policy)")))
    return out


def _metric(policy: dict[str, Any]) -> str:
    """'cpu' for target tracking on average service CPU, else what the policy scales on."""
    if policy.get("PolicyType") != "TargetTrackingScaling":
        return f"{policy.get('PolicyType', 'unknown')} policy"
    config = policy.get("TargetTrackingScalingPolicyConfiguration") or {}
    predefined = (config.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
    if predefined == CPU:
        return "cpu"
    if predefined:
        return predefined
    custom = config.get("CustomizedMetricSpecification") or {}
    return f"{custom.get('Namespace', '?')}/{custom.get('MetricName', '?')}"


def scaling_status(aws: Any, resource: str) -> list[ScalingStatus]:
    """[] unless ``resource`` is an ECS service ("service/<cluster>/<service>")."""
    parts = resource.split("/")
    if len(parts) != 3 or parts[0] != "service":
        return []
    _, cluster, name = parts
    services = _now(aws, "ecs", "describe_services", cluster=cluster, services=[name]).get("services", [])
    if not services:
        return []
    service = services[0]
    end = dt.datetime.now(dt.UTC)
    points = _now(aws, "cloudwatch", "get_metric_statistics", Namespace="AWS/ECS", MetricName="CPUUtilization",
                  Dimensions=[{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": name}],
                  StartTime=end - dt.timedelta(minutes=5), EndTime=end, Period=60,
                  Statistics=["Average"]).get("Datapoints", [])
    latest = max(points, key=lambda p: p["Timestamp"], default=None)
    return [ScalingStatus(resource, time.monotonic(), int(service.get("runningCount") or 0),
                          service.get("desiredCount"), float(latest["Average"]) if latest else None,
                          source="ecs:DescribeServices runningCount/desiredCount; cloudwatch:GetMetricStatistics "
                                 "AWS/ECS CPUUtilization Average, 60 s periods over the last 5 min")]


def _now(aws: Any, service: str, method: str, **params: Any) -> dict[str, Any]:
    """A read made on every call (not from the run's cache: a poll must see the present)."""
    try:
        result = getattr(aws.client(service), method)(**params)
    except (BotoCoreError, ClientError) as exc:
        raise aws._could_not_observe(exc, service, method, None) from exc
    result.pop("ResponseMetadata", None)
    return result
