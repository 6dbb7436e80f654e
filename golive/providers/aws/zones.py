"""MULTI-AZ on AWS: where each tier runs, read from the APIs that say so.

- load balancer: elbv2 DescribeLoadBalancers ``AvailabilityZones[].ZoneName`` (its subnets' zones);
- compute: ECS services' awsvpc ``subnets`` -> ec2 DescribeSubnets ``AvailabilityZone``, plus the zones of
  running tasks (ecs DescribeTasks ``availabilityZone``) when there are any; Auto Scaling groups'
  ``AvailabilityZones``;
- database: RDS instances ``MultiAZ``, ``AvailabilityZone``, ``SecondaryAvailabilityZone`` and their DB subnet
  group's zones; Aurora / Multi-AZ DB clusters: each member instance's ``AvailabilityZone``;
- cache: ElastiCache replication groups ``MultiAZ``, ``AutomaticFailover``, members'
  ``NodeGroupMembers[].PreferredAvailabilityZone``.

A field an API does not return (a Multi-AZ instance without ``SecondaryAvailabilityZone``, a member without
``PreferredAvailabilityZone``, a flag absent) is recorded as not returned (``unknown`` / a flag of None), never
as false: absent is unknown. Each read is its own part: a denied ECS cluster or DescribeDBClusters blinds that
part only.
"""

from __future__ import annotations

from typing import Any

from golive.providers.records import ZonePlacement
from golive.verdict import Records, collect, each

PROVIDES = ("zone_placements",)


def zone_placements(aws: Any) -> Records:
    """Every tier's placements; a read that fails (a reader missing one permission) blinds its tier only."""
    return collect(aws, _load_balancers, _ecs_services, _auto_scaling_groups, _rds_instances, _rds_clusters,
                   _elasticache)


def _load_balancers(aws: Any) -> list[ZonePlacement]:
    out = []
    for lb in aws.read("elbv2", "DescribeLoadBalancers").get("LoadBalancers", []):
        listed = lb.get("AvailabilityZones")
        out.append(ZonePlacement(
            tier="load-balancer", kind={"application": "ALB", "network": "NLB"}.get(lb.get("Type"), "ELB"),
            resource=lb["LoadBalancerName"], zones=_distinct(z.get("ZoneName") for z in listed or []),
            source="elbv2:DescribeLoadBalancers AvailabilityZones[].ZoneName",
            unknown=_absent(("AvailabilityZones", listed is None),
                            ("AvailabilityZones[].ZoneName", any(not z.get("ZoneName") for z in listed or [])))))
    return out


def _subnet_zones(aws: Any) -> dict[str, str]:
    return {s["SubnetId"]: s["AvailabilityZone"] for s in aws.read("ec2", "DescribeSubnets").get("Subnets", [])}


def _ecs_services(aws: Any) -> Records:
    """Per cluster: a cluster whose services cannot be read is a blind spot, the other clusters still count."""
    return each(aws.read("ecs", "ListClusters").get("clusterArns", []), lambda cluster: _cluster(aws, cluster))


def _cluster(aws: Any, cluster: str) -> list[ZonePlacement]:
    out = []
    arns = aws.read("ecs", "ListServices", cluster=cluster).get("serviceArns", [])
    for start in range(0, len(arns), 10):  # DescribeServices takes 10 services at a time
        described = aws.read("ecs", "DescribeServices", cluster=cluster, services=arns[start:start + 10])
        for service in described.get("services", []):
            out.append(_ecs_service(aws, cluster, service))
    return out


def _ecs_service(aws: Any, cluster: str, service: dict) -> ZonePlacement:
    subnets = ((service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}).get("subnets", [])
    by_subnet = _subnet_zones(aws) if subnets else {}
    zones = _distinct(by_subnet.get(s, f"unknown subnet {s}") for s in subnets)
    source = "ecs:DescribeServices networkConfiguration.awsvpcConfiguration.subnets -> ec2:DescribeSubnets AvailabilityZone"
    tasks = aws.read("ecs", "ListTasks", cluster=cluster, serviceName=service["serviceName"],
                     desiredStatus="RUNNING").get("taskArns", [])
    if tasks:  # where the tasks run now must spread too, not only where they may run
        running = []
        for start in range(0, len(tasks), 100):
            running += aws.read("ecs", "DescribeTasks", cluster=cluster, tasks=tasks[start:start + 100]).get("tasks", [])
        task_zones = _distinct(t.get("availabilityZone") for t in running)
        zones = tuple(z for z in zones if z in task_zones) or task_zones
        source += "; running tasks: ecs:DescribeTasks availabilityZone"
    cluster_name = cluster.rsplit("/", 1)[-1]
    return ZonePlacement(tier="compute", kind="ECS service", resource=f"{cluster_name}/{service['serviceName']}",
                         zones=zones, members=service.get("desiredCount"), source=source)


def _auto_scaling_groups(aws: Any) -> list[ZonePlacement]:
    return [ZonePlacement(tier="compute", kind="Auto Scaling group", resource=group["AutoScalingGroupName"],
                          zones=_distinct(group.get("AvailabilityZones", [])), members=group.get("MinSize"),
                          source="autoscaling:DescribeAutoScalingGroups AvailabilityZones, MinSize")
            for group in aws.read("autoscaling", "DescribeAutoScalingGroups").get("AutoScalingGroups", [])]


def _rds_clusters(aws: Any) -> list[ZonePlacement]:
    """Aurora / Multi-AZ DB clusters: each member's zone comes from DescribeDBInstances."""
    out = []
    clusters = aws.read("rds", "DescribeDBClusters").get("DBClusters", [])
    if not clusters:
        return out
    by_id = {i["DBInstanceIdentifier"]: i for i in aws.read("rds", "DescribeDBInstances").get("DBInstances", [])}
    for cluster in clusters:
        members = cluster.get("DBClusterMembers", [])
        found = [by_id.get(m["DBInstanceIdentifier"], {}).get("AvailabilityZone") for m in members]
        out.append(ZonePlacement(
            tier="database", kind="RDS cluster", resource=cluster["DBClusterIdentifier"], zones=_distinct(found),
            flags={"MultiAZ": _flag(cluster.get("MultiAZ"))}, members=len(members),
            source="rds:DescribeDBClusters MultiAZ, DBClusterMembers -> rds:DescribeDBInstances AvailabilityZone",
            unknown=_absent(("DBClusterMembers[] AvailabilityZone", any(z is None for z in found)))))
    return out


def _rds_instances(aws: Any) -> list[ZonePlacement]:
    out = []
    for db in aws.read("rds", "DescribeDBInstances").get("DBInstances", []):
        if db.get("DBClusterIdentifier"):
            continue  # judged with its cluster
        primary, secondary = db.get("AvailabilityZone"), db.get("SecondaryAvailabilityZone")
        multi = _flag(db.get("MultiAZ"))
        flags: dict[str, bool | None] = {"MultiAZ": multi}
        if multi and secondary:
            flags["SecondaryAvailabilityZone differs from AvailabilityZone"] = secondary != primary
        out.append(ZonePlacement(
            tier="database", kind="RDS", resource=db["DBInstanceIdentifier"], zones=_distinct((primary, secondary)),
            flags=flags, members=None if multi is None else 2 if multi else 1,
            source="rds:DescribeDBInstances MultiAZ, AvailabilityZone, SecondaryAvailabilityZone",
            unknown=_absent(("AvailabilityZone", not primary), ("SecondaryAvailabilityZone", bool(multi) and not secondary))))
        group = db.get("DBSubnetGroup") or {}
        if group.get("Subnets"):
            names = [(s.get("SubnetAvailabilityZone") or {}).get("Name") for s in group["Subnets"]]
            out.append(ZonePlacement(
                tier="database", kind="DB subnet group", resource=group["DBSubnetGroupName"], zones=_distinct(names),
                source="rds:DescribeDBInstances DBSubnetGroup.Subnets[].SubnetAvailabilityZone.Name",
                unknown=_absent(("Subnets[].SubnetAvailabilityZone.Name", any(not n for n in names)))))
    return out


def _elasticache(aws: Any) -> list[ZonePlacement]:
    out = []
    for group in aws.read("elasticache", "DescribeReplicationGroups").get("ReplicationGroups", []):
        members = [m for ng in group.get("NodeGroups", []) for m in ng.get("NodeGroupMembers", [])]
        unzoned = [m.get("CacheClusterId") or "?" for m in members if not m.get("PreferredAvailabilityZone")]
        out.append(ZonePlacement(
            tier="cache", kind="ElastiCache", resource=group["ReplicationGroupId"],
            zones=_distinct(m.get("PreferredAvailabilityZone") for m in members),
            flags={"MultiAZ": _enabled(group.get("MultiAZ")), "AutomaticFailover": _enabled(group.get("AutomaticFailover"))},
            members=len(members),
            source="elasticache:DescribeReplicationGroups MultiAZ, AutomaticFailover, "
                   "NodeGroups[].NodeGroupMembers[].PreferredAvailabilityZone",
            unknown=tuple(f"member {m} PreferredAvailabilityZone" for m in unzoned)))
    return out


def _flag(value: Any) -> bool | None:
    """A boolean field as returned; None when the API did not return it (unknown, not false)."""
    return None if value is None else bool(value)


def _enabled(value: Any) -> bool | None:
    """ElastiCache's "enabled"/"disabled"/"enabling"...; None when not returned."""
    return None if value is None else value == "enabled"


def _absent(*fields: tuple[str, bool]) -> tuple[str, ...]:
    """The names of the fields that were not returned."""
    return tuple(name for name, missing in fields if missing)


def _distinct(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
