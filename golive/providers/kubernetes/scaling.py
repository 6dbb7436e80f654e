"""AUTOSCALING on Kubernetes: autoscaling/v2 HorizontalPodAutoscalers of the profile's namespaces.

- ``scaling_policies``: one record per HPA (resource "<namespace>/<name>"): spec.minReplicas (1 when unset,
  as the API defaults it), spec.maxReplicas, the CPU metric (``Resource`` or ``ContainerResource`` cpu with
  ``target.type: Utilization``) -> target, and spec.behavior as the API writes it (camelCase; {} when none).
  An HPA without a CPU utilization metric scales on what its first metric names, and says so in ``metric``.
- ``scaling_status(resource)``: status.currentReplicas/desiredReplicas and the current cpu averageUtilization,
  read afresh on every call (the live watch polls it).
"""

from __future__ import annotations

import time
from typing import Any

from golive.providers.kubernetes import provides
from golive.providers.records_scaling import ScalingPolicy, ScalingStatus
from golive.verdict import Records, each

SOURCE = "autoscaling/v2 HorizontalPodAutoscaler spec.minReplicas/maxReplicas/metrics/behavior"


@provides
def scaling_policies(kube: Any) -> Records:
    """Namespace by namespace: a namespace whose HPAs cannot be listed is a blind spot, the others still count."""
    return each(kube.namespaces, lambda ns: _policies(kube, ns))


def _policies(kube: Any, namespace: str) -> list[ScalingPolicy]:
    out = []
    for hpa in kube.hpas(namespace):
        data = kube.read.client.sanitize_for_serialization(hpa)
        spec = data.get("spec") or {}
        metric, target = _metric(spec.get("metrics") or [])
        ref = spec.get("scaleTargetRef") or {}
        out.append(ScalingPolicy(
            resource=f"{hpa.metadata.namespace}/{hpa.metadata.name}", platform="kubernetes-hpa",
            min_capacity=spec.get("minReplicas", 1), max_capacity=spec.get("maxReplicas"), metric=metric,
            target=target, behavior=spec.get("behavior") or {},
            source=f"{SOURCE} (scales {ref.get('kind', '?')} {ref.get('name', '?')})"))
    return out


def _metric(metrics: list[dict[str, Any]]) -> tuple[str, float | None]:
    for m in metrics:
        source = m.get(_key(m.get("type"))) or {}
        target = source.get("target") or {}
        if source.get("name") == "cpu" and target.get("type") == "Utilization":
            return "cpu", _float(target.get("averageUtilization"))
    if not metrics:
        return "none (no metrics: the HPA defaults to 80 % CPU)", None
    first = metrics[0]
    source = first.get(_key(first.get("type"))) or {}
    name = source.get("name") or (source.get("metric") or {}).get("name") or "?"
    kind = ((source.get("target") or {}).get("type") or "?")
    return f"{first.get('type', '?')} {name} ({kind})", None


def _key(kind: Any) -> str:
    """The field of a MetricSpec/MetricStatus holding the source: Resource -> resource, ContainerResource -> ..."""
    text = str(kind or "")
    return text[:1].lower() + text[1:]


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


@provides
def scaling_status(kube: Any, resource: str) -> list[ScalingStatus]:
    """[] unless ``resource`` is "<namespace>/<name>" in one of the profile's namespaces."""
    namespace, _, name = resource.partition("/")
    if not name or "/" in name or namespace not in kube.namespaces:
        return []
    hpa = kube.read._request("AutoscalingV2Api", "read_namespaced_horizontal_pod_autoscaler",
                             {"name": name, "namespace": namespace})  # afresh: not from the run's cache
    status = kube.read.client.sanitize_for_serialization(hpa).get("status") or {}
    cpu = None
    for m in status.get("currentMetrics") or []:
        source = m.get(_key(m.get("type"))) or {}
        if source.get("name") == "cpu":
            cpu = _float((source.get("current") or {}).get("averageUtilization"))
            break
    return [ScalingStatus(resource, time.monotonic(), int(status.get("currentReplicas") or 0),
                          status.get("desiredReplicas"), cpu,
                          source="autoscaling/v2 HorizontalPodAutoscaler status.currentReplicas/desiredReplicas/"
                                 "currentMetrics[cpu].current.averageUtilization")]
