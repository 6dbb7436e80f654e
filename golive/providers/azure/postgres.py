"""Azure Database for PostgreSQL Flexible servers and their server parameters."""

from __future__ import annotations

from typing import Any

from golive.providers.azure.core import records
from golive.providers.records import ZonePlacement


def flexible_servers(az: Any) -> list[dict]:
    return az.read("postgres", "PostgreSQL flexible servers",
                   lambda c: c.servers.list_by_resource_group(az.resource_group))


def configuration(az: Any, server: str, name: str) -> dict:
    """One server parameter, e.g. ``require_secure_transport``: ``{"properties": {"value": "on", ...}}``."""
    return az.read("postgres", f"parameter {name} of PostgreSQL server {server}",
                   lambda c: c.configurations.get(az.resource_group, server, name))


@records("zone_placements")
def zone_placements(az: Any) -> list[ZonePlacement]:
    """MULTI-AZ: primary and standby zones; ``ZoneRedundant`` must be the HA mode (``SameZone`` is not).
    A zone or HA mode ARM does not return is recorded as not returned (unknown, not false)."""
    out = []
    for server in flexible_servers(az):
        props = server.get("properties", {})
        ha = props.get("highAvailability") or {}
        mode, primary, standby = ha.get("mode"), props.get("availabilityZone"), ha.get("standbyAvailabilityZone")
        missing = [name for name, absent in (("availabilityZone", not primary),
                                             ("highAvailability.standbyAvailabilityZone",
                                              mode == "ZoneRedundant" and not standby)) if absent]
        out.append(ZonePlacement(tier="database", kind="PostgreSQL flexible server", resource=server["name"],
                                 zones=tuple(dict.fromkeys(z for z in (primary, standby) if z)),
                                 flags={"highAvailability.mode ZoneRedundant": None if mode is None
                                        else mode == "ZoneRedundant"},
                                 members=None if mode is None else 2 if mode in ("ZoneRedundant", "SameZone") else 1,
                                 source="Microsoft.DBforPostgreSQL/flexibleServers availabilityZone, "
                                        "highAvailability.mode, highAvailability.standbyAvailabilityZone",
                                 unknown=tuple(missing)))
    return out
