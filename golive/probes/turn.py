"""TURN probe: allocations over UDP, TCP and TLS with REST-API credentials, data through the relay, refusals.

Built on aioice (its TURN client protocols and STUN transactions, ``aioice.turn``/``aioice.stun``). What
golive adds around them, because ``create_turn_endpoint`` does not give it:
- the inner transport is kept, so the negotiated TLS version and cipher can be read (``TurnTransport`` hides it);
  TLS itself is aioice's path (``loop.create_connection(..., ssl=context)`` under a TCP client protocol);
- the Allocate response is kept (REALM, SOFTWARE, FINGERPRINT, LIFETIME), and no refresh task is started;
- CreatePermission as a request of its own (aioice only binds channels), to prove denied peers are refused;
- a deadline on every transaction, handshake and the whole server (aioice retransmits for ~30 s);
- a STUN Binding from the check's peer socket, so the relay is given the peer's server-reflexive address;
- TLS version probes (plain handshakes offering one legacy version each).

``observe()`` returns a frozen TurnObservation; ``unreachable()``, ``problems()`` and ``unobserved()`` judge it
against the profile's live half without a network; ``parse_config()``/``config_problems()`` state the same rules against
coturn's configuration file.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import secrets as _random
import socket
import ssl
import time
import warnings
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aioice import stun
from aioice.turn import UDP_TRANSPORT, TurnClientTcpProtocol, TurnClientUdpProtocol

from golive.profile.items.turn import TurnLive, TurnServer
from golive.verdict import Fact

T = TypeVar("T")
TLS_ORDER = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
#: STUN transactions and handshakes one server costs at most (3 allocations x (allocate 2, permission, channel
#: bind, 3 data sends, delete), 3 refused allocations x 2, denied peers, binding, legacy TLS handshakes)
MAX_REQUESTS_PER_SERVER = 3 * 8 + 3 * 2 + 8 + 1 + 3
SECRET_DIRECTIVES = {"static-auth-secret", "user", "cli-password", "psql-userdb", "sql-userdb", "mysql-userdb",
                     "mongo-userdb", "redis-userdb", "redis-statsdb", "oauth-admin-password"}


def rest_credentials(secret: str, user: str, ttl_s: int, now: float | None = None) -> tuple[str, str]:
    """TURN REST-API credentials: username ``<unix-expiry>:<user>``, password base64(HMAC-SHA1(secret, username))."""
    username = f"{int(time.time() if now is None else now) + ttl_s}:{user}"
    digest = hmac.new(secret.encode("utf-8"), username.encode("utf-8"), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class Answer:
    """How the server answered one request.

    ok: granted (allocation made, permission installed, data came back, handshake done)
    detail: the answer in words: "401 Unauthorized", "connection refused", "no answer within 2.0 s"
    code: the STUN error code when the server answered with one
    blind: nothing could be judged (no answer in time, trust store rejected the certificate, network error)
    """

    ok: bool
    detail: str
    code: int | None = None
    blind: bool = False


@dataclass(frozen=True)
class AllocationSeen:
    """One allocation over one transport, and what the relay did with the check's data."""

    transport: str  # udp | tcp | tls
    port: int
    answer: Answer
    relayed: tuple[str, int] | None = None
    mapped: tuple[str, int] | None = None
    lifetime_s: int | None = None
    realm: str | None = None
    software: str | None = None
    fingerprint: bool | None = None
    tls_version: str | None = None
    tls_cipher: str | None = None
    permission: Answer | None = None
    round_trip: Answer | None = None
    rtt_ms: float | None = None
    elapsed_ms: float = 0.0


@dataclass(frozen=True)
class TurnObservation:
    """Everything seen on one TURN server.

    peer: the address the relay was asked to send to (the check's UDP socket, server-reflexive when known)
    wrong_password / expired_username / no_credentials: Allocate answers to bad or missing credentials (UDP)
    denied_peers: CreatePermission answers for one address per range the relay must refuse (UDP allocation)
    legacy_tls: handshakes offering only a TLS version below the profile's minimum (ok = accepted)
    """

    server: str
    host: str
    address: str
    peer: tuple[str, int] | None
    allocations: tuple[AllocationSeen, ...]
    wrong_password: Answer
    expired_username: Answer
    no_credentials: Answer
    denied_peers: dict[str, Answer] = field(default_factory=dict)
    legacy_tls: dict[str, Answer] = field(default_factory=dict)
    elapsed_ms: float = 0.0


# --- the network part ------------------------------------------------------------------------------------
class _Echo(asyncio.DatagramProtocol):
    """The check's peer: echoes every datagram back to its sender (the relayed address)."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.binding: asyncio.Future[stun.Message] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if self.binding is not None and not self.binding.done():
            try:
                self.binding.set_result(stun.parse_message(data))
                return
            except ValueError:
                pass
        if data.startswith(b"golive-") and self.transport is not None:
            self.transport.sendto(b"echo:" + data, addr)


class _Inbox(asyncio.DatagramProtocol):
    """What comes back through the relay to the TURN client."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[bytes, Any]] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.queue.put_nowait((data, addr))


def _failure(exc: BaseException, timeout_s: float) -> Answer:
    if isinstance(exc, stun.TransactionFailed):
        code, reason = exc.response.attributes.get("ERROR-CODE", (None, "error"))
        return Answer(False, f"{code} {reason}", code)
    if isinstance(exc, asyncio.TimeoutError | stun.TransactionTimeout):
        return Answer(False, f"no answer within {timeout_s:.1f} s", blind=True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Answer(False, f"TLS certificate not trusted: {exc.verify_message} (CERTIFICATE_VERIFY_FAILED)",
                      blind=True)
    if isinstance(exc, ssl.SSLError):
        return Answer(False, f"TLS handshake failed: {exc.reason or exc}")
    if isinstance(exc, ConnectionRefusedError):
        return Answer(False, "connection refused")
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return Answer(False, "connection reset by the server")
    if isinstance(exc, OSError):
        return Answer(False, f"network error: {exc}", blind=True)
    return Answer(False, f"{type(exc).__name__}: {exc}", blind=True)


async def _bounded(awaitable: Awaitable[T], timeout_s: float) -> T:
    return await asyncio.wait_for(awaitable, timeout_s)


class _Probe:
    """One server: its resolved address, the check's credentials and the deadline of every request."""

    def __init__(self, server: TurnServer, address: str, section: TurnLive, secret: str, ca: ssl.SSLContext):
        self.server, self.address, self.section, self.ca = server, address, section, ca
        self.timeout = section.timeout_s
        self.username, self.password = rest_credentials(secret, section.user, section.credential_ttl_s)
        self.secret = secret

    async def _connect(self, transport: str, username: str | None, password: str | None
                       ) -> tuple[asyncio.BaseTransport, TurnClientTcpProtocol | TurnClientUdpProtocol]:
        loop = asyncio.get_running_loop()
        port = {"udp": self.server.udp_port, "tcp": self.server.tcp_port, "tls": self.server.tls_port}[transport]
        addr = (self.address, port)
        kwargs = {"username": username, "password": password, "lifetime": 60, "channel_refresh_time": 500}
        if transport == "udp":
            return await loop.create_datagram_endpoint(lambda: TurnClientUdpProtocol(addr, **kwargs), remote_addr=addr)
        tls = transport == "tls"
        return await _bounded(loop.create_connection(
            lambda: TurnClientTcpProtocol(addr, **kwargs), host=self.address, port=port,
            ssl=self.ca if tls else None, server_hostname=(self.server.tls_server_name or self.server.host) if tls else None,
            ssl_handshake_timeout=self.timeout if tls else None), self.timeout)

    async def _allocate(self, proto: TurnClientTcpProtocol | TurnClientUdpProtocol) -> stun.Message:
        request = stun.Message(message_method=stun.Method.ALLOCATE, message_class=stun.Class.REQUEST)
        request.attributes["LIFETIME"] = 60
        request.attributes["REQUESTED-TRANSPORT"] = UDP_TRANSPORT
        response, _ = await _bounded(proto.request_with_retry(request), self.timeout)
        proto.relayed_address = response.attributes.get("XOR-RELAYED-ADDRESS")
        proto.mapped_address = response.attributes.get("XOR-MAPPED-ADDRESS")
        return response

    async def _release(self, inner: asyncio.BaseTransport, proto: Any, allocated: bool) -> None:
        if allocated and not inner.is_closing():
            request = stun.Message(message_method=stun.Method.REFRESH, message_class=stun.Class.REQUEST)
            request.attributes["LIFETIME"] = 0
            try:
                await _bounded(proto.request_with_retry(request), self.timeout)
            except (TimeoutError, stun.TransactionError, OSError):
                pass  # the server frees it when its 60 s lifetime ends
        inner.close()

    async def permission(self, proto: Any, ip: str) -> Answer:
        request = stun.Message(message_method=stun.Method.CREATE_PERMISSION, message_class=stun.Class.REQUEST)
        request.attributes["XOR-PEER-ADDRESS"] = (ip, 0)
        try:
            await _bounded(proto.request_with_retry(request), self.timeout)
        except Exception as exc:  # noqa: BLE001 - every failure becomes an Answer
            return _failure(exc, self.timeout)
        return Answer(True, "permission installed")

    async def _round_trip(self, proto: Any, peer: tuple[str, int], transport: str) -> tuple[Answer, float | None]:
        inbox = _Inbox()
        proto.receiver = inbox
        payload = f"golive-{transport}-{_random.token_hex(6)}".encode()
        started = time.perf_counter()
        deadline = started + self.timeout
        try:
            for _ in range(3):  # UDP may lose a datagram: resend within the same deadline
                await _bounded(proto.send_data(payload, peer), max(deadline - time.perf_counter(), 0.001))
                wait = min(self.timeout / 3, deadline - time.perf_counter())
                try:
                    while True:
                        data, _ = await _bounded(inbox.queue.get(), max(wait, 0.001))
                        if data == b"echo:" + payload:
                            rtt = (time.perf_counter() - started) * 1000
                            return Answer(True, f"{len(payload)} bytes came back through the relay"), round(rtt, 2)
                except TimeoutError:
                    if time.perf_counter() >= deadline:
                        break
        except Exception as exc:  # noqa: BLE001
            answer = _failure(exc, self.timeout)
            if not answer.blind:
                return answer, None
        # allocated and permitted, yet nothing came back: the relay did not deliver (not blindness)
        return Answer(False, f"no data came back through the relay within {self.timeout:.1f} s"), None

    async def allocation(self, transport: str, peer: tuple[str, int] | None, echo: _Echo | None,
                         denied: list[str]) -> tuple[AllocationSeen, dict[str, Answer]]:
        port = {"udp": self.server.udp_port, "tcp": self.server.tcp_port, "tls": self.server.tls_port}[transport]
        started = time.perf_counter()
        elapsed = lambda: round((time.perf_counter() - started) * 1000, 2)  # noqa: E731
        try:
            inner, proto = await self._connect(transport, self.username, self.password)
        except Exception as exc:  # noqa: BLE001
            return AllocationSeen(transport, port, _failure(exc, self.timeout), elapsed_ms=elapsed()), {}
        allocated, denied_answers = False, {}
        try:
            try:
                response = await self._allocate(proto)
                allocated = True
            except Exception as exc:  # noqa: BLE001
                return AllocationSeen(transport, port, _failure(exc, self.timeout), realm=proto.realm,
                                      elapsed_ms=elapsed()), {}
            ssl_object = inner.get_extra_info("ssl_object")
            seen: dict[str, Any] = dict(
                transport=transport, port=port, answer=Answer(True, "allocated"), relayed=proto.relayed_address,
                mapped=proto.mapped_address, lifetime_s=response.attributes.get("LIFETIME"), realm=proto.realm,
                software=response.attributes.get("SOFTWARE"), fingerprint="FINGERPRINT" in response.attributes,
                tls_version=ssl_object.version() if ssl_object else None,
                tls_cipher=ssl_object.cipher()[0] if ssl_object else None)
            for ip in denied:
                denied_answers[ip] = await self.permission(proto, ip)
            if peer is not None and proto.relayed_address:
                if echo is not None and echo.transport is not None:
                    echo.transport.sendto(b"punch", tuple(proto.relayed_address))  # opens a NAT pinhole, if any
                seen["permission"] = await self.permission(proto, peer[0])
                if seen["permission"].ok:
                    seen["round_trip"], seen["rtt_ms"] = await self._round_trip(proto, peer, transport)
            return AllocationSeen(**seen, elapsed_ms=elapsed()), denied_answers
        finally:
            await self._release(inner, proto, allocated)

    async def refused(self, username: str | None, password: str | None) -> Answer:
        """An Allocate that must be refused; ok=True means the server granted it."""
        try:
            inner, proto = await self._connect("udp", username, password)
        except Exception as exc:  # noqa: BLE001
            return _failure(exc, self.timeout)
        allocated = False
        try:
            await self._allocate(proto)
            allocated = True
            return Answer(True, "allocation granted")
        except Exception as exc:  # noqa: BLE001
            return _failure(exc, self.timeout)
        finally:
            await self._release(inner, proto, allocated)

    async def legacy_tls(self, version: str) -> Answer:
        """A handshake offering only ``version`` (certificate not judged here); ok=True means accepted."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.set_ciphers("ALL:@SECLEVEL=0")
            wanted = {"TLSv1": ssl.TLSVersion.TLSv1, "TLSv1.1": ssl.TLSVersion.TLSv1_1,
                      "TLSv1.2": ssl.TLSVersion.TLSv1_2}[version]
            ctx.minimum_version = ctx.maximum_version = wanted
        try:
            _, writer = await _bounded(asyncio.open_connection(
                self.address, self.server.tls_port, ssl=ctx, server_hostname=self.server.tls_server_name or
                self.server.host, ssl_handshake_timeout=self.timeout), self.timeout)
        except TimeoutError:
            return Answer(False, f"handshake not completed within {self.timeout:.1f} s")
        except (OSError, ssl.SSLError) as exc:
            return Answer(False, _failure(exc, self.timeout).detail)
        got = writer.get_extra_info("ssl_object").version()
        writer.close()
        return Answer(got == version, f"handshake completed with {got}")

    async def peer(self) -> tuple[tuple[str, int], _Echo, asyncio.DatagramTransport]:
        """The check's peer socket and the address the relay should send to (server-reflexive when known)."""
        loop = asyncio.get_running_loop()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((self.address, self.server.udp_port))
            local_ip = probe.getsockname()[0]
        transport, echo = await loop.create_datagram_endpoint(_Echo, local_addr=(local_ip, 0))
        local = transport.get_extra_info("sockname")[:2]
        echo.binding = loop.create_future()
        request = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
        transport.sendto(bytes(request), (self.address, self.server.udp_port))
        try:
            answer = await _bounded(echo.binding, min(self.timeout, 1.0))
            mapped = answer.attributes.get("XOR-MAPPED-ADDRESS") or answer.attributes.get("MAPPED-ADDRESS")
        except (TimeoutError, ValueError):
            mapped = None
        echo.binding = None
        return (tuple(mapped) if mapped else tuple(local)), echo, transport  # type: ignore[return-value]


def _denied_samples(section: TurnLive) -> dict[str, str]:
    """One address per range the relay must refuse -> the range (the metadata address for link-local)."""
    out: dict[str, str] = {}
    for cidr in section.denied_peer_ranges:
        net = ipaddress.ip_network(cidr, strict=False)
        metadata = ipaddress.ip_address("169.254.169.254")
        out[str(metadata if metadata in net else net.network_address + 1)] = cidr
    if not section.allow_loopback_peers:
        out["127.0.0.1"] = "127.0.0.0/8 (loopback)"
    return out


async def _observe(server: TurnServer, section: TurnLive, secret: str, ca: ssl.SSLContext) -> TurnObservation:
    started = time.perf_counter()
    loop = asyncio.get_running_loop()
    infos = await _bounded(loop.getaddrinfo(server.host, server.udp_port, family=socket.AF_INET,
                                            type=socket.SOCK_DGRAM), section.timeout_s)
    address = infos[0][4][0]
    probe = _Probe(server, address, section, secret, ca)
    peer, echo, peer_transport = await probe.peer()
    try:
        minimum = TLS_ORDER.index(section.tls_min_version)
        legacy = [v for v in TLS_ORDER[:minimum] if v != "TLSv1.3"]
        expired_user, expired_password = rest_credentials(secret, section.user, -3600)
        results = await asyncio.gather(
            probe.allocation("udp", peer, echo, list(_denied_samples(section))),
            probe.allocation("tcp", peer, echo, []),
            probe.allocation("tls", peer, echo, []),
            probe.refused(probe.username, "golive-wrong-" + _random.token_hex(8)),
            probe.refused(expired_user, expired_password),
            probe.refused(None, None),
            *(probe.legacy_tls(v) for v in legacy))
    finally:
        peer_transport.close()
    (udp, denied), (tcp, _), (tls, _) = results[0], results[1], results[2]
    return TurnObservation(
        server=server.name, host=server.host, address=address, peer=peer, allocations=(udp, tcp, tls),
        wrong_password=results[3], expired_username=results[4], no_credentials=results[5], denied_peers=denied,
        legacy_tls=dict(zip(legacy, results[6:], strict=True)),
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1))


def observe(server: TurnServer, section: TurnLive, secret: str, ca: ssl.SSLContext) -> TurnObservation | str:
    """Probe one server within ``deadline_s(section)``; a string is the cause when the host could not be resolved
    or the whole probe overran its deadline (the caller raises CouldNotObserve)."""
    async def bounded() -> TurnObservation:
        return await asyncio.wait_for(_observe(server, section, secret, ca), deadline_s(section))
    try:
        return asyncio.run(bounded())
    except TimeoutError:
        return f"the probe did not finish within its {deadline_s(section):.1f} s deadline"
    except socket.gaierror as exc:
        return f"{server.host} does not resolve: {exc}"
    except OSError as exc:
        return f"network error before any TURN request: {exc}"


def deadline_s(section: TurnLive) -> float:
    """The hard cap of one server's probe: binding + connect + allocate + permissions + data + release."""
    return round(section.timeout_s * 8 + 1, 1)


# --- judging the observation (pure) ------------------------------------------------------------------------
def _labels(server: TurnServer) -> dict[str, str]:
    return {"udp": f"UDP {server.udp_port}", "tcp": f"TCP {server.tcp_port}", "tls": f"TLS {server.tls_port}"}


RUNBOOK_PORT = {"udp": "UDP 3478", "tcp": "TCP 3478", "tls": "TLS 5349"}


def unreachable(obs: TurnObservation, server: TurnServer) -> str | None:
    """Why the server as a whole could not be observed: no transport answered any allocation (every one timed out
    or was refused at the connection); None when at least one transport answered, so the others are judged."""
    if any(a.answer.ok or a.answer.code is not None for a in obs.allocations):
        return None
    labels = _labels(server)
    return "no transport answered: " + "; ".join(f"{labels[a.transport]} {a.answer.detail}" for a in obs.allocations)


def unobserved(obs: TurnObservation, server: TurnServer) -> list[str]:
    """Why (part of) this server could not be judged: requests that got no answer in time, untrusted TLS."""
    labels, out = _labels(server), []
    for a in obs.allocations:
        for what, answer in (("allocation", a.answer), ("permission for the check's peer", a.permission)):
            if answer is not None and answer.blind:
                out.append(f"{labels[a.transport]} {what}: {answer.detail}")
        if a.permission is not None and a.permission.code == 403 and obs.peer is not None \
                and ipaddress.ip_address(obs.peer[0]).is_private and not ipaddress.ip_address(obs.peer[0]).is_loopback:
            out.append(f"the check's peer address {obs.peer[0]} is private and the relay rightly refuses it; run the "
                       f"check from a host with a public address")
    for what, answer in (("wrong-password allocation", obs.wrong_password),
                         ("expired-username allocation", obs.expired_username),
                         ("allocation without credentials", obs.no_credentials), *obs.denied_peers.items()):
        if answer.blind:
            out.append(f"{labels['udp']} {what}: {answer.detail}")
    return out


def problems(obs: TurnObservation, server: TurnServer, section: TurnLive) -> list[str]:
    """Every way the live server breaks runbook 000's TURN setup (and the profile's thresholds)."""
    labels, out = _labels(server), []
    relay = f"{section.relay_port_min}-{section.relay_port_max}"
    for a in obs.allocations:
        where = labels[a.transport]
        if a.answer.blind:
            continue
        if not a.answer.ok:
            if a.answer.code == 401:
                out.append(f"{where}: allocation with REST-API credentials minted from the shared secret refused "
                           f"({a.answer.detail}); runbook 000 requires use-auth-secret with that secret")
            else:
                out.append(f"{where}: no allocation ({a.answer.detail}); runbook 000 requires TURN over "
                           f"{RUNBOOK_PORT[a.transport]}")
            continue
        if a.relayed is None:
            out.append(f"{where}: the Allocate answer has no XOR-RELAYED-ADDRESS")
        elif not section.relay_port_min <= a.relayed[1] <= section.relay_port_max:
            out.append(f"{where}: relayed port {a.relayed[1]} is outside {relay} (runbook 000 min-port/max-port)")
        if a.permission is not None and not a.permission.ok and not a.permission.blind:
            if not (a.permission.code == 403 and obs.peer and ipaddress.ip_address(obs.peer[0]).is_private
                    and not ipaddress.ip_address(obs.peer[0]).is_loopback):
                out.append(f"{where}: permission for the check's peer {obs.peer[0] if obs.peer else '?'} refused "
                           f"({a.permission.detail})")
        if a.round_trip is not None and not a.round_trip.ok:
            out.append(f"{where}: data sent through the relay to the check's peer did not come back "
                       f"({a.round_trip.detail})")
        if a.transport == "tls" and a.tls_version in TLS_ORDER \
                and TLS_ORDER.index(a.tls_version) < TLS_ORDER.index(section.tls_min_version):
            out.append(f"{where}: negotiated {a.tls_version}; the profile requires {section.tls_min_version} or newer")
        if section.realm is not None and a.realm is not None and a.realm != section.realm:
            out.append(f"{where}: realm is {a.realm!r}; runbook 000 sets realm={section.realm}")
    if obs.wrong_password.ok:
        out.append(f"{labels['udp']}: an allocation with a wrong password was granted; it must be answered 401")
    elif not obs.wrong_password.blind and obs.wrong_password.code != 401:
        out.append(f"{labels['udp']}: a wrong password was answered {obs.wrong_password.detail}, expected 401 Unauthorized")
    if obs.expired_username.ok:
        out.append(f"{labels['udp']}: an allocation with an expired REST username (expiry 1 h ago) was granted")
    if obs.no_credentials.ok:
        out.append(f"{labels['udp']}: an allocation without credentials was granted: the server runs without "
                   f"authentication (runbook 000 requires use-auth-secret)")
    samples = _denied_samples(section)
    for ip, answer in obs.denied_peers.items():
        if answer.ok:
            out.append(f"{labels['udp']}: a permission for peer {ip} was granted; the relay must refuse "
                       f"{samples.get(ip, 'that range')} (denied-peer-ip)")
    for version, answer in obs.legacy_tls.items():
        if answer.ok:
            out.append(f"{labels['tls']}: accepts {version}; the profile requires {section.tls_min_version} or newer")
    return out


def _said(answer: Answer | None) -> str | None:
    """An answer in words for drift: granted, or the STUN code / failure (never a port, a time or an address)."""
    if answer is None:
        return None
    if answer.ok:
        return "granted"
    return "no answer (blind)" if answer.blind else f"refused {answer.code}" if answer.code else "failed"


def facts(obs: TurnObservation, server: TurnServer, section: TurnLive) -> list[Fact]:
    """TURN drift (live half): per server (by the profile's name) and transport, the allocation, relay range,
    permission, round trip, TLS version and realm; the bad-credential answers; round-trip time is volatile."""
    out: list[Fact] = []
    for a in obs.allocations:
        where = f"{server.name} {a.transport}"
        in_range = None if a.relayed is None else section.relay_port_min <= a.relayed[1] <= section.relay_port_max
        out += [Fact(where, "allocation", _said(a.answer), "granted", None if a.answer.blind else a.answer.ok),
                Fact(where, "relayed port in range", in_range, f"{section.relay_port_min}-{section.relay_port_max}",
                     in_range),
                Fact(where, "permission for the check's peer", _said(a.permission), "granted",
                     None if a.permission is None or a.permission.blind else a.permission.ok),
                Fact(where, "round trip through the relay", _said(a.round_trip), "granted",
                     None if a.round_trip is None or a.round_trip.blind else a.round_trip.ok),
                Fact(where, "round trip ms", a.rtt_ms, volatile=True)]
        if a.transport == "tls":
            new_enough = None if a.tls_version not in TLS_ORDER else (
                TLS_ORDER.index(a.tls_version) >= TLS_ORDER.index(section.tls_min_version))
            out.append(Fact(where, "TLS version", a.tls_version, f">= {section.tls_min_version}", new_enough))
        if a.realm is not None:
            out.append(Fact(where, "realm", a.realm, section.realm,
                            None if section.realm is None else a.realm == section.realm))
    refused = [("wrong password", obs.wrong_password), ("expired username", obs.expired_username),
               ("no credentials", obs.no_credentials),
               *((f"permission for denied peer {ip}", answer) for ip, answer in sorted(obs.denied_peers.items())),
               *((f"legacy {version}", answer) for version, answer in sorted(obs.legacy_tls.items()))]
    out += [Fact(server.name, what, _said(answer), "refused", None if answer.blind else not answer.ok)
            for what, answer in refused]
    return out


# --- the configuration file (testinfra reads it; the rules are the live ones) ------------------------------
def parse_config(text: str) -> list[tuple[str, str | None]]:
    """coturn's turnserver.conf as (option, value) pairs in file order; flags have value None."""
    out: list[tuple[str, str | None]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        key, sep, value = line.partition("=")
        if not sep and " " in key:
            key, _, value = key.partition(" ")
            sep = " "
        key = key.strip().lstrip("-")
        out.append((key, value.strip().strip('"') if sep else None))
    return out


def config_view(directives: list[tuple[str, str | None]]) -> list[str]:
    """The directives for evidence, secret values masked (user=name:*** keeps the name)."""
    shown = []
    for key, value in directives:
        if key in SECRET_DIRECTIVES and value is not None:
            value = f"{value.split(':', 1)[0]}:***" if key == "user" else "***"
        shown.append(key if value is None else f"{key}={value}")
    return shown


def _ranges(values: list[str]) -> list[tuple[int, int]]:
    out = []
    for value in values:
        lo, _, hi = value.partition("-")
        try:
            out.append((int(ipaddress.ip_address(lo.strip())), int(ipaddress.ip_address((hi or lo).strip()))))
        except ValueError:
            continue
    return out


def _covered(net: ipaddress.IPv4Network | ipaddress.IPv6Network, ranges: list[tuple[int, int]]) -> bool:
    start, end = int(net.network_address), int(net.broadcast_address)
    for lo, hi in sorted(ranges):
        if lo <= start <= hi:
            start = hi + 1
        if start > end:
            return True
    return False


def config_problems(directives: list[tuple[str, str | None]], files_present: dict[str, bool], server: TurnServer,
                    section: TurnLive) -> list[str]:
    """The live check's rules, stated against coturn's configuration file."""
    flags = {k for k, _ in directives}
    values: dict[str, list[str]] = {}
    for key, value in directives:
        if value is not None:
            values.setdefault(key, []).append(value)
    one = lambda key, default=None: values.get(key, [default])[-1]  # noqa: E731
    out = []
    if "use-auth-secret" not in flags:
        out.append("use-auth-secret is not set; runbook 000 requires TURN REST-API credentials (shared secret)")
    elif "static-auth-secret" not in values and not any(k.endswith("userdb") for k in values):
        out.append("use-auth-secret without static-auth-secret (nor a database holding the secret)")
    if "no-auth" in flags:
        out.append("no-auth is set: anyone may allocate relays")
    users = [v.split(":", 1)[0] for v in values.get("user", [])]
    if users:
        out.append(f"static long-term user(s) {', '.join(users)} (user=); runbook 000 uses use-auth-secret only")
    if "lt-cred-mech" in flags and "use-auth-secret" not in flags:
        out.append("lt-cred-mech without use-auth-secret: long-term static users instead of the shared secret")
    for flag, why in (("no-cli", "the telnet CLI stays on"), ("fingerprint", "messages carry no FINGERPRINT")):
        if flag not in flags:
            out.append(f"{flag} is not set: {why}")
    if "no-tls" in flags:
        out.append("no-tls is set: no TLS listener; runbook 000 requires TURN over TLS on 5349")
    tls_keys = () if "no-tls" in flags else ("cert", "pkey")
    for key in tls_keys:
        path = one(key)
        if path is None:
            out.append(f"{key}= is not set; the TLS listener needs the certificate and key (runbook 000)")
        elif not files_present.get(path, False):
            out.append(f"{key}={path} does not exist on the host")
    minimum = TLS_ORDER.index(section.tls_min_version)
    for version, flag in (("TLSv1", "no-tlsv1"), ("TLSv1.1", "no-tlsv1_1"), ("TLSv1.2", "no-tlsv1_2")):
        if tls_keys and TLS_ORDER.index(version) < minimum and flag not in flags:
            out.append(f"{flag} is not set: {version} is accepted; the profile requires {section.tls_min_version}+")
    for flag in ("no-udp", "no-tcp"):
        if flag in flags:
            out.append(f"{flag} is set; runbook 000 requires TURN over UDP and TCP on 3478")
    lo, hi = int(one("min-port", "49152")), int(one("max-port", "65535"))
    if lo < section.relay_port_min or hi > section.relay_port_max:
        out.append(f"relay range min-port={lo} max-port={hi} is not inside "
                   f"{section.relay_port_min}-{section.relay_port_max} (runbook 000)")
    for key, want in (("listening-port", {server.udp_port, server.tcp_port}), ("tls-listening-port", {server.tls_port})):
        got = int(one(key, "3478" if key == "listening-port" else "5349"))
        if got not in want or len(want) != 1:
            out.append(f"{key}={got}; the profile's clients use {'/'.join(map(str, sorted(want)))}")
    denied = _ranges(values.get("denied-peer-ip", []))
    missing = [c for c in section.denied_peer_ranges if not _covered(ipaddress.ip_network(c, strict=False), denied)]
    if missing:
        out.append(f"denied-peer-ip does not cover {', '.join(missing)} (private peers must be refused)")
    if "allow-loopback-peers" in flags and not section.allow_loopback_peers:
        out.append("allow-loopback-peers is set: the relay reaches the server's own loopback services")
    if section.realm is not None and one("realm") != section.realm:
        out.append(f"realm={one('realm')}; runbook 000 sets realm={section.realm}")
    return out
