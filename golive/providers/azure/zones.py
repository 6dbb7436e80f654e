"""MULTI-AZ on Azure beyond PostgreSQL (postgres.zone_placements): Redis zones and App Service zone redundancy.

- Azure Cache for Redis: the resource's ``zones`` and its members (``shardCount`` x (``replicasPerMaster`` + 1));
- App Service plan: ``properties.zoneRedundant`` with ``sku.capacity`` instances. ARM does not list the zones of
  a plan's instances; a zone-redundant plan spreads its instances over the region's zones, so the zones
  recorded are the ones that capacity fills (one instance per zone, at most three) and none when it is not
  zone redundant. The evidence names this.

A property ARM does not return (a cache without ``zones``, a plan without ``zoneRedundant``) is recorded as not
returned: absent is unknown, not false (a blind spot naming the property and the resource).
"""

from __future__ import annotations

from typing import Any

from golive.providers.azure import appservice, redis
from golive.providers.azure.core import records
from golive.providers.records import ZonePlacement


@records("zone_placements")
def redis_zones(az: Any) -> list[ZonePlacement]:
    out = []
    for cache in redis.caches(az):
        props = cache.get("properties", {})
        members = max(1, int(props.get("shardCount") or 1)) * (int(props.get("replicasPerMaster") or 0) + 1)
        out.append(ZonePlacement(
            tier="cache", kind="Azure Cache for Redis", resource=cache["name"],
            zones=tuple(dict.fromkeys(cache.get("zones") or ())), members=members,
            source="Microsoft.Cache/redis zones, properties.shardCount, properties.replicasPerMaster",
            unknown=("zones",) if cache.get("zones") is None else ()))
    return out


@records("zone_placements")
def app_service_plans(az: Any) -> list[ZonePlacement]:
    out = []
    for plan in appservice.plans(az):
        returned = (plan.get("properties") or {}).get("zoneRedundant")
        redundant = bool(returned)
        capacity = int((plan.get("sku") or {}).get("capacity") or 1)
        out.append(ZonePlacement(
            tier="compute", kind="App Service plan", resource=plan["name"],
            zones=tuple(str(z) for z in range(1, min(capacity, 3) + 1)) if redundant else (),
            flags={} if returned is None else {"zoneRedundant": redundant}, members=capacity,
            unknown=("properties.zoneRedundant",) if returned is None else (),
            source="Microsoft.Web/serverfarms properties.zoneRedundant, sku.capacity (zones implied: a "
                   "zone-redundant plan spreads its instances over the region's zones; ARM does not list them)"))
    return out
