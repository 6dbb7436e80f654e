"""Lab coturn: a private turnserver (Debian's coturn 4.6) on loopback with the lab CA, and broken variants.

Runbook 000's configuration on lab ports: REST-API credentials (use-auth-secret with a secret generated once per
lab state directory, ``<state>/turn-secret``), UDP+TCP on the listening port, TLS on the TLS port (certificate
from the lab CA), relay range 61000-61200 (inside 49152-65535, above Linux's ephemeral ports so no client socket takes them), no-cli, fingerprint, denied-peer-ip for the
private ranges. Lab only: ``allow-loopback-peers``, because the check's peer socket is on 127.0.0.1 and coturn
refuses loopback peers by default. Each broken variant changes one thing, named by the variant.

coturn 4.6.1 negotiates at most TLS 1.2 on its TLS listener (no TLS 1.3; ``no-tlsv1_2`` leaves the port
hanging), so the compliant variant is TLS 1.2 with 1.0/1.1 refused, and the TLS breach is ``legacy-tls``.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aioice import stun

from golive.lab.component import Component
from golive.lab.runtime import LabRuntime, tcp_ready

TURNSERVER = "/usr/bin/turnserver"
REALM = "turn.lab.golive.test"
PRIVATE_RANGES = ("10.0.0.0-10.255.255.255", "172.16.0.0-172.31.255.255", "192.168.0.0-192.168.255.255",
                  "169.254.0.0-169.254.255.255", "100.64.0.0-100.127.255.255")


@dataclass(frozen=True)
class CoturnVariant:
    """Everything a variant may change about the server."""

    auth: str = "secret"  # secret | none | static-user
    relay: tuple[int, int] = (61000, 61200)
    tls: bool = True
    legacy_tls: bool = False  # accept TLS 1.0/1.1 (no no-tlsv1*, cipher list at security level 0)
    denied: tuple[str, ...] = field(default=PRIVATE_RANGES)


VARIANTS: dict[str, tuple[str, CoturnVariant]] = {
    "compliant": ("use-auth-secret, UDP/TCP/TLS, relay 61000-61200, private peers denied", CoturnVariant()),
    "no-auth": ("no-auth: anyone allocates without credentials", CoturnVariant(auth="none")),
    "static-user": ("lt-cred-mech with a static user= instead of use-auth-secret", CoturnVariant(auth="static-user")),
    "relay-outside": ("relay range 40000-40100, outside 49152-65535", CoturnVariant(relay=(40000, 40100))),
    "no-tls": ("no TLS listener (no-tls, no certificate)", CoturnVariant(tls=False)),
    "legacy-tls": ("TLS 1.0 and 1.1 accepted on the TLS port", CoturnVariant(legacy_tls=True)),
    "private-peers": ("no denied-peer-ip: relays to 10/8, 169.254.169.254 and the other private ranges",
                      CoturnVariant(denied=())),
}


def lab_secret(rt: LabRuntime) -> Path:
    """The lab's TURN shared secret, created once per state directory (the `local` profile reads this file)."""
    path = rt.state_dir / "turn-secret"
    if not path.exists():
        path.write_text(secrets.token_hex(24) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path


def render_config(v: CoturnVariant, where: Path, ports: dict[str, int], secret: str, cert: Path, key: Path) -> str:
    auth = {"secret": f"use-auth-secret\nstatic-auth-secret={secret}",
            "none": "no-auth",
            "static-user": f"lt-cred-mech\nuser=golive-check:{secrets.token_hex(8)}"}[v.auth]
    tls = (f"cert={cert}\npkey={key}\n" + ("cipher-list=\"ALL:@SECLEVEL=0\"" if v.legacy_tls
                                           else "no-tlsv1\nno-tlsv1_1")) if v.tls else "no-tls"
    denied = "\n".join(f"denied-peer-ip={r}" for r in v.denied)
    return f"""# golive lab coturn ({where.name}); generated, do not edit
listening-ip=127.0.0.1
relay-ip=127.0.0.1
listening-port={ports['turn']}
tls-listening-port={ports['tls']}
min-port={v.relay[0]}
max-port={v.relay[1]}
realm={REALM}
{auth}
fingerprint
no-cli
no-dtls
no-rfc5780
no-multicast-peers
{tls}
{denied}
# lab only: the check's peer socket is on 127.0.0.1, which coturn refuses by default
allow-loopback-peers
pidfile={where}/turnserver.pid
userdb={where}/turndb
log-file=stdout
simple-log
"""


def stun_ready(port: int) -> Callable[[], bool]:
    """Ready when a STUN Binding request over UDP gets a success response."""
    def check() -> bool:
        request = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(0.2)
            try:
                sock.sendto(bytes(request), ("127.0.0.1", port))
                answer = stun.parse_message(sock.recv(2048))
            except (OSError, ValueError):
                return False
        return answer.transaction_id == request.transaction_id and answer.message_class == stun.Class.RESPONSE
    return check


class Coturn(Component):
    name = "coturn"
    variants = {name: why for name, (why, _) in VARIANTS.items()}
    lab_ports = {"turn": 18478, "tls": 18349}
    udp_ports = frozenset({"turn"})

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        where = rt.dir(instance)
        spec = VARIANTS[variant][1]
        cert_file, key_file = rt.server_cert(where, "127.0.0.1", "localhost", REALM)
        secret_file = lab_secret(rt)
        conf = where / "turnserver.conf"
        conf.write_text(render_config(spec, where, ports, secret_file.read_text(encoding="utf-8").strip(),
                                      cert_file, key_file), encoding="utf-8")
        conf.chmod(0o600)
        stun_ok, tls_ok = stun_ready(ports["turn"]), tcp_ready(ports["tls"])
        ready = (lambda: stun_ok() and tls_ok()) if spec.tls else stun_ok
        rt.spawn(instance, [TURNSERVER, "-c", str(conf)], ready)
        return {"turn": f"127.0.0.1:{ports['turn']}", "tls": f"127.0.0.1:{ports['tls']}", "config": str(conf),
                "secret_file": str(secret_file), "relay": f"{spec.relay[0]}-{spec.relay[1]}"}


COMPONENT = Coturn()
