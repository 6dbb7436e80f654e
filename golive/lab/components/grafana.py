"""Lab Grafana: a small HTTPS server answering the two read-only calls of Grafana's HTTP API that DASHBOARDS makes.

``GET /api/search?type=dash-db`` (a list of hits: id, uid, title, uri, url, slug, type "dash-db", tags, isStarred,
folderUid, folderTitle) and ``GET /api/dashboards/uid/<uid>`` (``{"meta": {...}, "dashboard": {...panels...}}``,
404 ``{"message": "Dashboard not found"}`` otherwise), both behind ``Authorization: Bearer <token>`` (401
``{"message": "Unauthorized"}`` without it). The dashboard is runbook 003's "Social Platform Production": a
Prometheus panel per service metric, a collapsed row holding more, and a CloudWatch panel (namespace/metricName).
The API token is written to ``<lab dir>/<instance>/token`` (a lab secret; the profile references it).

Run as ``python -m golive.lab.components.grafana --port P --variant V --token-file F --cert C --key K``.
"""

from __future__ import annotations

import secrets
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from golive.lab.component import Component
from golive.lab.json_https import JsonHandler, launch, main
from golive.lab.runtime import LabRuntime

UID, TITLE = "social-platform-prod", "Social Platform Production"

VARIANTS = {
    "compliant": f"dashboard {TITLE!r} charts http_requests_total, http_request_duration_seconds_bucket, "
                 "process_cpu_seconds_total (Prometheus) and AWS/ApplicationELB HTTPCode_Target_5XX_Count",
    "dashboard-missing": f"no dashboard {TITLE!r} (search lists another one only)",
    "panel-metric-missing": f"dashboard {TITLE!r} has no panel charting http_request_duration_seconds_bucket",
}


def _prometheus(panel_id: int, title: str, expr: str) -> dict[str, Any]:
    return {"id": panel_id, "type": "timeseries", "title": title, "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
            "datasource": {"type": "prometheus", "uid": "prometheus"},
            "targets": [{"datasource": {"type": "prometheus", "uid": "prometheus"}, "expr": expr, "refId": "A"}]}


def _dashboard(variant: str) -> dict[str, Any]:
    latency = _prometheus(3, "p95 latency", 'histogram_quantile(0.95, sum(rate('
                                            'http_request_duration_seconds_bucket{job="api"}[5m])) by (le))')
    inner = [_prometheus(4, "CPU", 'rate(process_cpu_seconds_total{job="api"}[5m])')]
    if variant != "panel-metric-missing":
        inner.append(latency)
    panels = [_prometheus(1, "Requests", 'sum(rate(http_requests_total{job="api"}[5m])) by (status)'),
              {"id": 2, "type": "row", "title": "Resources", "collapsed": True, "gridPos": {"h": 1, "w": 24},
               "panels": inner},
              {"id": 5, "type": "timeseries", "title": "ALB 5xx",
               "datasource": {"type": "cloudwatch", "uid": "cloudwatch"},
               "targets": [{"refId": "A", "namespace": "AWS/ApplicationELB", "metricName": "HTTPCode_Target_5XX_Count",
                            "dimensions": {"LoadBalancer": "app/social-platform-prod-alb/0123456789abcdef"},
                            "statistic": "Sum", "region": "default", "period": "60"}]}]
    return {"id": 7, "uid": UID, "title": TITLE, "tags": ["production"], "timezone": "browser", "schemaVersion": 39,
            "version": 3, "refresh": "30s", "time": {"from": "now-6h", "to": "now"}, "panels": panels}


def _hit(uid: str, title: str, dash_id: int) -> dict[str, Any]:
    slug = title.lower().replace(" ", "-")
    return {"id": dash_id, "uid": uid, "title": title, "uri": f"db/{slug}", "url": f"/d/{uid}/{slug}", "slug": "",
            "type": "dash-db", "tags": ["production"], "isStarred": False, "folderUid": "prod",
            "folderTitle": "Production", "folderUrl": "/dashboards/f/prod/production"}


class Grafana(Component):
    name = "grafana"
    variants = VARIANTS
    lab_ports = {"https": 18530}

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        token = launch(rt, instance, "golive.lab.components.grafana", ports["https"], variant, "token",
                       f"glsa_{secrets.token_urlsafe(24)}", "localhost", "127.0.0.1")
        return {"https": f"https://127.0.0.1:{ports['https']}", "token_file": str(token)}


COMPONENT = Grafana()


def _handler(variant: str, token: str) -> type[BaseHTTPRequestHandler]:
    hits = [_hit("ops-overview", "Ops Overview", 3)]
    dashboards = {}
    if variant != "dashboard-missing":
        hits.append(_hit(UID, TITLE, 7))
        dashboards[UID] = _dashboard(variant)

    class Handler(JsonHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if self.headers.get("Authorization") != f"Bearer {token}":
                return self.answer(401, {"message": "Unauthorized"})
            url = urlsplit(self.path)
            if url.path == "/api/search":
                kind = parse_qs(url.query).get("type", ["dash-db"])[0]
                return self.answer(200, hits if kind == "dash-db" else [])
            if url.path.startswith("/api/dashboards/uid/"):
                uid = url.path.removeprefix("/api/dashboards/uid/")
                if uid not in dashboards:
                    return self.answer(404, {"message": "Dashboard not found"})
                meta = {"type": "db", "canSave": False, "canEdit": False, "canAdmin": False, "canStar": True,
                        "slug": TITLE.lower().replace(" ", "-"), "url": f"/d/{uid}/", "expires":
                        "0001-01-01T00:00:00Z", "created": "2026-01-17T14:00:00Z", "updated": "2026-01-17T14:00:00Z",
                        "updatedBy": "admin", "createdBy": "admin", "version": 3, "hasAcl": False, "isFolder": False,
                        "folderId": 2, "folderUid": "prod", "folderTitle": "Production", "provisioned": False}
                return self.answer(200, {"meta": meta, "dashboard": dashboards[uid]})
            return self.answer(404, {"message": "Not found"})

        def do_POST(self) -> None:  # noqa: N802 (a read-only gate never writes: refuse loudly)
            self.answer(405, {"message": "the lab Grafana is read-only"})

    return Handler


if __name__ == "__main__":
    main("golive lab Grafana HTTP API", VARIANTS, "token", _handler)
