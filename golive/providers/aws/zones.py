"""MULTI-AZ on AWS: where each tier runs, read from the APIs that say so.

- load balancer: elbv2 DescribeLoadBalancers ``AvailabilityZones[].ZoneName`` (its subnets' zones);
- compute: ECS services' awsvpc ``subnets`` -> ec2 DescribeSubnets ``AvailabilityZone``, plus the zones of
  running tasks (ecs DescribeTasks ``availabilityZone``) when there are any; Auto Scaling groups'
  ``AvailabilityZones``;
- database: RDS instances ``MultiAZ``, ``AvailabilityZone``, ``SecondaryAvailabilityZone`` and their DB subnet
  group's zones; Aurora / Multi-AZ DB clusters: each member instance's ``AvailabilityZone``;
- cache: ElastiCache replication groups ``MultiAZ``, ``AutomaticFailover``, members'
  ``NodeGroupMembers[].PreferredAvailabilityZone``.
"""

from __future__ import annotations

from typing import Any

from golive.providers.records import ZonePlacement
from golive.verdict import Records, collect

PROVIDES = ("zone_placements",)


def zone_placements(aws: Any) -> Records:
    """Every tier's placements; a read that fails (a reader missing one permission) blinds its tier only."""
    return collect(aws, _load_balancers, _ecs_services, _auto_scaling_groups, _rds, _elasticache)


def _load_balancers(aws: Any) -> list[ZonePlacement]:
    out = []
    for lb in aws.read("elbv2", "DescribeLoadBalancers").get("LoadBalancers", []):
        out.append(ZonePlacement(
            tier="load-balancer", kind={"application": "ALB", "network": "NLB"}.get(lb.get("Type"), "ELB"),
            resource=lb["LoadBalancerName"], zones=_distinct(z.get("ZoneName") for z in lb.get("AvailabilityZones", [])),
            source="elbv2:DescribeLoadBalancers AvailabilityZones[].ZoneName"))
    return out


def _subnet_zones(aws: Any) -> dict[str, str]:
    return {s["SubnetId"]: s["AvailabilityZone"] for s in aws.read("ec2", "DescribeSubnets").get("Subnets", [])}


def _ecs_services(aws: Any) -> list[ZonePlacement]:
    out = []
    for cluster in aws.read("ecs", "ListClusters").get("clusterArns", []):
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


def _rds(aws: Any) -> list[ZonePlacement]:
    instances = aws.read("rds", "DescribeDBInstances").get("DBInstances", [])
    out = []
    by_id = {i["DBInstanceIdentifier"]: i for i in instances}
    for cluster in aws.read("rds", "DescribeDBClusters").get("DBClusters", []):
        members = cluster.get("DBClusterMembers", [])
        zones = _distinct(by_id.get(m["DBInstanceIdentifier"], {}).get("AvailabilityZone") for m in members)
        out.append(ZonePlacement(
            tier="database", kind="RDS cluster", resource=cluster["DBClusterIdentifier"], zones=zones,
            flags={"MultiAZ": bool(cluster.get("MultiAZ"))}, members=len(members),
            source="rds:DescribeDBClusters MultiAZ, DBClusterMembers -> rds:DescribeDBInstances AvailabilityZone"))
    for db in instances:
        if db.get("DBClusterIdentifier"):
            continue  # judged with its cluster
        primary, secondary = db.get("AvailabilityZone"), db.get("SecondaryAvailabilityZone")
        multi = bool(db.get("MultiAZ"))
        flags = {"MultiAZ": multi}
        if multi:
            flags["SecondaryAvailabilityZone differs from AvailabilityZone"] = bool(secondary) and secondary != primary
        out.append(ZonePlacement(
            tier="database", kind="RDS", resource=db["DBInstanceIdentifier"], zones=_distinct((primary, secondary)),
            flags=flags, members=2 if multi else 1,
            source="rds:DescribeDBInstances MultiAZ, AvailabilityZone, SecondaryAvailabilityZone"))
        group = db.get("DBSubnetGroup") or {}
        if group.get("Subnets"):
            out.append(ZonePlacement(
                tier="database", kind="DB subnet group", resource=group["DBSubnetGroupName"],
                zones=_distinct((s.get("SubnetAvailabilityZone") or {}).get("Name") for s in group["Subnets"]),
                source="rds:DescribeDBInstances DBSubnetGroup.Subnets[].SubnetAvailabilityZone.Name"))
    return out


def _elasticache(aws: Any) -> list[ZonePlacement]:
    out = []
    for group in aws.read("elasticache", "DescribeReplicationGroups").get("ReplicationGroups", []):
        members = [m for ng in group.get("NodeGroups", []) for m in ng.get("NodeGroupMembers", [])]
        out.append(ZonePlacement(
            tier="cache", kind="ElastiCache", resource=group["ReplicationGroupId"],
            zones=_distinct(m.get("PreferredAvailabilityZone") for m in members),
            flags={"MultiAZ": group.get("MultiAZ") == "enabled",
                   "AutomaticFailover": group.get("AutomaticFailover") == "enabled"},
            members=len(members),
            source="elasticache:DescribeReplicationGroups MultiAZ, AutomaticFailover, "
                   "NodeGroups[].NodeGroupMembers[].PreferredAvailabilityZone"))
    return out


def _distinct(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
