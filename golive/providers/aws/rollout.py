"""ROLLOUT on AWS: each ECS service's deployment (runbook 000's services; runbook 004 step 5's "every pod Running").

ecs:DescribeServices desiredCount/runningCount and deployments[]: the PRIMARY deployment's rolloutState
(COMPLETED when the deployment finished), and every deployment that still runs tasks; the images they run come
from ecs:DescribeTaskDefinition containerDefinitions[].image. Per cluster and per task definition, so one
failing read blinds only its part.
"""

from __future__ import annotations

from typing import Any

from golive.providers.records_rollout import PodState, Rollout
from golive.verdict import Records, each

PROVIDES = ("rollouts",)
SOURCE = ("ecs:DescribeServices desiredCount/runningCount, deployments[status=PRIMARY].rolloutState; "
          "ecs:DescribeTaskDefinition containerDefinitions[].image of every deployment with running tasks")


def rollouts(aws: Any) -> Records:
    """Per cluster: a cluster whose services cannot be read is a blind spot, the other clusters still count."""
    return each(aws.read("ecs", "ListClusters").get("clusterArns", []), lambda cluster: _cluster(aws, cluster))


def _cluster(aws: Any, cluster: str) -> Records:
    services: list[dict] = []
    arns = aws.read("ecs", "ListServices", cluster=cluster).get("serviceArns", [])
    for start in range(0, len(arns), 10):  # DescribeServices takes 10 services at a time
        services += aws.read("ecs", "DescribeServices", cluster=cluster, services=arns[start:start + 10]).get(
            "services", [])
    return each(services, lambda service: [_service(aws, cluster.rsplit("/", 1)[-1], service)])


def _service(aws: Any, cluster: str, service: dict[str, Any]) -> Rollout:
    deployments = service.get("deployments") or []
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    live = ([primary] if primary else []) + [d for d in deployments
                                             if d is not primary and (d.get("runningCount") or 0) > 0]
    replicas = tuple(PodState(name=f"deployment {d.get('id', '?')} ({d.get('status', '?')}, "
                                   f"{d.get('runningCount', '?')} running)", ready=None,
                              images=_images(aws, d["taskDefinition"]) if d.get("taskDefinition") else ())
                     for d in live)
    unknown = tuple(f"ECS service {cluster}/{service.get('serviceName')} {what}" for what, missing in (
        ("desiredCount", service.get("desiredCount") is None), ("runningCount", service.get("runningCount") is None),
        ("PRIMARY deployment rolloutState", primary is not None and primary.get("rolloutState") is None),
        ("deployments (none returned)", primary is None)) if missing)
    return Rollout(
        cloud="aws", kind="ECS service", name=f"{cluster}/{service.get('serviceName')}", scope=cluster,
        desired=service.get("desiredCount"), ready=service.get("runningCount"),
        updated=primary.get("runningCount") if primary else None, state=(primary or {}).get("rolloutState"),
        images=replicas[0].images if primary is not None else (), pods=replicas, unknown=unknown,
        source=SOURCE)


def _images(aws: Any, task_definition: str) -> tuple[tuple[str, str], ...]:
    found = aws.read("ecs", "DescribeTaskDefinition", taskDefinition=task_definition).get("taskDefinition") or {}
    return tuple((c.get("name", "?"), c.get("image", "")) for c in found.get("containerDefinitions") or [])
