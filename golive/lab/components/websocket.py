"""Lab WebSocket endpoint: a ``websockets`` echo server behind the lab nginx (TLS 1.3, the upgrade proxied).

Serves WEBSOCKET (runbook 000 line 591 ``wscat -c wss://api.silenttalk.com``; runbook 003's signaling services):
``wss://127.0.0.1:<https>/ws`` reaches the echo server on the ``backend`` port through nginx's proxy with the
Upgrade and Connection headers set. Each broken variant changes one thing, named by the variant.

Run the backend as ``python -m golive.lab.components.websocket --port P --mode echo|no-pong|one-in-three``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass, replace

from golive.lab.component import Component
from golive.lab.components import nginx
from golive.lab.runtime import LabRuntime, tcp_ready

PATH = "/ws"


@dataclass(frozen=True)
class WsVariant:
    """protocols: nginx ssl_protocols; proxy: how /ws is proxied (upgrade, plain, refuse); mode: the backend's."""

    protocols: tuple[str, ...] = ("TLSv1.3",)
    proxy: str = "upgrade"
    mode: str = "echo"


VARIANTS: dict[str, tuple[str, WsVariant]] = {
    "compliant": ("TLS 1.3 only, the upgrade proxied, an echo server that answers pings and closes cleanly",
                  WsVariant()),
    "upgrade-refused": ("nginx answers 403 to the upgrade request on /ws", WsVariant(proxy="refuse")),
    "no-upgrade-headers": ("nginx proxies /ws without proxy_set_header Upgrade/Connection: the backend sees a "
                           "plain request and answers 426", WsVariant(proxy="plain")),
    "no-pong": ("the server never answers pings (it still echoes messages and closes)", WsVariant(mode="no-pong")),
    "one-in-three-no-pong": ("one backend of three is broken: every third connection gets no pong (the others "
                             "answer), as behind a load balancer with one bad replica", WsVariant(mode="one-in-three")),
    "tls12-allowed": ("TLS 1.2 accepted as well as 1.3", WsVariant(protocols=("TLSv1.2", "TLSv1.3"))),
}


def _location(proxy: str, backend: int) -> str:
    if proxy == "refuse":
        return f"    location {PATH} {{ return 403; }}"
    upgrade = ('proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; '
               if proxy == "upgrade" else "")
    return (f"    location {PATH} {{ proxy_pass http://127.0.0.1:{backend}; proxy_http_version 1.1; {upgrade}"
            f"proxy_read_timeout 30s; }}")


class Websocket(Component):
    name = "websocket"
    variants = {name: why for name, (why, _) in VARIANTS.items()}
    lab_ports = {"https": 18460, "backend": 18461}

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        spec = VARIANTS[variant][1]
        where = rt.dir(instance)
        (where / "tmp").mkdir(exist_ok=True)
        rt.spawn(f"{instance}-backend", [sys.executable, "-m", "golive.lab.components.websocket", "--port",
                                         str(ports["backend"]), "--mode", spec.mode], tcp_ready(ports["backend"]))
        cert_file, key_file = rt.server_cert(where, "localhost", "127.0.0.1", "api.lab.golive.test")
        site = replace(nginx.NginxVariant(), protocols=spec.protocols, listen_http=False,
                       extra_server=_location(spec.proxy, ports["backend"]))
        conf = where / "nginx.conf"
        conf.write_text(nginx.render_config(site, where, ports, cert_file, key_file), encoding="utf-8")
        rt.spawn(instance, [nginx.NGINX, "-p", str(where), "-c", str(conf)], tcp_ready(ports["https"]))
        return {"wss": f"wss://127.0.0.1:{ports['https']}{PATH}", "https": f"https://127.0.0.1:{ports['https']}",
                "access_log": str(where / "access.log")}


COMPONENT = Websocket()


# --- the backend --------------------------------------------------------------------------------------
async def _echo(ws) -> None:  # noqa: ANN001 (a websockets ServerConnection)
    async for message in ws:
        await ws.send(message)


def _drop_pongs(connection, request) -> None:  # noqa: ANN001 (websockets' process_request hook)
    """The no-pong variant: frames the protocol would send as a pong are dropped."""
    from websockets.frames import OP_PONG

    send = connection.protocol.send_frame
    connection.protocol.send_frame = lambda frame: None if frame.opcode is OP_PONG else send(frame)


def _every_third(hook):  # noqa: ANN001, ANN202
    """The one-in-three variant: ``hook`` on the 3rd, 6th, ... connection only (one bad replica of three)."""
    seen = [0]

    def maybe(connection, request) -> None:  # noqa: ANN001
        seen[0] += 1
        if seen[0] % 3 == 0:
            hook(connection, request)
    return maybe


async def _serve(port: int, mode: str) -> None:
    from websockets.asyncio.server import serve

    hook = {"no-pong": _drop_pongs, "one-in-three": _every_third(_drop_pongs)}.get(mode)
    async with serve(_echo, "127.0.0.1", port, process_request=hook, ping_interval=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="golive lab WebSocket echo backend")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=("echo", "no-pong", "one-in-three"), default="echo")
    args = parser.parse_args()
    asyncio.run(_serve(args.port, args.mode))
