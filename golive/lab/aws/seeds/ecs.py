"""ECS: cluster silenttalk-production-cluster, services -server and -client (Fargate, three private subnets,
desired 3) scaled by Application Auto Scaling: min 3, max 10, target tracking ECSServiceAverageCPUUtilization
70 (runbook 000). Facts: cluster, services. The AUTOSCALING variants change the -server service's scaling only.
"""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {
    "ecs-cpu-target-90": "the -server service's target tracking policy holds CPU at 90 % (runbook 000: 70 %)",
    "ecs-min-1-max-20": "the -server service scales between 1 and 20 tasks (runbook 000: 3 to 10)",
    "ecs-scales-on-memory": "the -server service tracks ECSServiceAverageMemoryUtilization 70, not CPU",
    "ecs-rollout-in-progress": "the -server service is mid-deployment: PRIMARY rolloutState IN_PROGRESS, 2 of 3 "
                               "tasks running (runbook 004 step 5: every replica running)",
    "ecs-old-release": "the -server service's task definition runs silenttalk/server:0.9.0, not the release 1.0.0",
}
RELEASE = "1.0.0"  # the release every task definition runs (ROLLOUT)

MIN, MAX, CPU_TARGET = 3, 10, 70.0


def seed(lab: Seeding) -> None:
    ecs, scaling = lab.client("ecs"), lab.client("application-autoscaling")
    cluster = f"{PREFIX}-cluster"
    ecs.create_cluster(clusterName=cluster, settings=[{"name": "containerInsights", "value": "enabled"}])
    services = []
    for name, port in (("server", 3000), ("client", 3001)):
        service = f"{PREFIX}-{name}"
        broken = lab.broken(VARIANTS) if name == "server" else None
        release = "0.9.0" if broken == "ecs-old-release" else RELEASE
        family = ecs.register_task_definition(
            family=service, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="512", memory="1024",
            containerDefinitions=[{
                "name": name, "image": f"silenttalk/{name}:{release}", "essential": True,
                "portMappings": [{"containerPort": port, "protocol": "tcp"}],
                "logConfiguration": {"logDriver": "awslogs", "options": {
                    "awslogs-group": f"/ecs/{service}", "awslogs-region": lab.region, "awslogs-stream-prefix": name}},
            }])["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(
            cluster=cluster, serviceName=service, taskDefinition=family, desiredCount=MIN, launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": lab.facts["private_subnets"],
                                                          "securityGroups": [lab.facts["sg_ecs"]],
                                                          "assignPublicIp": "DISABLED"}},
            loadBalancers=[{"targetGroupArn": lab.facts[f"tg_{name}_arn"], "containerName": name,
                            "containerPort": port}],
            tags=[{"key": "golive-lab:running", "value": "2"}] if broken == "ecs-rollout-in-progress" else [])
        resource = f"service/{cluster}/{service}"
        low, high = (1, 20) if broken == "ecs-min-1-max-20" else (MIN, MAX)
        metric = "ECSServiceAverageMemoryUtilization" if broken == "ecs-scales-on-memory" else \
            "ECSServiceAverageCPUUtilization"
        scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=resource,
                                         ScalableDimension="ecs:service:DesiredCount", MinCapacity=low,
                                         MaxCapacity=high)
        scaling.put_scaling_policy(
            PolicyName=f"{service}-cpu-70", ServiceNamespace="ecs", ResourceId=resource,
            ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 90.0 if broken == "ecs-cpu-target-90" else CPU_TARGET, "ScaleOutCooldown": 60,
                "ScaleInCooldown": 300, "PredefinedMetricSpecification": {"PredefinedMetricType": metric}})
        services.append(service)
    lab.facts.update(cluster=cluster, services=services)
