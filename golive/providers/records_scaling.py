"""AUTOSCALING records: what a provider reads about a scaler, the same shape for every cloud.

Providers implement two reads (see the check, checks/test_autoscaling.py):
  ``scaling_policies() -> list[ScalingPolicy]``
      AWS: application-autoscaling DescribeScalableTargets + DescribeScalingPolicies (service namespace ecs;
      resource "service/<cluster>/<service>", TargetTrackingScalingPolicyConfiguration.TargetValue with
      PredefinedMetricType ECSServiceAverageCPUUtilization, Min/MaxCapacity, ScaleOut/InCooldown).
      Kubernetes: autoscaling/v2 HorizontalPodAutoscaler (resource "<namespace>/<name>", spec.minReplicas,
      maxReplicas, metrics[type=Resource, resource.name=cpu].target.averageUtilization, spec.behavior as a dict).
      Azure: Microsoft.Insights/autoscalesettings (resource = setting name; profiles[].capacity min/max,
      rules[] metricTrigger CpuPercentage: scale-out threshold -> target, scale-in threshold, the scale-out
      rule's timeWindow ISO 8601 -> window_s; both rules' details in behavior.scaleOut / behavior.scaleIn).
      Implemented in providers/aws/scaling.py, providers/azure/autoscale.py, providers/kubernetes/scaling.py.
  ``scaling_status(resource) -> list[ScalingStatus]`` (optional, for the live watch of a cloud scaler):
      ECS desiredCount/runningCount, HPA status.currentReplicas/desiredReplicas and currentMetrics cpu,
      Azure the App Service plan's current instance count (sku.capacity) and CpuPercentage (None where Azure
      Monitor metrics cannot be read, as in the lab). Read afresh on every call, never from the run's cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScalingPolicy:
    """One scaler as configured.

    resource: the name the profile uses ("service/silenttalk-production/silenttalk-production-server",
              "production/api", "silenttalk-autoscale")
    platform: ecs | kubernetes-hpa | azure-autoscale | lab
    metric: "cpu" when it tracks average CPU utilization, else the platform's metric name
    target: the CPU percentage it tracks (ECS TargetValue, HPA averageUtilization, Azure scale-out threshold)
    scale_in_threshold: the CPU percentage under which it scales in (Azure), None when target tracking
    window_s: the evaluation window in seconds (Azure timeWindow PT5M -> 300), None when not configured
    behavior: HPA spec.behavior (or cooldowns) as plain data, {} when none
    source: the API and fields read, for evidence
    """

    resource: str
    platform: str
    min_capacity: int | None
    max_capacity: int | None
    metric: str
    target: float | None
    scale_in_threshold: float | None = None
    window_s: int | None = None
    behavior: dict[str, object] = field(default_factory=dict)
    source: str = ""
    where: str = ""  # the target it was read in, when the profile names several (issue 18)


@dataclass(frozen=True)
class ScalingStatus:
    """One reading of a live scaler: how many replicas run, how many it wants, the CPU it sees."""

    resource: str
    at: float  # time.monotonic() of the reading
    replicas: int
    desired: int | None
    cpu_percent: float | None
    source: str = ""
    where: str = ""  # the target it was read in, when the profile names several (issue 18)
