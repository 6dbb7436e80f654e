"""TURN firewall on AWS: the inbound rules of the security groups in front of the TURN servers.

``ec2:DescribeSecurityGroups`` ``IpPermissions``; without named groups, the groups of the network interfaces
that carry the TURN hosts' addresses (``ec2:DescribeNetworkInterfaces`` filtered on ``association.public-ip``
and ``addresses.private-ip-address``). The mapping onto IngressRule is golive/providers/records_firewall.py's
docstring. A named group the account/region does not have returns nothing here: it may live in another target or
be another cloud's NSG, so the TURN check judges the names no target returned.
"""

from __future__ import annotations

from typing import Any

from golive.providers.records_firewall import IngressRule, host_addresses

PROVIDES = ("turn_ingress_rules",)

_PROTOCOLS = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def turn_ingress_rules(aws: Any, groups: tuple[str, ...] = (), hosts: tuple[str, ...] = ()) -> list[IngressRule]:
    every = aws.read("ec2", "DescribeSecurityGroups").get("SecurityGroups", [])
    if groups:  # a named group this account/region lacks is the check's to judge (it may live in another target)
        chosen = [g for g in every if g["GroupId"] in groups or g.get("GroupName") in groups]
    else:
        ids = _groups_of_hosts(aws, hosts)
        chosen = [g for g in every if g["GroupId"] in ids]
    return [rule for group in chosen for rule in group_rules(group, groups)]


def group_rules(group: dict[str, Any], named: tuple[str, ...] = ()) -> list[IngressRule]:
    """One IngressRule per ``IpPermissions`` entry of a DescribeSecurityGroups group (pure)."""
    label = group.get("GroupName") if group.get("GroupName") in named and group["GroupId"] not in named \
        else group["GroupId"]
    out = []
    for perm in group.get("IpPermissions", []):
        protocol = _PROTOCOLS.get(str(perm.get("IpProtocol")), str(perm.get("IpProtocol")).lower())
        every_port = protocol == "all" or perm.get("FromPort") is None
        low, high = (0, 65535) if every_port else (int(perm["FromPort"]), int(perm["ToPort"]))
        sources = ([r["CidrIp"] for r in perm.get("IpRanges", [])]
                   + [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", [])]
                   + [p["GroupId"] for p in perm.get("UserIdGroupPairs", []) if p.get("GroupId")]
                   + [p["PrefixListId"] for p in perm.get("PrefixListIds", [])])
        out.append(IngressRule(group=label, cloud="aws", protocol=protocol, port_from=low, port_to=high, sources=tuple(sources),
                               api=f"ec2:DescribeSecurityGroups {group['GroupId']} ({group.get('GroupName')}) "
                                   f"IpPermissions"))
    return out


def _groups_of_hosts(aws: Any, hosts: tuple[str, ...]) -> set[str]:
    ids: set[str] = set()
    for address in sorted({a for host in hosts for a in host_addresses(host, "security groups")}):
        for key in ("association.public-ip", "addresses.private-ip-address"):
            found = aws.read("ec2", "DescribeNetworkInterfaces", Filters=[{"Name": key, "Values": [address]}])
            ids |= {g["GroupId"] for eni in found.get("NetworkInterfaces", []) for g in eni.get("Groups", [])}
    return ids

