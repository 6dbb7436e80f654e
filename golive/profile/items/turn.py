"""Profile section of TURN: the coturn relays WebRTC depends on (runbook 000, "TURN Server Setup").

Runbook 000: ``listening-port=3478`` (UDP and TCP), ``tls-listening-port=5349``, ``min-port=49152``,
``max-port=65535``, ``use-auth-secret`` with ``static-auth-secret``, ``realm=turn.silenttalk.com``;
runbook 002: "TURN Port 3478 (UDP/TCP), TURN over TLS 5349 (TCP), Media Port Range 49152-65535 (UDP)".
The shared secret is referenced here (a key of the profile's ``secrets``, or an inline SecretRef), never written.

Two halves, each filled in or ``{not_applicable: <reason>}`` (a profile never drops one by omission), and each
standing alone: ``live`` (the servers, the secret, allocations, the config file) and ``firewall`` (the security
groups / NSGs in front, read through the providers; it names its own groups or addresses and ports, so a
configuration-only profile needs no server and no secret).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Literal

from pydantic import Field, model_validator

from golive.profile.base import NotApplicable, SecretRef, Section

#: peer ranges a relay must refuse (RFC 1918, link-local with the cloud metadata address, carrier-grade NAT)
PRIVATE_PEER_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10")


class TurnConfigAccess(Section):
    """Where the coturn configuration file can be read with testinfra."""

    host: str = Field(pattern=r"^(local://|ssh://\S+|paramiko://\S+)$",
                      description="testinfra host: local:// (this host) or ssh://user@host")
    path: str = Field(default="/etc/turnserver.conf", min_length=1)
    sudo: bool = False


class TurnServer(Section):
    name: str = Field(min_length=1)
    host: str = Field(min_length=1, description="DNS name or IP the clients use")
    udp_port: int = Field(default=3478, ge=1, le=65535)
    tcp_port: int = Field(default=3478, ge=1, le=65535)
    tls_port: int = Field(default=5349, ge=1, le=65535)
    tls_server_name: str | None = Field(default=None, description="name the certificate must carry; host when absent")
    config: TurnConfigAccess | None = Field(default=None, description="read the coturn config file (testinfra)")


class TurnFirewall(Section):
    """The firewall half: the security groups / NSGs in front of the TURN servers (read through the providers,
    ``turn_ingress_rules``). Stands alone: it names the groups (or the addresses whose groups are read) and the
    ports the world must reach, so it needs no live server and no secret."""

    groups: list[str] = Field(default_factory=list,
                              description="security group ids/names or NSG names to read; with several targets "
                                          "'<target>[/<region>]/<name>' reads it in that target only")
    hosts: list[str] = Field(default_factory=list, description="when no groups are named: the TURN servers' public "
                                                               "or private addresses (or DNS names); the groups "
                                                               "attached to their network interfaces are read")
    also_open: list[str] = Field(default_factory=list,
                                 description="extra openings to the world accepted, as '<port>[-<port>]/<tcp|udp>'")
    udp_port: int = Field(default=3478, ge=1, le=65535, description="port the firewall must open for TURN over UDP "
                                                                    "(runbook 000: 3478; the public port when a NAT "
                                                                    "or port mapping sits in front)")
    tcp_port: int = Field(default=3478, ge=1, le=65535, description="likewise for TURN over TCP (runbook 000: 3478)")
    tls_port: int = Field(default=5349, ge=1, le=65535, description="likewise for TURN over TLS (runbook 000: 5349)")
    relay_port_min: int = Field(default=49152, ge=1024, le=65535, description="relay range the firewall must open "
                                                                              "over UDP (runbook 000 min-port)")
    relay_port_max: int = Field(default=65535, ge=1024, le=65535, description="runbook 000 max-port")

    @model_validator(mode="after")
    def _openings(self) -> TurnFirewall:
        if not self.groups and not self.hosts:
            raise ValueError("name the groups to read (groups: [sg-..., nsg-name]) or the TURN addresses whose "
                             "groups are read (hosts: [...])")
        if self.relay_port_min > self.relay_port_max:
            raise ValueError(f"relay_port_min {self.relay_port_min} > relay_port_max {self.relay_port_max}")
        for opening in self.also_open:
            ports, _, proto = opening.partition("/")
            lo, _, hi = ports.partition("-")
            if proto not in {"tcp", "udp"} or not lo.isdigit() or (hi and not hi.isdigit()):
                raise ValueError(f"also_open {opening!r}: expected '<port>[-<port>]/<tcp|udp>'")
        return self


class TurnLive(Section):
    """The live half: allocations on every server with REST-API credentials minted from the shared secret, and
    (where a server declares ``config``) its coturn file."""

    secret: str | SecretRef = Field(description="coturn's static-auth-secret: a key of the profile's secrets, or "
                                                "an inline {env: VARIABLE[, file: path]}")
    user: str = Field(default="golive-check", pattern=r"^[^:\s]+$", description="user part of the REST username")
    credential_ttl_s: int = Field(default=300, ge=30, le=86400, description="lifetime of the minted credentials")
    realm: str | None = Field(default=None, description="realm the server must announce (runbook 000: turn.silenttalk.com)")
    servers: list[TurnServer] = Field(min_length=1)
    relay_port_min: int = Field(default=49152, ge=1024, le=65535)
    relay_port_max: int = Field(default=65535, ge=1024, le=65535)
    tls_min_version: Literal["TLSv1.2", "TLSv1.3"] = Field(
        default="TLSv1.2", description="lowest TLS version 5349 may negotiate; older ones must be refused")
    timeout_s: float = Field(default=2.0, gt=0, le=10, description="deadline of every request and handshake")
    denied_peer_ranges: list[str] = Field(default_factory=lambda: list(PRIVATE_PEER_RANGES),
                                          description="peer ranges the relay must refuse (denied-peer-ip)")
    allow_loopback_peers: bool = Field(default=False, description="lab only: coturn's allow-loopback-peers")

    @model_validator(mode="after")
    def _ranges(self) -> TurnLive:
        if self.relay_port_min > self.relay_port_max:
            raise ValueError(f"relay_port_min {self.relay_port_min} > relay_port_max {self.relay_port_max}")
        for cidr in self.denied_peer_ranges:
            ipaddress.ip_network(cidr)  # ValueError names the bad range
        return self


LIVE_FIELDS = frozenset(TurnLive.model_fields)


class TurnSection(Section):
    live: TurnLive | NotApplicable = Field(description="the relays, their shared secret and allocations; or "
                                                       "{not_applicable: reason} (a configuration-only profile)")
    firewall: TurnFirewall | NotApplicable = Field(description="the security groups / NSGs in front of the relays, "
                                                               "read through the providers; or {not_applicable: "
                                                               "reason}")

    @model_validator(mode="before")
    @classmethod
    def _halves(cls, data: Any) -> Any:
        if isinstance(data, dict):
            flat = sorted(LIVE_FIELDS & set(data))
            if flat:
                raise ValueError(f"items.TURN.{', '.join(flat)} belong under items.TURN.live (issue 13: TURN has two "
                                 f"halves, live: {{secret, servers, ...}} and firewall: {{groups or hosts, ports}}, "
                                 f"each either filled in or {{not_applicable: <reason>}})")
        return data
