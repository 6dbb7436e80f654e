"""Lab WAF: nginx ``limit_req`` in front of a small API, the runbook's rate limits scaled for a quick test.

Runbook 002 asks 2000 requests per 5 minutes per IP, 1000 on /api. Scaled here to 20 per 10 s on every
path under /app/ and /api/, and 10 per 10 s on /api/ (nginx leaky bucket: rate = limit per window,
burst = limit - 1, nodelay, so a quick burst gets exactly ``limit`` answers before the first refusal).
The site is the nginx component's (its config renderer, through its extra_http/extra_server hooks).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from golive.lab.component import Component
from golive.lab.components.nginx import NGINX, NginxVariant, render_config
from golive.lab.runtime import LabRuntime, tcp_ready

WINDOW_S = 10
GENERAL_LIMIT = 20  # runbook 002: 2000 per 300 s, scaled
API_LIMIT = 10  # runbook 002: 1000 per 300 s on /api, scaled
BURST_PATH = "/api/test"  # runbook 000 line 540 bursts /api/test


@dataclass(frozen=True)
class Limits:
    """api_limit: requests per WINDOW_S on /api/ (None: no limit at all); status: limit_req_status (None: 503)."""

    api_limit: int | None
    status: int | None
    retry_after: bool = False


VARIANTS: dict[str, tuple[str, Limits]] = {
    "compliant": (f"{API_LIMIT} per {WINDOW_S} s on /api, {GENERAL_LIMIT} in general, answered 429 with Retry-After",
                  Limits(API_LIMIT, 429, retry_after=True)),
    "answers-503": ("limit_req without limit_req_status: nginx's default 503", Limits(API_LIMIT, None)),
    "answers-403": ("the limit answers 403, like an AWS Block without CustomResponse", Limits(API_LIMIT, 403)),
    "no-limit": ("no rate limit at all: 200 forever", Limits(None, None)),
    "limit-too-low": (f"429 after 2 requests per {WINDOW_S} s: far too early", Limits(2, 429)),
}


def _zone(name: str, limit: int) -> str:
    return f"  limit_req_zone $binary_remote_addr zone={name}:1m rate={limit * 60 // WINDOW_S}r/m;"


def _limit(zone: str, limit: int) -> str:
    return f"limit_req zone={zone} burst={limit - 1} nodelay;"


def site(limits: Limits) -> NginxVariant:
    """The nginx site of a variant: the nginx component's defaults plus the rate limits."""
    zones = [_zone("general", GENERAL_LIMIT)]
    api, general = "", _limit("general", GENERAL_LIMIT)
    if limits.api_limit is not None:
        zones.append(_zone("api", limits.api_limit))
        api = f"{_limit('api', limits.api_limit)} {general}"
    status = f"limit_req_status {limits.status};" if limits.status else ""
    ok = "default_type application/json; echo -n '{\"ok\":true}';"
    server = [f"    {status} limit_req_log_level warn;",
              f"    location /api/ {{ {api} {ok} }}",
              f"    location /app/ {{ {general} {ok} }}"]
    base = NginxVariant()
    if limits.retry_after:
        headers = " ".join(f'add_header {k} "{v}" always;' for k, v in base.headers.items())
        server += ["    error_page 429 = @too_many;",
                   f"    location @too_many {{ {headers} add_header Retry-After {WINDOW_S} always; "
                   f"default_type application/json; return 429 '{{\"error\":\"too many requests\"}}'; }}"]
    return replace(base, extra_http="\n".join(zones), extra_server="\n".join(server))


class Waf(Component):
    name = "waf"
    variants = {name: why for name, (why, _) in VARIANTS.items()}
    lab_ports = {"https": 18450, "http": 18451}

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        where = rt.dir(instance)
        (where / "tmp").mkdir(exist_ok=True)
        cert_file, key_file = rt.server_cert(where, "localhost", "127.0.0.1")
        conf = where / "nginx.conf"
        conf.write_text(render_config(site(VARIANTS[variant][1]), where, ports, cert_file, key_file), encoding="utf-8")
        rt.spawn(instance, [NGINX, "-p", str(where), "-c", str(conf)], tcp_ready(ports["https"]))
        https = f"https://127.0.0.1:{ports['https']}"
        return {"https": https, "burst": f"{https}{BURST_PATH}", "access_log": str(where / "access.log")}


COMPONENT = Waf()
