"""WEBSOCKET probe: open a wss:// connection, exchange a ping/pong or a declared message, close; and try TLS 1.2.

Each connection is its own TCP connection (its local port is recorded), bounded by the deadline for upgrade and
exchange, then the same deadline again for the close (so a server that is slow to pong is not also judged unclean
on close): at most twice ``timeout_s`` per connection. The client is the ``websockets`` library (asyncio) over
``ssl_context(trust.ca_bundle)``, the one trust setting of every probe. Connecting that fails (refused,
unresolvable, untrusted certificate) is could-not-observe;
a server that accepts the connection and then refuses the upgrade, never pongs or does not close is observed
doing so (a breach, not blindness).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake, InvalidStatus, WebSocketException

from golive.probes.http import ssl_context
from golive.profile.items.websocket import MAX_CONNECTIONS
from golive.verdict import CouldNotObserve, Fact

MAX_ANSWER_CHARS = 4096  # of a declared message's answer kept for the comparison and evidence


@dataclass(frozen=True)
class WsConnection:
    """One connection's life: the upgrade, the exchange, the close (None where it never got that far)."""

    index: int
    local_port: int | None
    status: int | None  # the HTTP status of the handshake answer (101 when upgraded)
    tls_version: str | None
    exchange: str  # "ping" or "message"
    answered: bool | None  # pong received / answer received and matching
    answer: str | None  # a declared message's answer (excerpt)
    closed_cleanly: bool | None
    close_code: int | None
    elapsed_ms: float
    failure: str | None = None  # what broke, in words


@dataclass(frozen=True)
class Tls12Attempt:
    """A handshake offering TLS 1.2 at most: accepted (a breach of TLS 1.3 only) or refused."""

    accepted: bool
    version: str | None
    detail: str


def _deadline_left(ends: float) -> float:
    return max(0.05, ends - time.monotonic())


def observe_one(url: str, ca_bundle, timeout_s: float, index: int, message: str | None = None,
                expect: str | None = None) -> WsConnection:
    """One connection: upgrade, exchange, clean close, all within ``timeout_s``.

    The client is websockets' asyncio one: one thread owns the TLS session. Its threaded client reads the
    SSLSocket on a background thread while writing on the caller's, and OpenSSL forbids that: about 1 in 40
    connections stalled or crashed the interpreter (python-engineio #461 is the same race)."""
    return asyncio.run(_observe_one(url, ssl_context(ca_bundle), timeout_s, index, message, expect))


async def _observe_one(url: str, context: ssl.SSLContext, timeout_s: float, index: int, message: str | None,
                       expect: str | None) -> WsConnection:
    started = time.monotonic()
    ends = started + timeout_s
    exchange = "ping" if message is None else "message"

    def elapsed() -> float:
        return round((time.monotonic() - started) * 1000, 1)

    def broken(failure: str, status: int | None = None) -> WsConnection:
        return WsConnection(index, None, status, None, exchange, None, None, None, None, elapsed(), failure)

    parts = urlsplit(url)
    try:  # the TCP connection first: one that cannot be made is an unseen endpoint, never a broken upgrade
        raw = socket.create_connection((parts.hostname or "", parts.port or 443), timeout=timeout_s)
    except OSError as exc:
        raise CouldNotObserve(url, f"could not connect: {type(exc).__name__}: {exc}") from None
    raw.setblocking(False)
    try:
        try:
            ws = await connect(url, sock=raw, ssl=context, open_timeout=_deadline_left(ends),
                               close_timeout=timeout_s, ping_interval=None, proxy=None, max_size=MAX_ANSWER_CHARS * 4)
        except BaseException:
            raw.close()  # no connection came of it: the socket is still ours to close
            raise
    except InvalidStatus as exc:
        code = exc.response.status_code
        return broken(f"the upgrade was refused: HTTP {code} instead of 101 Switching Protocols", code)
    except TimeoutError:
        return broken(f"no upgrade within {timeout_s:g} s (the deadline; the TCP connection was made)")
    except InvalidHandshake as exc:
        return broken(f"the upgrade failed: {exc}")
    except (OSError, ssl.SSLError, WebSocketException) as exc:
        raise CouldNotObserve(url, f"could not connect: {type(exc).__name__}: {exc}") from None
    port = ws.transport.get_extra_info("sockname")[1]
    tls = ws.transport.get_extra_info("ssl_object")
    version = tls.version() if tls is not None else None
    answered, answer = await _exchange(ws, message, expect, ends)
    failure = None
    try:
        await ws.close()
    except (OSError, WebSocketException) as exc:
        failure = f"the close failed: {exc}"
    received = ws.protocol.close_rcvd
    code = None if received is None else int(received.code)
    clean = received is not None and code == 1000
    return WsConnection(index, port, 101, version, exchange, answered, answer, clean, code, elapsed(), failure)


async def _exchange(ws, message: str | None, expect: str | None, ends: float) -> tuple[bool, str | None]:
    try:
        if message is None:
            await asyncio.wait_for(await ws.ping(), _deadline_left(ends))
            return True, None
        await ws.send(message)
        got = await asyncio.wait_for(ws.recv(), _deadline_left(ends))
    except (TimeoutError, WebSocketException, OSError):
        return False, None
    text = got if isinstance(got, str) else got.decode("utf-8", "replace")
    return (expect or message) in text, text[:MAX_ANSWER_CHARS]


def observe(url: str, ca_bundle, timeout_s: float, connections: int, message: str | None = None,
            expect: str | None = None) -> list[WsConnection]:
    """``connections`` separate connections (at most MAX_CONNECTIONS), one after the other, every one counted.

    No retry: a connection that fails is the finding. One bad backend of three behind a load balancer fails one
    connection in three; a retry would hide it most of the time (lab variant ``one-in-three-no-pong``)."""
    return [observe_one(url, ca_bundle, timeout_s, i, message, expect) for i in range(min(connections,
                                                                                         MAX_CONNECTIONS))]


def try_tls12(url: str, ca_bundle, timeout_s: float) -> Tls12Attempt:
    """A bare TLS handshake with the endpoint, offering TLS 1.2 at most."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    context = ssl_context(ca_bundle)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as raw:
            try:
                with context.wrap_socket(raw, server_hostname=host) as tls:
                    return Tls12Attempt(True, tls.version(), "handshake completed offering TLS 1.2 at most")
            except ssl.SSLError as exc:
                return Tls12Attempt(False, None, f"refused: {exc.reason or exc}")
            except (ConnectionResetError, TimeoutError) as exc:
                return Tls12Attempt(False, None, f"refused: {type(exc).__name__}")
    except OSError as exc:
        raise CouldNotObserve(f"{url} (TLS 1.2 handshake)", f"could not connect: {exc}") from None


def problems(conns: list[WsConnection], tls12: Tls12Attempt | None) -> list[str]:
    """Every way the connections break the item: no upgrade, not TLS 1.3, no answer, unclean close, reused TCP."""
    found = []
    for c in conns:
        if c.failure and c.status != 101:
            found.append(f"connection {c.index + 1}: {c.failure}")
            continue
        if c.tls_version != "TLSv1.3":
            found.append(f"connection {c.index + 1}: negotiated {c.tls_version}; runbook 000 requires TLS 1.3")
        if not c.answered:
            what = "no pong to a ping" if c.exchange == "ping" else f"no matching answer (got {c.answer!r})"
            found.append(f"connection {c.index + 1}: {what} within the deadline")
        if not c.closed_cleanly:
            found.append(f"connection {c.index + 1}: no clean close (close code {c.close_code}"
                         f"{'; ' + c.failure if c.failure else ''})")
    ports = [c.local_port for c in conns if c.local_port is not None]
    if len(ports) != len(set(ports)):
        found.append("connections shared a TCP connection (same local port twice)")
    if tls12 is not None and tls12.accepted:
        found.append(f"accepts TLS 1.2 ({tls12.detail}); runbook 000 line 533: should not connect with TLS 1.2")
    return found


def facts(name: str, conns: list[WsConnection], tls12: Tls12Attempt | None) -> list[Fact]:
    """WEBSOCKET drift: per endpoint (by the profile's name, never its URL or port) how many of its separate
    connections upgraded, negotiated TLS 1.3, answered and closed cleanly, and whether TLS 1.2 was refused."""
    total = len(conns)
    upgraded = sum(1 for c in conns if c.status == 101)
    answered = sum(1 for c in conns if c.answered)
    clean = sum(1 for c in conns if c.closed_cleanly)
    versions = sorted({c.tls_version for c in conns if c.tls_version})
    ports = [c.local_port for c in conns if c.local_port is not None]
    out = [Fact(name, "connections upgraded (101)", upgraded, total, upgraded == total),
           Fact(name, "TLS versions negotiated", versions, ["TLSv1.3"], versions == ["TLSv1.3"]),
           Fact(name, "connections answered", answered, total, answered == total),
           Fact(name, "connections closed cleanly", clean, total, clean == total),
           Fact(name, "separate TCP connections", len(ports) == len(set(ports)), True, len(ports) == len(set(ports)))]
    if tls12 is not None:
        out.append(Fact(name, "TLS 1.2", "accepted" if tls12.accepted else "refused", "refused", not tls12.accepted))
    return out
