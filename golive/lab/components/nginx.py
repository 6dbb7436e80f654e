"""Lab nginx: a private nginx (Debian package) serving the runbooks' HTTPS site, with broken variants.

Serves HEALTH's contracts (runbooks 000 and 004) with TLS 1.3 only and the runbook's headers.
Each broken variant changes one thing, named by the variant.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from golive.lab.component import Component
from golive.lab.runtime import LabRuntime, tcp_ready

NGINX = "/usr/sbin/nginx"
ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"

SILENTTALK_HEALTH = {"status": "healthy", "database": "connected", "redis": "connected"}
ENTERPRISE_HEALTH = {
    "status": "healthy", "version": "1.2.3", "uptime": 3600,
    "services": {"database": {"status": "healthy", "latency": 5}, "redis": {"status": "healthy", "latency": 2},
                 "elasticsearch": {"status": "healthy", "latency": 10}},
    "metrics": {"memoryUsage": 512, "cpuUsage": 45},
}
ENTERPRISE_LIVE = {"status": "ok", "timestamp": "2025-01-17T14:00:00Z"}
ENTERPRISE_READY = {"status": "ready",
                    "checks": {"database": "connected", "redis": "connected", "elasticsearch": "connected"}}

SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; frame-ancestors 'none'",
}


@dataclass(frozen=True)
class Route:
    """An exact-match location: status and body, optionally delayed (echo module)."""

    status: int
    body: str
    content_type: str = "application/json"
    delay_s: float = 0.0


def _json(obj: object) -> str:
    return json.dumps(obj, separators=(",", ":"))


def _default_routes() -> dict[str, Route]:
    return {
        "/health": Route(200, _json(SILENTTALK_HEALTH)),
        "/client/health": Route(200, "healthy", "text/plain"),
        "/v1/health": Route(200, _json(ENTERPRISE_HEALTH)),
        "/health/live": Route(200, _json(ENTERPRISE_LIVE)),
        "/health/ready": Route(200, _json(ENTERPRISE_READY)),
    }


@dataclass(frozen=True)
class NginxVariant:
    """Everything a variant may change about the site."""

    protocols: tuple[str, ...] = ("TLSv1.3",)
    headers: dict[str, str] = field(default_factory=lambda: dict(SECURITY_HEADERS))
    headers_always: bool = True  # also on error pages and redirects
    routes: dict[str, Route] = field(default_factory=_default_routes)
    redirect_http: bool = True
    extra_http: str = ""  # raw directives in the http block (later issues: caches, rate limits)
    extra_server: str = ""  # raw directives in the HTTPS server block


def _with_route(path: str, route: Route) -> NginxVariant:
    base = NginxVariant()
    return replace(base, routes={**base.routes, path: route})


VARIANTS: dict[str, tuple[str, NginxVariant]] = {
    "compliant": ("TLS 1.3 only, the runbook's headers and health contracts", NginxVariant()),
    "health-wrong-status": ("/health answers 503",
                            _with_route("/health", Route(503, _json({"status": "unhealthy"})))),
    "health-wrong-json": ("/health answers 200 with a body that is not JSON",
                          _with_route("/health", Route(200, "<html>OK</html>", "text/html"))),
    "health-dependency-down": ("/health answers 200 but says redis is disconnected",
                               _with_route("/health", Route(200, _json({**SILENTTALK_HEALTH,
                                                                        "redis": "disconnected"})))),
    "health-slow": ("/health answers after 3 s", _with_route("/health", Route(200, _json(SILENTTALK_HEALTH),
                                                                             delay_s=3.0))),
}


def _location(path: str, route: Route) -> str:
    body = route.body.replace("\\", "\\\\").replace("'", "\\'")
    if route.delay_s:
        return (f"location = {path} {{ default_type {route.content_type}; echo_status {route.status}; "
                f"echo_sleep {route.delay_s}; echo -n '{body}'; }}")
    return f"location = {path} {{ default_type {route.content_type}; return {route.status} '{body}'; }}"


def render_config(variant: NginxVariant, rt_dir: Path, ports: dict[str, int], cert: Path, key: Path) -> str:
    always = " always" if variant.headers_always else ""
    headers = "\n".join(f"    add_header {name} \"{value}\"{always};" for name, value in variant.headers.items())
    locations = "\n".join(f"    {_location(p, r)}" for p, r in variant.routes.items())
    temp = rt_dir / "tmp"
    user = "user root root;" if os.geteuid() == 0 else ""
    redirect = (f"return 301 https://$host:{ports['https']}$request_uri;" if variant.redirect_http
                else "return 200 'plain http';")
    return f"""
load_module {ECHO_MODULE};
{user}
worker_processes 1;
daemon off;
pid {rt_dir}/nginx.pid;
error_log {rt_dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  log_format golive '$remote_addr [$time_iso8601] "$request" $status $body_bytes_sent rt=$request_time';
  access_log {rt_dir}/access.log golive;
  client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
  server_tokens off;
{variant.extra_http}
  server {{
    listen 127.0.0.1:{ports['http']};
{headers}
    location / {{ {redirect} }}
  }}
  server {{
    listen 127.0.0.1:{ports['https']} ssl;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols {' '.join(variant.protocols)};
{headers}
{variant.extra_server}
{locations}
    location / {{ default_type text/html; return 200 '<!doctype html><title>golive lab</title>'; }}
  }}
}}
"""


class Nginx(Component):
    name = "nginx"
    variants = {name: why for name, (why, _) in VARIANTS.items()}
    lab_ports = {"https": 18443, "http": 18080}

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        where = rt.dir(instance)
        (where / "tmp").mkdir(exist_ok=True)
        cert = rt.ca().issue_cert("localhost", "127.0.0.1", "api.lab.golive.test")
        cert_file, key_file = where / "cert.pem", where / "key.pem"
        cert.cert_chain_pems[0].write_to_path(str(cert_file))
        cert.private_key_pem.write_to_path(str(key_file))
        conf = where / "nginx.conf"
        conf.write_text(render_config(VARIANTS[variant][1], where, ports, cert_file, key_file), encoding="utf-8")
        rt.spawn(instance, [NGINX, "-p", str(where), "-c", str(conf)], tcp_ready(ports["https"]))
        return {"https": f"https://127.0.0.1:{ports['https']}", "http": f"http://127.0.0.1:{ports['http']}",
                "access_log": str(where / "access.log")}


COMPONENT = Nginx()
