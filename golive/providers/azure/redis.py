"""Azure Cache for Redis instances (zones, SKU, TLS settings)."""

from __future__ import annotations

from typing import Any


def caches(az: Any) -> list[dict]:
    return az.read("redis", "Azure Cache for Redis instances",
                   lambda c: c.redis.list_by_resource_group(az.resource_group))
