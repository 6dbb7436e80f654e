"""Lab latency target: the lab nginx (nginx.py's config) serving an API whose latency each variant shapes.

The access log records ``rt=$request_time`` for every request: the server-side truth the sampler's p95 is
proven against. Delays use the echo module's non-blocking ``echo_sleep``, so nginx itself never stalls.
"""

from __future__ import annotations

import time
from dataclasses import replace

from golive.lab.component import Component
from golive.lab.components import nginx
from golive.lab.runtime import LabRuntime, tcp_ready

API = "/api/v1/users/me"
BODY = '{"id":"u-1","name":"lab user","status":"active"}'
HANDLER_S = 0.02  # the compliant handler's time: a 20 ms API
STALL_MS = 300  # fraction-delayed: the first 300 ms of every second


def _stall_map() -> str:
    """$golive_delay by arrival time: during the stall a request waits until it ends (10 ms buckets)."""
    lines = [f"    ~\\.{b:02d}\\d$ {(STALL_MS - 10 * b - 5) / 1000:.3f};" for b in range(STALL_MS // 10)]
    return "  map $msec $golive_delay {\n" + "\n".join(lines) + f"\n    default {HANDLER_S};\n  }}"


def _api(delay: str, fail: bool = False) -> str:
    error = "if ($golive_fail) { return 500 '{\"error\":\"internal\"}'; } " if fail else ""
    return (f"location = {API} {{ {error}default_type application/json; echo_sleep {delay}; "
            f"echo -n '{BODY}'; }}")


_ERRORS = '  split_clients "${request_id}" $golive_fail { 5% 1; * 0; }'
ERRORS_AFTER_S, MIDWAY_SHARE = 4, 30  # errors-midway: from 4 s after launch, 30 % of requests answer 500
_FROM = "@golive-errors-from@"  # replaced at launch by the epoch second the errors start
_MIDWAY = (f'  map $msec $golive_late {{ "{_FROM}" 1; default 0; }}\n'
           f'  split_clients "${{request_id}}" $golive_pick {{ {MIDWAY_SHARE}% 1; * 0; }}\n'
           '  map "$golive_late$golive_pick" $golive_fail { 11 1; default 0; }')


def _from_second(epoch_s: int) -> str:
    """A regex matching nginx's $msec ("1700000123.456") from this epoch second on (same number of digits)."""
    d = str(epoch_s)
    later = [f"{d[:i]}[{int(d[i]) + 1}-9]" + "\\d" * (len(d) - i - 1) for i in range(len(d)) if d[i] != "9"]
    return "~^(" + "|".join([d, *later]) + ")\\."

VARIANTS: dict[str, tuple[str, str, str]] = {  # name -> (what is wrong, extra http block, api location)
    "compliant": (f"every answer in about {HANDLER_S * 1000:g} ms, no errors", "", _api(str(HANDLER_S))),
    "slow": ("every answer takes 250 ms (p95 over the 200 ms budget)", "", _api("0.25")),
    "error-prone": ("5 % of requests answer 500", _ERRORS, _api(str(HANDLER_S), fail=True)),
    "fraction-delayed": (f"the backend stalls for the first {STALL_MS} ms of every second: requests arriving "
                         f"then are answered when the stall ends (~30 % of responses delayed up to {STALL_MS} ms)",
                         _stall_map(), _api("$golive_delay")),
    "errors-midway": (f"compliant for the first {ERRORS_AFTER_S} s after launch, then {MIDWAY_SHARE} % of requests "
                      f"answer 500 (golive watch: ROLL BACK on error rate > 5 %)", _MIDWAY,
                      _api(str(HANDLER_S), fail=True)),
}


class Latency(Component):
    name = "latency"
    variants = {name: why for name, (why, _, _) in VARIANTS.items()}
    lab_ports = {"https": 18600, "http": 18601}

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        _, http_block, location = VARIANTS[variant]
        http_block = http_block.replace(_FROM, _from_second(int(time.time()) + ERRORS_AFTER_S))
        where = rt.dir(instance)
        (where / "tmp").mkdir(exist_ok=True)
        cert_file, key_file = rt.server_cert(where, "localhost", "127.0.0.1", "api.lab.golive.test")
        site = replace(nginx.NginxVariant(), extra_http=http_block, extra_server=f"    {location}")
        conf = where / "nginx.conf"
        conf.write_text(nginx.render_config(site, where, ports, cert_file, key_file), encoding="utf-8")
        rt.spawn(instance, [nginx.NGINX, "-p", str(where), "-c", str(conf)], tcp_ready(ports["https"]))
        base = f"https://127.0.0.1:{ports['https']}"
        return {"https": base, "api": f"{base}{API}", "access_log": str(where / "access.log")}


COMPONENT = Latency()
