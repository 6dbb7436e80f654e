"""Lab nginx: a private nginx (Debian package) serving the runbooks' HTTPS site, with broken variants.

Serves HEALTH's contracts (runbooks 000 and 004) with TLS 1.3 only and the runbook's headers, and a
caching front (the lab's "CDN": nginx proxy_cache with X-Cache and Age) for runbook 000's static asset.
Each broken variant changes one thing, named by the variant.

Ports: ``https`` the origin, ``http`` its HTTP->HTTPS redirect, ``cdn`` the caching front (HTTPS).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from golive.lab.certs import issue, root_without_key_usage, write_pair
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

#: runbook 000's CDN check: curl -I https://cdn.silenttalk.com/static/js/main.js
STATIC_ASSET = "/static/js/main.js"
CDN_NAME = "golive-lab-cdn"
#: how long the front keeps an entry; the lab's Age header is exact below 100 s (see _age_map)
CDN_FRONT_TTL_S = 60


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
    listen_http: bool = True  # False: HTTPS only, nothing listens on the plain-HTTP port (connection refused)
    extra_http: str = ""  # raw directives in the http block (later issues: caches, rate limits)
    extra_server: str = ""  # raw directives in the HTTPS server block
    ciphers: str | None = None  # ssl_ciphers; None keeps nginx's default
    #: lab: issued by the lab CA for localhost/127.0.0.1/api.lab.golive.test (valid ~ 1 year);
    #: near-expiry: same names, expires in 10 days; wrong-host: lab CA, only wrong-host.golive.test;
    #: self-signed: signed by its own key (no CA in any trust store); private-ca-no-keyusage: lab names, issued
    #: by a private root made as ``openssl req -x509`` makes it (no keyUsage), the variant's own trust store
    cert: str = "lab"
    cdn_cache: bool = True  # the caching front caches (False: it only proxies)
    asset_cache_control: str = "public, max-age=86400"  # what the origin sends with the static asset


def _with_route(path: str, route: Route) -> NginxVariant:
    base = NginxVariant()
    return replace(base, routes={**base.routes, path: route})


def _alternating_versions(path: str, odd: str, even: str) -> str:
    """A location answering the enterprise health body whose version is ``odd`` on a connection's odd requests and
    ``even`` on its even ones (nginx's $connection_requests): two replicas behind one balancer, as a client sees."""
    body = _json({**ENTERPRISE_HEALTH, "version": "$golive_replica_version"})
    return (f"    location = {path} {{ default_type application/json; set $golive_replica_version \"{odd}\"; "
            f"if ($connection_requests ~ \"[02468]$\") {{ set $golive_replica_version \"{even}\"; }} "
            f"return 200 '{body}'; }}")


def _with_headers(**changes: str | None) -> NginxVariant:
    """The compliant site with headers changed (value) or removed (None); keys use _ for -."""
    headers = dict(SECURITY_HEADERS)
    for key, value in changes.items():
        name = key.replace("_", "-")
        if value is None:
            headers.pop(name)
        else:
            headers[name] = value
    return NginxVariant(headers=headers)


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
    # ROLLOUT (issue 16 bullet 1): the enterprise health body's "version" (runbook 004 step 5)
    "health-old-version": ("/v1/health says version 1.2.2 (the old release)",
                           _with_route("/v1/health", Route(200, _json({**ENTERPRISE_HEALTH, "version": "1.2.2"})))),
    "health-mixed-versions": ("/v1/health answers version 1.2.3 then 1.2.2 on alternate requests of a connection "
                              "(two replicas behind one balancer, one not rolled out)",
                              replace(NginxVariant(), routes={p: r for p, r in _default_routes().items()
                                                              if p != "/v1/health"},
                                      extra_server=_alternating_versions("/v1/health", "1.2.3", "1.2.2"))),
    # TLS-ONLY (issue 5)
    "tls12-enabled": ("TLS 1.2 accepted as well as 1.3", NginxVariant(protocols=("TLSv1.2", "TLSv1.3"))),
    "tls10-enabled": ("TLS 1.0 accepted as well as 1.3 (ciphers at OpenSSL security level 0)",
                      NginxVariant(protocols=("TLSv1", "TLSv1.3"), ciphers="DEFAULT:@SECLEVEL=0")),
    "cert-near-expiry": ("certificate expires in 10 days", NginxVariant(cert="near-expiry")),
    "cert-wrong-host": ("certificate names only wrong-host.golive.test", NginxVariant(cert="wrong-host")),
    "cert-self-signed": ("self-signed certificate (no trusted CA)", NginxVariant(cert="self-signed")),
    "tls-private-ca-no-keyusage": ("compliant, with a certificate from a private root without keyUsage (as "
                                   "`openssl req -x509` makes it); its trust store is endpoints['ca_bundle']",
                                   NginxVariant(cert="private-ca-no-keyusage")),
    # SEC-HEADERS (issue 5)
    "no-hsts": ("no Strict-Transport-Security", _with_headers(Strict_Transport_Security=None)),
    "weak-hsts": ("HSTS max-age=300 without includeSubDomains",
                  _with_headers(Strict_Transport_Security="max-age=300")),
    "no-nosniff": ("no X-Content-Type-Options", _with_headers(X_Content_Type_Options=None)),
    "no-frame-options": ("no X-Frame-Options (CSP still has frame-ancestors 'none')",
                         _with_headers(X_Frame_Options=None)),
    "frame-sameorigin": ("X-Frame-Options SAMEORIGIN and no frame-ancestors",
                         _with_headers(X_Frame_Options="SAMEORIGIN",
                                       Content_Security_Policy="default-src 'self'; script-src 'self'")),
    "no-csp": ("no Content-Security-Policy", _with_headers(Content_Security_Policy=None)),
    "csp-unsafe-inline": ("CSP script-src allows 'unsafe-inline'",
                          _with_headers(Content_Security_Policy="default-src 'self'; "
                                        "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'")),
    "csp-unsafe-eval": ("CSP has no script-src and default-src allows 'unsafe-eval'",
                        _with_headers(Content_Security_Policy="default-src 'self' 'unsafe-eval'; "
                                      "frame-ancestors 'none'")),
    "headers-not-on-errors": ("security headers without 'always': missing on 404 and other error pages",
                              NginxVariant(headers_always=False)),
    "no-redirect": ("plain HTTP answers 200 instead of redirecting to HTTPS", NginxVariant(redirect_http=False)),
    # SEC-HEADERS on HTTPS-only origins (issue 13): nothing listens on the http port
    "https-only": ("HTTPS only (no plain-HTTP listener), the runbook's headers", NginxVariant(listen_http=False)),
    "https-only-weak-headers": ("HTTPS only (no plain-HTTP listener); HSTS max-age=300, no nosniff, X-Frame-Options "
                                "SAMEORIGIN, CSP script-src 'unsafe-inline'",
                                replace(_with_headers(Strict_Transport_Security="max-age=300",
                                                      X_Content_Type_Options=None, X_Frame_Options="SAMEORIGIN",
                                                      Content_Security_Policy="default-src 'self'; "
                                                                              "script-src 'self' 'unsafe-inline'"),
                                        listen_http=False)),
    # CDN (issue 5)
    "no-caching": ("the CDN front proxies without caching (no X-Cache hit, no Age)", NginxVariant(cdn_cache=False)),
    "cdn-short-max-age": ("the static asset is sent with Cache-Control max-age=60",
                          NginxVariant(asset_cache_control="public, max-age=60")),
}


def _location(path: str, route: Route) -> str:
    body = route.body.replace("\\", "\\\\").replace("'", "\\'")
    if route.delay_s:
        return (f"location = {path} {{ default_type {route.content_type}; echo_status {route.status}; "
                f"echo_sleep {route.delay_s}; echo -n '{body}'; }}")
    return f"location = {path} {{ default_type {route.content_type}; return {route.status} '{body}'; }}"


def _age_map() -> str:
    """nginx cannot do arithmetic without perl/njs (not installed), and has no cache-age variable.

    The origin stamps the asset with ``X-Origin-Epoch: $msec``; the front keeps entries for less than
    100 s, so Age = (now - stored) mod 100 on the last two digits of the epoch seconds: exact, by table.
    """
    rows = "\n".join(f"    HIT:{s:02d}:{n:02d} {(n - s) % 100};" for s in range(100) for n in range(100))
    return f"""
  map_hash_max_size 16384;
  map_hash_bucket_size 64;
  map $upstream_http_x_origin_epoch $golive_stored2 {{ "~(?<d>[0-9][0-9])[.][0-9]+$" $d; default ""; }}
  map $msec $golive_now2 {{ "~(?<d>[0-9][0-9])[.][0-9]+$" $d; default ""; }}
  map "$upstream_cache_status:$golive_stored2:$golive_now2" $golive_age {{
    default "";
{rows}
  }}
  map $upstream_cache_status $golive_x_cache {{
    "" "";
    HIT "Hit from {CDN_NAME}";
    default "$upstream_cache_status from {CDN_NAME}";
  }}"""


def render_config(variant: NginxVariant, rt_dir: Path, ports: dict[str, int], cert: Path, key: Path) -> str:
    always = " always" if variant.headers_always else ""
    headers = "\n".join(f"    add_header {name} \"{value}\"{always};" for name, value in variant.headers.items())
    locations = "\n".join(f"    {_location(p, r)}" for p, r in variant.routes.items())
    asset_headers = " ".join(f"add_header {name} \"{value}\"{always};" for name, value in variant.headers.items())
    asset = (f"location = {STATIC_ASSET} {{ default_type application/javascript; {asset_headers} "
             f"add_header Cache-Control \"{variant.asset_cache_control}\"; add_header X-Origin-Epoch $msec; "
             f"return 200 'console.log(\"golive lab asset\");'; }}")
    ciphers = f"ssl_ciphers {variant.ciphers};" if variant.ciphers else ""
    tls = (f"ssl_certificate {cert}; ssl_certificate_key {key}; ssl_protocols {' '.join(variant.protocols)}; "
           f"{ciphers}")
    cache = (f"proxy_cache golive_cdn; proxy_cache_valid 200 {CDN_FRONT_TTL_S}s; "
             f"proxy_ignore_headers Cache-Control Expires;" if variant.cdn_cache else "proxy_cache off;")
    cdn = "" if "cdn" not in ports else f"""
  proxy_cache_path {rt_dir}/cdn-cache levels=1:2 keys_zone=golive_cdn:1m max_size=16m inactive=10m use_temp_path=off;
{_age_map()}
  server {{
    listen 127.0.0.1:{ports['cdn']} ssl;
    {tls}
    location / {{
      proxy_pass https://127.0.0.1:{ports['https']};
      proxy_ssl_protocols TLSv1.2 TLSv1.3;
      proxy_http_version 1.1;
      {cache}
      proxy_hide_header X-Origin-Epoch;
      add_header X-Cache $golive_x_cache always;
      add_header Age $golive_age always;
    }}
  }}"""
    temp = rt_dir / "tmp"
    user = "user root root;" if os.geteuid() == 0 else ""
    redirect = (f"return 301 https://$host:{ports['https']}$request_uri;" if variant.redirect_http
                else "return 200 'plain http';")
    plain = "" if not variant.listen_http else f"""
  server {{
    listen 127.0.0.1:{ports['http']};
{headers}
    location / {{ {redirect} }}
  }}"""
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
{plain}
  server {{
    listen 127.0.0.1:{ports['https']} ssl;
    {tls}
{headers}
{variant.extra_server}
{locations}
    {asset}
    location = / {{ default_type text/html; return 200 '<!doctype html><title>golive lab</title>'; }}
    location / {{ return 404; }}
  }}
{cdn}
}}
"""


class Nginx(Component):
    name = "nginx"
    variants = {name: why for name, (why, _) in VARIANTS.items()}
    lab_ports = {"https": 18443, "http": 18080, "cdn": 18444}

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        where = rt.dir(instance)
        (where / "tmp").mkdir(exist_ok=True)
        spec = VARIANTS[variant][1]
        cert_file, key_file = where / "cert.pem", where / "key.pem"
        trust_store = _write_cert(rt, spec.cert, cert_file, key_file)
        conf = where / "nginx.conf"
        conf.write_text(render_config(spec, where, ports, cert_file, key_file), encoding="utf-8")
        ready = [tcp_ready(ports[k]) for k in ("https", "cdn") if k in ports]
        rt.spawn(instance, [NGINX, "-p", str(where), "-c", str(conf)], lambda: all(r() for r in ready))
        endpoints = {"https": f"https://127.0.0.1:{ports['https']}", "access_log": str(where / "access.log")}
        if spec.listen_http:
            endpoints["http"] = f"http://127.0.0.1:{ports['http']}"
        else:  # HTTPS only: the port is reserved, nothing listens (a declared redirect probe there is refused)
            endpoints["http_closed"] = f"http://127.0.0.1:{ports['http']}"
        if trust_store is not None:
            endpoints["ca_bundle"] = str(trust_store)
        if "cdn" in ports:
            endpoints["cdn"] = f"https://127.0.0.1:{ports['cdn']}"
            endpoints["asset"] = f"https://127.0.0.1:{ports['cdn']}{STATIC_ASSET}"
        return endpoints


LAB_NAMES = ("localhost", "127.0.0.1", "api.lab.golive.test")


def _write_cert(rt: LabRuntime, kind: str, cert_file: Path, key_file: Path) -> Path | None:
    """The server certificate of a variant (see NginxVariant.cert), signed by the lab CA unless self-signed.
    Returns the variant's own trust store when it has one (private-ca-no-keyusage), else None.

    Issued by golive.lab.certs (not trustme.issue_cert, whose critical SAN strict validators reject).
    """
    now = dt.datetime.now(dt.UTC)
    names, not_before, not_after = LAB_NAMES, now - dt.timedelta(hours=1), now + dt.timedelta(days=365)
    if kind == "near-expiry":
        not_before, not_after = now - dt.timedelta(days=355), now + dt.timedelta(days=10)
    elif kind == "wrong-host":
        names = ("wrong-host.golive.test",)
    elif kind not in ("lab", "self-signed", "private-ca-no-keyusage"):
        raise ValueError(f"unknown certificate kind {kind!r}")
    trust_store = None
    if kind == "self-signed":
        issuer_cert, issuer_key = None, None
    elif kind == "private-ca-no-keyusage":
        issuer_cert, issuer_key = root_without_key_usage("golive lab private root (no keyUsage)")
        trust_store = cert_file.parent / "private-ca.pem"
        trust_store.write_bytes(issuer_cert.public_bytes(serialization.Encoding.PEM))
    else:
        ca = rt.ca()
        issuer_cert = x509.load_pem_x509_certificate(ca.cert_pem.bytes())
        issuer_key = serialization.load_pem_private_key(ca.private_key_pem.bytes(), password=None)
    write_pair(issue(names, not_before, not_after, issuer_cert, issuer_key), cert_file, key_file)
    return trust_store


COMPONENT = Nginx()
