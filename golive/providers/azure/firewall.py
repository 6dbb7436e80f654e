"""TURN firewall on Azure: the effective inbound Allow rules of the network security groups in front of TURN.

``network network_security_groups.list`` (the profile's resource group): the NSGs named in
items.TURN.firewall.groups, or, without names, the NSGs of the network interfaces (and their subnets) whose
private or public address is a TURN host's (``network_interfaces.list``, ``public_ip_addresses.list``,
``virtual_networks.list``). Security rules and default security rules are evaluated as Azure does: by priority,
lowest number first, so an Allow is effective only for the ports and sources no higher-priority Deny took first.
The mapping onto IngressRule is golive/providers/records_firewall.py's docstring.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from golive.providers.azure.core import records
from golive.providers.records_firewall import WORLD, IngressRule, _subtract, host_addresses

ALL_PORTS = (0, 65535)


@records("turn_ingress_rules")
def turn_ingress_rules(az: Any, groups: tuple[str, ...] = (), hosts: tuple[str, ...] = ()) -> list[IngressRule]:
    every = az.read("network", "network security groups",
                    lambda c: c.network_security_groups.list(az.resource_group))
    if groups:
        chosen = [g for g in every if g["name"] in groups or g["id"].lower() in {n.lower() for n in groups}]
    else:
        ids = _nsgs_of_hosts(az, hosts)
        chosen = [g for g in every if g["id"].lower() in ids]
    return [rule for nsg in chosen for rule in effective_inbound(nsg)]


def effective_inbound(nsg: dict[str, Any]) -> list[IngressRule]:
    """The inbound Allow rules of one NSG (ARM JSON), minus what higher-priority Deny rules shadow (pure)."""
    props = nsg.get("properties", {})
    inbound = sorted((r for r in [*(props.get("securityRules") or []), *(props.get("defaultSecurityRules") or [])]
                      if r.get("properties", {}).get("direction", "Inbound") == "Inbound"),
                     key=lambda r: int(r["properties"].get("priority", 65500)))
    out, denies = [], []
    for rule in inbound:
        p = rule["properties"]
        protocol = _protocol(p.get("protocol"))
        spans = _ports(p)
        sources = tuple(_list(p, "sourceAddressPrefix", "sourceAddressPrefixes")
                        + [a["id"] for a in p.get("sourceApplicationSecurityGroups") or [] if a.get("id")])
        if p.get("access") == "Deny":
            denies.append((rule["name"], protocol, spans, sources))
            continue
        for source in sources:
            left, shadowed_by = spans, []
            for name, d_proto, d_spans, d_sources in denies:
                if _protocol_covers(d_proto, protocol) and _source_covers(d_sources, source):
                    cut = [part for span in left for part in _subtract(span, d_spans)]
                    if cut != left:
                        shadowed_by.append(name)
                    left = cut
            for low, high in left:
                out.append(IngressRule(
                    group=nsg["name"], cloud="azure", protocol=protocol, port_from=low, port_to=high, sources=(source,),
                    api=f"network NetworkSecurityGroups {nsg['name']} securityRules/{rule['name']} (priority "
                        f"{p.get('priority')}, Allow)" + (f"; narrowed by Deny {', '.join(shadowed_by)}"
                                                          if shadowed_by else "")))
    return _merge_sources(out)


def _merge_sources(rules: list[IngressRule]) -> list[IngressRule]:
    """One record per (rule, port span) with all its sources, as AWS gives them."""
    merged: dict[tuple, list[str]] = {}
    for r in rules:
        merged.setdefault((r.group, r.protocol, r.port_from, r.port_to, r.api), []).append(*r.sources)
    return [IngressRule(g, proto, lo, hi, tuple(dict.fromkeys(src)), api, cloud="azure")
            for (g, proto, lo, hi, api), src in merged.items()]


def _list(p: dict[str, Any], one: str, many: str) -> list[str]:
    values = [v for v in p.get(many) or [] if v]
    return values or ([p[one]] if p.get(one) else [])


def _protocol(value: Any) -> str:
    text = str(value or "*").lower()
    return "all" if text in ("*", "any") else text


def _ports(p: dict[str, Any]) -> list[tuple[int, int]]:
    out = []
    for text in _list(p, "destinationPortRange", "destinationPortRanges"):
        if text.strip() == "*":
            out.append(ALL_PORTS)
        else:
            low, _, high = text.partition("-")
            out.append((int(low), int(high or low)))
    return out or [ALL_PORTS]


def _protocol_covers(deny: str, allow: str) -> bool:
    return deny == "all" or deny == allow


def _source_covers(deny_sources: tuple[str, ...], source: str) -> bool:
    """A Deny from "*"/"0.0.0.0/0" takes every source; "Internet" takes the world; otherwise the same prefix."""
    lowered = {s.strip().lower() for s in deny_sources}
    if lowered & {"*", "0.0.0.0/0", "any"}:
        return True
    if "internet" in lowered and source.strip().lower() in WORLD:
        return True
    if source.strip().lower() in lowered:
        return True
    try:
        net = ipaddress.ip_network(source, strict=False)
        return any(_within(net, d) for d in deny_sources)
    except ValueError:
        return False


def _within(net: Any, deny: str) -> bool:
    try:
        return net.subnet_of(ipaddress.ip_network(deny, strict=False))
    except (ValueError, TypeError):
        return False


def _nsgs_of_hosts(az: Any, hosts: tuple[str, ...]) -> set[str]:
    addresses = {a for host in hosts for a in host_addresses(host, "NSGs")}
    public = {ip["id"].lower(): ip.get("properties", {}).get("ipAddress")
              for ip in az.read("network", "public IP addresses",
                                lambda c: c.public_ip_addresses.list(az.resource_group))}
    subnet_nsg = {s["id"].lower(): ((s.get("properties", {}).get("networkSecurityGroup") or {}).get("id") or "").lower()
                  for vnet in az.read("network", "virtual networks", lambda c: c.virtual_networks.list(az.resource_group))
                  for s in vnet.get("properties", {}).get("subnets") or []}
    found: set[str] = set()
    for nic in az.read("network", "network interfaces", lambda c: c.network_interfaces.list(az.resource_group)):
        props = nic.get("properties", {})
        for config in props.get("ipConfigurations") or []:
            c = config.get("properties", {})
            mine = {c.get("privateIPAddress"), public.get(((c.get("publicIPAddress") or {}).get("id") or "").lower())}
            if addresses & mine:
                found.add(((props.get("networkSecurityGroup") or {}).get("id") or "").lower())
                found.add(subnet_nsg.get(((c.get("subnet") or {}).get("id") or "").lower(), ""))
    return found - {""}

