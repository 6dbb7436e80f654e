"""The go-live checklist: one entry per item, each proven by one module in checks/.

The registry is the single table the plugin, the report and the self-tests read: stable id,
title, severity, the runbook lines the item comes from, the module that proves it and what to do
when it fails (shown next to the failure, as Prowler shows remediation beside a finding).
"""

from __future__ import annotations

from dataclasses import dataclass

RUNBOOKS = {
    "000": "000_f1cf8b9e78ddfa0d.txt",
    "001": "001_107e378a1daf0bde.txt",
    "002": "002_da2ba377739a5c2c.txt",
    "003": "003_c200ecf4f1d5a1cc.txt",
    "004": "004_44b4804976778350.txt",
}


@dataclass(frozen=True)
class RunbookRef:
    """A line of a runbook in shared/seeds/ that an item comes from."""

    runbook: str
    line: int
    says: str

    @property
    def file(self) -> str:
        return RUNBOOKS[self.runbook]

    @property
    def label(self) -> str:
        return f"runbook {self.runbook} line {self.line}"


@dataclass(frozen=True)
class Item:
    """One checklist item."""

    id: str
    title: str
    severity: str  # allure severities: blocker, critical, normal, minor
    module: str  # path of the check module, relative to the repo root
    remediation: str
    runbook: tuple[RunbookRef, ...]

    @property
    def marker(self) -> str:
        """The pytest marker that selects this item (``-m tls_only``)."""
        return self.id.lower().replace("-", "_")


def _ref(runbook: str, line: int, says: str) -> RunbookRef:
    return RunbookRef(runbook, line, says)


ITEMS: tuple[Item, ...] = (
    Item("HEALTH", "Health endpoints answer 200 with their JSON contract", "blocker", "checks/test_health.py",
         "Fix the failing dependency or the health handler; the body must report every dependency as up.",
         (_ref("000", 571, '{"status":"healthy","database":"connected","redis":"connected"}'),
          _ref("003", 10, "Port: 3001"),
          _ref("004", 532, "GET /health/live"))),
    Item("ROLLOUT", "Every workload rolled out and running the release (all replicas ready, no restarts)", "blocker",
         "checks/test_rollout.py",
         "Finish or undo the rollout (kubectl rollout status / rollout undo; ECS: wait for the PRIMARY deployment to "
         "complete or roll back), fix the crashing or unready pods, and deploy the release to every replica.",
         (_ref("004", 309, "# 1. Check pod status"), _ref("004", 324, '"version": "1.2.3"'),
          _ref("003", 116, "kubectl rollout status deployment/auth-service -n social-platform-production"))),
    Item("TLS-ONLY", "TLS 1.3 only, certificates at least 30 days from expiry", "critical", "checks/test_tls_only.py",
         "Set the listener policy to a TLS 1.3-only policy (ELBSecurityPolicy-TLS13-1-3-2021-06, minTlsVersion 1.3) "
         "and renew certificates before the last 30 days.",
         (_ref("000", 533, "Should not connect with TLS 1.2"), _ref("001", 47, "SSL certificates valid (>30 days remaining)"),
          _ref("002", 252, "TLS 1.3 enforced"))),
    Item("SEC-HEADERS", "Security headers: HSTS, nosniff, X-Frame-Options DENY, CSP", "critical",
         "checks/test_sec_headers.py",
         "Add the headers at the edge (ALB/Front Door/ingress) with 'always' so they hold on errors and redirects.",
         (_ref("000", 550, "Strict-Transport-Security: max-age=31536000"),)),
    Item("WAF-429", "WAF rate limiting answers 429 (2000 req/5 min per IP, 1000 on /api)", "critical",
         "checks/test_waf_429.py",
         "Add a rate-based rule with Block and CustomResponse 429, associated with the load balancer/CDN.",
         (_ref("000", 542, "429 Too Many Requests"),
          _ref("002", 260, "General rate limit: 2000 requests per 5 minutes per IP"))),
    Item("MULTI-AZ", "Three zones for database, cache, compute and load balancer", "blocker", "checks/test_multi_az.py",
         "Spread every tier over three zones: subnets, tasks, Multi-AZ RDS/ElastiCache, zone-redundant HA.",
         (_ref("000", 196, "VPC and subnets in 3 availability zones"), _ref("002", 219, "distributed across 3 availability zones"),
          _ref("003", 58, "PostgreSQL cluster with 3 nodes (multi-AZ)"),
          _ref("004", 106, "3 availability zones (multi-AZ)"))),
    Item("BACKUPS", "Backups every 6 h kept 30 days, recent ones exist", "blocker", "checks/test_backups.py",
         "Schedule the backup rule every 6 h (cron(0 */6 * * ? *)) with 30-day retention and fix failing jobs.",
         (_ref("000", 718, "Frequency: Every 6 hours (0, 6, 12, 18 UTC)"), _ref("001", 48, "Backup verified (< 24 hours old)"),
          _ref("002", 234, "Automated snapshots every 6 hours"))),
    Item("ALARMS", "Alarms on CPU, memory, DB connections, disk, 5xx, health, backups, wired to someone", "critical",
         "checks/test_alarms.py",
         "Create the missing alarm with the runbook's threshold and period, and wire it to an SNS topic/action group "
         "that has a subscriber.",
         (_ref("000", 691, "CPU > 70% for 5 minutes"), _ref("003", 173, "Critical Alerts"))),
    Item("DASHBOARDS", "Dashboards exist and chart the runbook's metrics", "normal", "checks/test_dashboards.py",
         "Create the dashboard (CloudWatch PutDashboard / an Azure portal dashboard shared in the resource group) "
         "with a widget for every metric the runbook lists.",
         (_ref("000", 606, "Verify dashboards created"), _ref("000", 609, "aws cloudwatch list-dashboards"),
          _ref("003", 167, "### Dashboards"))),
    Item("TURN", "TURN relay allocation for WebRTC over UDP, TCP and TLS", "critical", "checks/test_turn.py",
         "Run coturn with use-auth-secret on 3478 UDP/TCP and 5349 TLS, relay ports 49152-65535, and open them.",
         (_ref("000", 407, "listening-port=3478"),)),
    Item("LATENCY-P95", "API p95 under 200 ms, error rate under 1 %", "critical", "checks/test_latency_p95.py",
         "Find the slow handler (traces, DB queries) or add capacity before go-live.",
         (_ref("001", 29, "API p95 <200ms"), _ref("001", 215, "Error rate should remain < 1%"))),
    Item("AUTOSCALING", "Autoscaling at 70 % CPU (min 3, max 10), confirmed under load", "critical",
         "checks/test_autoscaling.py",
         "Register target tracking on average CPU at 70 % with the runbook's min/max capacity.",
         (_ref("002", 204, "CPU utilization target: 70%"),
          _ref("004", 253, "minReplicas: 5"))),
    Item("CDN", "Static assets served from the CDN cache", "normal", "checks/test_cdn.py",
         "Set a cache policy on the static path and make the origin send cacheable headers.",
         (_ref("000", 600, "X-Cache: Hit from cloudfront"),)),
    Item("SECRETS", "Secrets rotated, key vault protected", "critical", "checks/test_secrets.py",
         "Enable rotation (AWS) or soft delete + purge protection and expiry dates (Key Vault).",
         (_ref("000", 556, "Secrets Management"),
          _ref("002", 280, "Soft delete and purge protection enabled"))),
    Item("LOG-RETENTION", "Logs kept at least 30 days", "normal", "checks/test_log_retention.py",
         "Set the log group / workspace retention to at least 30 days.",
         (_ref("002", 314, "CloudWatch Logs with 30-day retention"),)),
    Item("LOGS-FLOWING", "Logs flowing: recent events in every named log group, namespace and Log Analytics "
         "workspace, few errors", "critical",
         "checks/test_logs_flowing.py",
         "Fix the log shipping (awslogs driver, task role logs:PutLogEvents, the pods' stdout, the Container insights "
         "agent to Log Analytics) or the failing service; an error share above the bound is runbook 004's rollback "
         "trigger.",
         (_ref("000", 624, "Verify logs flowing"), _ref("000", 627, "aws logs tail /ecs/silenttalk-production-server"),
          _ref("000", 632, "ContainerLog | limit 10"),
          _ref("004", 342, "kubectl logs -f deployment/auth-service -n production --tail=100"))),
    Item("WEBSOCKET", "WebSocket upgrade over TLS 1.3, ping/pong or message, clean close", "critical",
         "checks/test_websocket.py",
         "Proxy the upgrade at every hop (nginx: proxy_http_version 1.1, proxy_set_header Upgrade $http_upgrade and "
         "Connection \"upgrade\"; ALB/Front Door allow WebSocket), answer pings, and allow TLS 1.3 only.",
         (_ref("000", 591, "wscat -c wss://api.silenttalk.com"), _ref("000", 592, "Should connect successfully"),
          _ref("003", 21, "Websocket Signaling Service"), _ref("003", 45, "Video Call Signaling Service"))),
    Item("SMOKE", "Smoke requests answer their status and fields in time (register 201, login then list)", "blocker",
         "checks/test_smoke.py",
         "Fix the failing endpoint (status, missing field, slow handler) or the smoke user's credentials before "
         "go-live; rerun the chain.",
         (_ref("000", 585, "Expected: 201 Created"), _ref("004", 334, "/v1/auth/login"),
          _ref("004", 339, "Authorization: Bearer $TEST_TOKEN"), _ref("003", 128, "Run Production Smoke Tests"))),
)

BY_ID: dict[str, Item] = {item.id: item for item in ITEMS}
BY_MODULE: dict[str, Item] = {item.module: item for item in ITEMS}


def item_for_module(path: str) -> Item | None:
    """The item a check module proves, given a path ending in ``checks/test_x.py``."""
    for module, item in BY_MODULE.items():
        if path.replace("\\", "/").endswith(module):
            return item
    return None
