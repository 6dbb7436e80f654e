"""Networking: network security groups and their rules."""

from __future__ import annotations

from typing import Any


def security_groups(az: Any) -> list[dict]:
    return az.read("network", "network security groups",
                   lambda c: c.network_security_groups.list(az.resource_group))
