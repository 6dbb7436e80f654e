"""What the runbooks ask, as tables `golive discover` drafts from (issue 17): the alarm list of each runbook per
cloud, and the autoscaling capacities. The numbers are the runbooks' (shared/seeds/), never the estate's."""

from __future__ import annotations

from typing import Any

# ALARMS: the runbook's alarm list; the estate's alarms are matched to these by metric, namespace and dimensions.
# ``of_maximum`` names the number golive derives from the estate for a percentage of an absolute metric.
_5MIN = {"window_s": 300}
ALARMS: tuple[dict[str, Any], ...] = (
    {"cloud": "aws", "runbook": "000", "name": "cpu", "says": "CPU > 70% for 5 minutes", "metric": "CPUUtilization",
     "namespace": "AWS/ECS", "statistic": "Average", "comparison": ">", "threshold": 70, **_5MIN},
    {"cloud": "aws", "runbook": "000", "name": "memory", "says": "Memory > 80% for 5 minutes",
     "metric": "MemoryUtilization", "namespace": "AWS/ECS", "statistic": "Average", "comparison": ">", "threshold": 80,
     **_5MIN},
    {"cloud": "aws", "runbook": "000", "name": "db-connections", "says": "Database connections > 80% of max",
     "metric": "DatabaseConnections", "namespace": "AWS/RDS", "statistic": "Average", "comparison": ">",
     "threshold": 80, "of_maximum": "max_connections"},
    {"cloud": "aws", "runbook": "000", "name": "disk", "says": "Disk space > 85%", "metric": "FreeStorageSpace",
     "namespace": "AWS/RDS", "statistic": "Average", "comparison": "<", "threshold": 15,
     "of_maximum": "allocated_bytes"},
    {"cloud": "aws", "runbook": "000", "name": "5xx", "says": "5xx errors > 10 in 5 minutes",
     "metric": "HTTPCode_Target_5XX_Count", "namespace": "AWS/ApplicationELB", "statistic": "Sum", "comparison": ">",
     "threshold": 10, "period_s": 300, "window_s": 300, "missing_data": ["notBreaching"]},
    {"cloud": "aws", "runbook": "000", "name": "health-check", "says": "Health check failures",
     "metric": "UnHealthyHostCount", "namespace": "AWS/ApplicationELB", "statistic": "Maximum", "comparison": ">",
     "threshold": 0},
    {"cloud": "aws", "runbook": "000", "name": "backup-failures", "says": "Backup failures",
     "metric": "NumberOfBackupJobsFailed", "namespace": "AWS/Backup", "statistic": "Sum", "comparison": ">",
     "threshold": 0, "missing_data": ["notBreaching"]},
    {"cloud": "azure", "runbook": "000", "name": "cpu", "says": "CPU > 70% for 5 minutes", "metric": "CpuPercentage",
     "namespace": "Microsoft.Web/serverfarms", "statistic": "Average", "comparison": ">", "threshold": 70, **_5MIN},
    {"cloud": "azure", "runbook": "000", "name": "memory", "says": "Memory > 80% for 5 minutes",
     "metric": "MemoryPercentage", "namespace": "Microsoft.Web/serverfarms", "statistic": "Average",
     "comparison": ">", "threshold": 80, **_5MIN},
    {"cloud": "azure", "runbook": "000", "name": "db-connections", "says": "Database connections > 80% of max",
     "metric": "active_connections", "namespace": "Microsoft.DBforPostgreSQL/flexibleServers",
     "statistic": "Average", "comparison": ">", "threshold": 80, "of_maximum": "max_connections"},
    {"cloud": "azure", "runbook": "000", "name": "disk", "says": "Disk space > 85%", "metric": "storage_percent",
     "namespace": "Microsoft.DBforPostgreSQL/flexibleServers", "statistic": "Average", "comparison": ">",
     "threshold": 85},
    {"cloud": "azure", "runbook": "000", "name": "5xx", "says": "5xx errors > 10 in 5 minutes", "metric": "Http5xx",
     "namespace": "Microsoft.Web/sites", "statistic": "Total", "comparison": ">", "threshold": 10, "period_s": 300,
     "window_s": 300},
    {"cloud": "azure", "runbook": "000", "name": "health-check", "says": "Health check failures",
     "metric": "HealthCheckStatus", "namespace": "Microsoft.Web/sites", "comparison": "<", "threshold": 100},
    {"cloud": "azure", "runbook": "000", "name": "backup-failures", "says": "Backup failures",
     "metric": "BackupHealthEvent", "namespace": "Microsoft.DataProtection/backupVaults", "comparison": ">",
     "threshold": 0},
    {"cloud": "kubernetes", "runbook": "003", "name": "latency", "says": "API response time > 1s for >5% of requests",
     "metric": "http_request_duration_seconds_bucket", "dimensions": {"le": "1"}, "comparison": ">",
     "threshold": 0.05},
    {"cloud": "kubernetes", "runbook": "003", "name": "error-rate", "says": "Error rate > 1%",
     "metric": "http_requests_total", "comparison": ">", "threshold": 0.01},
    {"cloud": "kubernetes", "runbook": "003", "name": "db-pool", "says": "Database connection pool > 80% utilized",
     "metric": "pg_stat_activity_count", "comparison": ">", "threshold": 0.8},
    {"cloud": "kubernetes", "runbook": "003", "name": "cache-hit", "says": "Cache hit rate < 90%",
     "metric": "redis_keyspace_hits_total", "comparison": "<", "threshold": 0.9},
    {"cloud": "kubernetes", "runbook": "003", "name": "cpu", "says": "CPU utilization > 80% for >5 minutes",
     "metric": "container_cpu_usage_seconds_total", "dimensions": {"resource": "cpu"}, "comparison": ">",
     "threshold": 0.8, **_5MIN},
    {"cloud": "kubernetes", "runbook": "003", "name": "memory", "says": "Memory usage > 85% for >5 minutes",
     "metric": "container_memory_working_set_bytes", "dimensions": {"resource": "memory"}, "comparison": ">",
     "threshold": 0.85, **_5MIN},
    {"cloud": "kubernetes", "runbook": "003", "name": "service-down", "says": "Service downtime", "metric": "up",
     "comparison": "==", "threshold": 0},
    {"cloud": "kubernetes", "runbook": "003", "name": "db-errors", "says": "Database read/write errors",
     "metric": "pg_stat_database_xact_rollback", "comparison": ">", "threshold": 0},
    {"cloud": "kubernetes", "runbook": "004", "name": "rollback-error-rate",
     "says": "Error rate > 5% (critical threshold)", "metric": "http_requests_total", "comparison": ">",
     "threshold": 0.05},
)

# AUTOSCALING: (runbook, min, max) by platform; runbook 003 names each service's range (lines 156-163).
CAPACITY: dict[str, tuple[str, int, int]] = {
    "ecs": ("000", 3, 10), "azure-autoscale": ("002", 3, 10), "kubernetes-hpa": ("004", 5, 50),
}
CAPACITY_003: dict[str, tuple[int, int]] = {
    "auth-service": (3, 10), "user-profile-service": (3, 10), "websocket-signaling-service": (5, 15),
    "chat-service": (5, 15), "friend-request-service": (2, 8), "notification-service": (3, 10),
    "video-call-signaling-service": (5, 15), "otp-service": (2, 8),
}

# DASHBOARDS: runbook 000 lines 659-683 "Key Metrics to Monitor" (ECS CPU/memory, RDS connections, ALB latency and
# 5xx) and the Azure metric names it lists for silenttalk-production-api.
DASHBOARD_METRICS: dict[str, tuple[str, ...]] = {
    "aws": ("CPUUtilization", "MemoryUtilization", "DatabaseConnections", "HTTPCode_Target_5XX_Count",
            "TargetResponseTime"),
    "azure": ("CpuPercentage", "MemoryPercentage", "Http5xx"),
}

# Live-only items: what a person must name, said once.
LIVE_ONLY = {
    "HEALTH": "health URLs and their JSON contract",
    "SEC-HEADERS": "the origins whose response headers are judged",
    "LATENCY-P95": "the API URLs sampled for p95",
    "WEBSOCKET": "the wss:// endpoints",
    "SMOKE": "the smoke chains and the smoke user's credentials",
}
