"""ROLLOUT records: one workload's rollout as its platform reports it, the same shape for every cloud.

Providers implement ``rollouts() -> list[Rollout]`` (see checks/test_rollout.py):
  Kubernetes (providers/kubernetes/rollout.py): each Deployment/StatefulSet of the profile's namespaces,
      spec.replicas, status.updatedReplicas/readyReplicas/availableReplicas/observedGeneration, and its pods'
      Ready condition, containerStatuses[].image/restartCount/state.waiting.reason.
  AWS (providers/aws/rollout.py): each ECS service, desiredCount/runningCount and the PRIMARY deployment's
      rolloutState; the images of every deployment's task definition (DescribeTaskDefinition).
  Azure (providers/azure/rollout.py): each App Service site, properties.state and config/web linuxFxVersion
      (``DOCKER|image:tag``).
A count or field the API did not return is ``None`` and named in ``unknown`` (a blind spot, never a pass).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PodState:
    """One replica (a pod, a task) and what runs in it: ``images`` are (container, image) pairs."""

    name: str
    ready: bool | None
    images: tuple[tuple[str, str], ...] = ()
    restarts: int | None = 0
    waiting: tuple[str, ...] = ()  # "container: CrashLoopBackOff"


@dataclass(frozen=True)
class Rollout:
    """ROLLOUT: one workload and how far its rollout got.

    kind: Deployment | StatefulSet | ECS service | App Service
    name: "<namespace>/<name>", "<cluster>/<service>", "<site>"; scope: namespace, ECS cluster, resource group
    desired/updated/ready/available: replica counts (None: not returned, or not a notion of this platform
    when ``counted`` is False); state: ECS rolloutState, App Service state, None for Kubernetes
    images: (container, image) of what runs (pods' containerStatuses, task definitions of live deployments,
    linuxFxVersion); pods: the replicas seen one by one (Kubernetes)
    """

    cloud: str
    kind: str
    name: str
    scope: str
    desired: int | None = None
    updated: int | None = None
    ready: int | None = None
    available: int | None = None
    counted: bool = True
    state: str | None = None
    settled: bool | None = True  # the controller observed the newest spec (observedGeneration >= generation)
    images: tuple[tuple[str, str], ...] = ()
    pods: tuple[PodState, ...] = ()
    unknown: tuple[str, ...] = field(default_factory=tuple)
    source: str = ""
    where: str = ""  # the target it was read in, when the profile names several (issue 18)
