"""AUTOSCALING on Azure: Microsoft.Insights/autoscalesettings, and the scaled App Service plan's instances.

- ``scaling_policies``: one record per autoscale setting (resource = the setting's name), from its default
  profile (the one without ``recurrence``/``fixedDate``, else the first): ``capacity`` minimum/maximum; the
  scale-out rule (direction Increase, CpuPercentage, GreaterThan[OrEqual]) -> target and ``window_s`` (its
  ``timeWindow``); the scale-in rule (Decrease, CpuPercentage, LessThan[OrEqual]) -> ``scale_in_threshold``.
  Both rules' details (timeWindow, timeGrain, statistic, timeAggregation, cooldown, change) are in
  ``behavior.scaleOut`` / ``behavior.scaleIn``, so a profile can require the scale-in window too.
  A disabled setting scales on nothing, and says so in ``metric``.
- ``scaling_status(setting)``: the target plan's ``sku.capacity`` (current instances) read afresh, and its
  average CpuPercentage over the last 5 minutes (Azure Monitor metrics; None when they cannot be read).
"""

from __future__ import annotations

import re
import time
from typing import Any

from golive.providers.azure import appservice
from golive.providers.azure.core import plain, records
from golive.providers.records_scaling import ScalingPolicy, ScalingStatus
from golive.verdict import CouldNotObserve

CPU = "cpupercentage"
SOURCE = "Microsoft.Insights/autoscalesettings profiles[].capacity, rules[].metricTrigger"
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


@records("scaling_policies")
def scaling_policies(az: Any) -> list[ScalingPolicy]:
    return [_policy(setting) for setting in appservice.autoscale_settings(az)]


def _policy(setting: dict[str, Any]) -> ScalingPolicy:
    props = setting.get("properties") or {}
    profiles = props.get("profiles") or []
    profile = next((p for p in profiles if not p.get("recurrence") and not p.get("fixedDate")),
                   profiles[0] if profiles else {})
    capacity = profile.get("capacity") or {}
    rules = profile.get("rules") or []
    out_rule = _rule(rules, "Increase", ("GreaterThan", "GreaterThanOrEqual"))
    in_rule = _rule(rules, "Decrease", ("LessThan", "LessThanOrEqual"))
    if not props.get("enabled", True):
        metric = "none (autoscale setting disabled)"
    elif out_rule is not None:
        metric = "cpu"
    else:
        first = next((r for r in rules if (r.get("scaleAction") or {}).get("direction") == "Increase"), None)
        metric = (first["metricTrigger"].get("metricName") or "?") if first else "none (no scale-out rule)"
    trigger_out = (out_rule or {}).get("metricTrigger") or {}
    trigger_in = (in_rule or {}).get("metricTrigger") or {}
    behavior = {side: _details(rule) for side, rule in (("scaleOut", out_rule), ("scaleIn", in_rule)) if rule}
    return ScalingPolicy(
        resource=setting.get("name") or props.get("name", "?"), platform="azure-autoscale",
        min_capacity=_int(capacity.get("minimum")), max_capacity=_int(capacity.get("maximum")), metric=metric,
        target=_float(trigger_out.get("threshold")), scale_in_threshold=_float(trigger_in.get("threshold")),
        window_s=seconds(trigger_out.get("timeWindow")), behavior=behavior,
        source=f"{SOURCE} (profile {profile.get('name', '?')!r}, target {props.get('targetResourceUri', '?')})")


def _rule(rules: list[dict[str, Any]], direction: str, operators: tuple[str, ...]) -> dict[str, Any] | None:
    for rule in rules:
        trigger = rule.get("metricTrigger") or {}
        if ((rule.get("scaleAction") or {}).get("direction") == direction
                and str(trigger.get("metricName", "")).lower() == CPU and trigger.get("operator") in operators):
            return rule
    return None


def _details(rule: dict[str, Any]) -> dict[str, Any]:
    trigger, action = rule.get("metricTrigger") or {}, rule.get("scaleAction") or {}
    keep = ("timeWindow", "timeGrain", "statistic", "timeAggregation", "operator", "threshold")
    return {**{k: trigger[k] for k in keep if k in trigger},
            **{k: action[k] for k in ("type", "value", "cooldown") if k in action}}


def seconds(duration: Any) -> int | None:
    """ISO 8601 duration as ARM writes it ("PT5M", "PT1H30M", "P1D") in seconds; None when absent or odd."""
    match = _DURATION.match(str(duration or ""))
    if not match or not any(match.groups()):
        return None
    d, h, m, s = (int(g or 0) for g in match.groups())
    return ((d * 24 + h) * 60 + m) * 60 + s


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@records("scaling_status")
def scaling_status(az: Any, resource: str) -> list[ScalingStatus]:
    """[] unless ``resource`` names one of the resource group's autoscale settings."""
    if "/" in resource:  # an ECS service or a Kubernetes HPA, not a setting name
        return []
    setting = next((s for s in appservice.autoscale_settings(az) if s.get("name") == resource), None)
    if setting is None:
        return []
    target = (setting.get("properties") or {}).get("targetResourceUri") or ""
    if "/microsoft.web/serverfarms/" not in target.lower():
        raise CouldNotObserve(az.target(f"autoscale setting {resource}"),
                              f"it scales {target or 'no resource'}; golive reads instance counts of App Service "
                              f"plans (Microsoft.Web/serverfarms) only")
    plan_name = target.rstrip("/").rsplit("/", 1)[-1]
    what = f"App Service plan {plan_name}"
    try:  # afresh on every poll, never from the run's cache
        plan = plain(az.client("web").app_service_plans.get(az.resource_group, plan_name))
    except Exception as exc:  # noqa: BLE001 (Azure errors become CouldNotObserve; others are re-raised)
        failure = az._could_not_observe(what, exc)
        if failure is None:
            raise
        raise failure from None
    cpu, note = _cpu(az, target)
    return [ScalingStatus(resource, time.monotonic(), int((plan.get("sku") or {}).get("capacity") or 0), None, cpu,
                          source=f"Microsoft.Web/serverfarms {plan_name} sku.capacity; {note}")]


def _cpu(az: Any, plan_uri: str) -> tuple[float | None, str]:
    """The plan's average CpuPercentage over the last 5 minutes, or None and why it is missing."""
    try:
        answer = plain(az.client("monitor").metrics.list(plan_uri, timespan="PT5M", interval="PT1M",
                                                         metricnames="CpuPercentage", aggregation="Average"))
    except Exception as exc:  # noqa: BLE001
        failure = az._could_not_observe("CpuPercentage metrics", exc)
        if failure is None:
            raise
        return None, f"CpuPercentage not readable ({failure.cause})"
    values = [d["average"] for metric in answer.get("value") or [] for series in metric.get("timeseries") or []
              for d in series.get("data") or [] if d.get("average") is not None]
    if not values:
        return None, "Azure Monitor CpuPercentage: no datapoint in the last 5 min"
    return float(values[-1]), "Azure Monitor CpuPercentage Average, PT1M grain, last datapoint of 5 min"
