"""TURN firewall records: ingress rules of the security groups / NSGs in front of the TURN servers.

``providers.gather("turn_ingress_rules", groups=(...), hosts=(...))`` returns ``list[IngressRule]``: the
effective *allow* rules of the named groups, or, when ``groups`` is empty, of the groups attached to the
network interfaces that carry the TURN hosts' addresses (``hosts`` are DNS names or IPs; resolve them).
Each provider maps its API onto these fields (the mapping is the provider's job):

AWS (``ec2:DescribeSecurityGroups``; for hosts ``ec2:DescribeNetworkInterfaces`` filtered on
  ``association.public-ip``/``addresses.private-ip-address``): one IngressRule per ``IpPermissions`` entry,
  protocol ``IpProtocol`` ("tcp"/"udp"/"icmp", "-1" -> "all"), ports ``FromPort``/``ToPort`` (0-65535 for
  "all"), sources ``IpRanges[].CidrIp`` + ``Ipv6Ranges[].CidrIpv6`` (+ ``UserIdGroupPairs[].GroupId`` and
  ``PrefixListIds[].PrefixListId`` as given), group = the group id ("sg-…") or name when named so.
Azure (``network:NetworkSecurityGroups.get``, NICs' and subnets' NSGs for hosts): inbound rules whose
  ``access`` is Allow and which no higher-priority (lower number) Deny rule shadows for the same ports;
  protocol ``protocol`` lower-cased ("*" -> "all"), each ``destinationPortRange(s)`` entry split into
  port_from/port_to ("*" -> 0-65535), sources ``sourceAddressPrefix(es)`` as given ("*", "Internet",
  "0.0.0.0/0", service tags), group = the NSG name. Default rules (AllowVnetInBound…) are included.

``ingress_problems()`` compares them with what TURN needs: 3478 UDP+TCP, 5349 TCP and the relay range UDP open
to the world, and nothing else open to the world. ICMP rules are not port openings and are not judged.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

from golive.verdict import CouldNotObserve, Fact

WORLD = {"0.0.0.0/0", "::/0", "*", "any", "internet"}
_ALL = {"all", "*", "-1", "any"}


@dataclass(frozen=True)
class IngressRule:
    """One inbound allow rule.

    group: the security group id/name or NSG name holding it
    protocol: "tcp", "udp", "icmp" or "all"
    port_from, port_to: the destination port range, inclusive (0-65535 when every port)
    sources: CIDRs, service tags or group ids as the platform writes them ("0.0.0.0/0", "Internet", "sg-…")
    api: the API fields read, for evidence ("ec2:DescribeSecurityGroups IpPermissions")
    cloud: "aws" or "azure": each cloud's firewall is judged on its own (one cloud's opening never excuses
      another's closed port)
    """

    group: str
    protocol: str
    port_from: int
    port_to: int
    sources: tuple[str, ...]
    api: str = ""
    cloud: str = ""
    where: str = ""  # the target it was read in, when the profile names several (issue 18)

    @property
    def to_world(self) -> bool:
        return any(s.strip().lower() in WORLD for s in self.sources)

    def protocols(self) -> tuple[str, ...]:
        proto = self.protocol.strip().lower()
        return ("tcp", "udp") if proto in _ALL else (proto,)


@dataclass(frozen=True)
class Opening:
    """A port range of one protocol that must (or may) be open to the world."""

    protocol: str
    port_from: int
    port_to: int
    why: str = ""

    def __str__(self) -> str:
        ports = str(self.port_from) if self.port_from == self.port_to else f"{self.port_from}-{self.port_to}"
        return f"{ports}/{self.protocol}"

    @classmethod
    def parse(cls, text: str, why: str = "") -> Opening:
        ports, _, proto = text.partition("/")
        lo, _, hi = ports.partition("-")
        return cls(proto.lower(), int(lo), int(hi or lo), why)


def turn_openings(udp_port: int, tcp_port: int, tls_port: int, relay_min: int, relay_max: int) -> list[Opening]:
    """What TURN needs open to the world (runbook 000 / 002: 3478 UDP/TCP, 5349 TCP, relay range UDP)."""
    return [Opening("udp", udp_port, udp_port, "TURN over UDP"), Opening("tcp", tcp_port, tcp_port, "TURN over TCP"),
            Opening("tcp", tls_port, tls_port, "TURN over TLS"),
            Opening("udp", relay_min, relay_max, "relayed media")]


def host_addresses(host: str, what: str) -> set[str]:
    """The IP addresses of a TURN host (an IP, or a DNS name resolved), to find the ``what`` in front of it."""
    try:
        return {str(ipaddress.ip_address(host))}
    except ValueError:
        pass
    try:
        return {info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except OSError as exc:
        raise CouldNotObserve(f"TURN host {host}", f"cannot resolve it to find the {what} in front of it ({exc}); "
                                                   f"name them in items.TURN.firewall.groups") from None


def _subtract(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of span not covered by holes."""
    left = [span]
    for lo, hi in holes:
        nxt = []
        for a, b in left:
            if hi < a or lo > b:
                nxt.append((a, b))
                continue
            if a < lo:
                nxt.append((a, lo - 1))
            if hi < b:
                nxt.append((hi + 1, b))
        left = nxt
    return left


def _fmt(spans: list[tuple[int, int]], proto: str) -> str:
    return ", ".join(f"{a}/{proto}" if a == b else f"{a}-{b}/{proto}" for a, b in spans)


def ingress_problems(rules: list[IngressRule], required: list[Opening], also_open: list[Opening] = ()) -> list[str]:
    """Required openings missing (or partly missing) to the world, and world openings beyond required + also_open."""
    world = [r for r in rules if r.to_world]
    out = []
    for need in required:
        holes = [(r.port_from, r.port_to) for r in world if need.protocol in r.protocols()]
        missing = _subtract((need.port_from, need.port_to), holes)
        if missing:
            what = "is not open" if missing == [(need.port_from, need.port_to)] else f"is open only in part ({_fmt(missing, need.protocol)} closed)"
            out.append(f"{need} ({need.why}) {what} to the world; runbook 000 opens 3478 UDP/TCP, 5349 TCP and the "
                       f"relay range UDP")
    allowed = [*required, *also_open]
    for rule in world:
        for proto in rule.protocols():
            if proto not in {"tcp", "udp"}:
                continue
            extra = _subtract((rule.port_from, rule.port_to),
                              [(o.port_from, o.port_to) for o in allowed if o.protocol == proto])
            if extra:
                sources = ", ".join(s for s in rule.sources if s.strip().lower() in WORLD)
                out.append(f"{rule.group} opens {_fmt(extra, proto)} to {sources}; only TURN's ports may be open to "
                           f"the world")
    return out


def firewall_facts(rules: list[IngressRule], required: list[Opening], also_open: list[Opening] = ()) -> list[Fact]:
    """TURN drift (firewall half): each opening TURN needs (by what it is for; its ports are the required value)
    open to the world, closed or open in part, and every world opening beyond TURN's by group."""
    world = [r for r in rules if r.to_world]
    out: list[Fact] = []
    for need in required:
        missing = _subtract((need.port_from, need.port_to),
                            [(r.port_from, r.port_to) for r in world if need.protocol in r.protocols()])
        state = ("open" if not missing else "closed" if missing == [(need.port_from, need.port_to)]
                 else f"open in part ({_fmt(missing, need.protocol)} closed)")
        out.append(Fact("TURN openings to the world", need.why or str(need), state, f"{need} open", not missing))
    allowed = [*required, *also_open]
    extra: dict[str, list[str]] = {}
    for rule in world:
        for proto in (p for p in rule.protocols() if p in {"tcp", "udp"}):
            spans = _subtract((rule.port_from, rule.port_to),
                              [(o.port_from, o.port_to) for o in allowed if o.protocol == proto])
            if spans:
                extra.setdefault(rule.group, []).append(_fmt(spans, proto))
    for group in sorted({r.group for r in rules}):
        out.append(Fact(f"group {group}", "opens beyond TURN to the world", sorted(extra.get(group, [])), "nothing",
                        not extra.get(group)))
    return out
