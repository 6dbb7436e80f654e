"""ROLLOUT on Kubernetes: each Deployment/StatefulSet of the profile's namespaces and its pods (runbook 004 step 5).

- the workload: spec.replicas (desired), status.updatedReplicas/readyReplicas/availableReplicas, and whether the
  controller observed the newest spec (status.observedGeneration >= metadata.generation). The API server omits
  zero counts (``omitempty``), so an absent count in a returned status is 0; a workload without any status is
  one whose counts were not returned (a blind spot).
- its pods (selected by spec.selector, phase Pending/Running): the Ready condition, containerStatuses[].image,
  restartCount and state.waiting.reason (CrashLoopBackOff, ImagePullBackOff...).
Read namespace by namespace and kind by kind, so one denied read blinds that part only.
"""

from __future__ import annotations

from typing import Any

from golive.providers.kubernetes import provides
from golive.providers.kubernetes.zones import _selects
from golive.providers.records_rollout import PodState, Rollout
from golive.verdict import Records, collect, each

SOURCE = ("{kind} spec.replicas, status.updatedReplicas/readyReplicas/availableReplicas/observedGeneration; Pod "
          "status.conditions[Ready], containerStatuses[].image/restartCount/state.waiting.reason")


@provides
def rollouts(kube: Any) -> Records:
    def namespace(ns: str) -> Records:
        return collect(ns, lambda n: _workloads(kube, n, "Deployment"), lambda n: _workloads(kube, n, "StatefulSet"))
    return each(kube.namespaces, namespace)


def _workloads(kube: Any, ns: str, kind: str) -> list[Rollout]:
    workloads = kube.deployments(ns) if kind == "Deployment" else kube.statefulsets(ns)
    if not workloads:
        return []
    pods = [p for p in kube.pods(ns) if (p.status.phase if p.status else None) in ("Pending", "Running")]
    return [workload_rollout(w, kind, [p for p in pods if _selects(w.spec.selector, p.metadata.labels or {})])
            for w in workloads]


def workload_rollout(w: Any, kind: str, pods: list[Any]) -> Rollout:
    """One Deployment/StatefulSet (client objects) and its pods as a Rollout (pure)."""
    status, ns = w.status, w.metadata.namespace
    desired = w.spec.replicas if w.spec.replicas is not None else 1
    generation, observed = w.metadata.generation, status.observed_generation if status else None
    unknown = () if status is not None else (f"{kind} {ns}/{w.metadata.name} status (replica counts)",)
    return Rollout(
        cloud="kubernetes", kind=kind, name=f"{ns}/{w.metadata.name}", scope=ns, desired=desired,
        updated=(status.updated_replicas or 0) if status else None,
        ready=(status.ready_replicas or 0) if status else None,
        available=(status.available_replicas or 0) if status else None,
        settled=None if generation is None or observed is None else observed >= generation,
        images=tuple((c.name, c.image) for c in w.spec.template.spec.containers or []),
        pods=tuple(_pod(p) for p in pods), unknown=unknown, source=SOURCE.format(kind=kind))


def _pod(pod: Any) -> PodState:
    status = pod.status
    statuses = (status.container_statuses or []) if status else []
    conditions = (status.conditions or []) if status else []
    ready = next((c.status == "True" for c in conditions if c.type == "Ready"), None)
    waiting = tuple(f"{c.name}: {c.state.waiting.reason}" for c in statuses
                    if c.state is not None and c.state.waiting is not None and c.state.waiting.reason)
    return PodState(name=pod.metadata.name, ready=ready, images=tuple((c.name, c.image) for c in statuses),
                    restarts=max((c.restart_count or 0 for c in statuses), default=0), waiting=waiting)
