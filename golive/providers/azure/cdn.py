"""CDN on Azure: how each Front Door (Standard/Premium) route caches.

For every AFD endpoint of every Front Door profile, each route (``routes`` of the endpoint) gives one record
per pattern of ``patternsToMatch``, the most specific pattern first (the one Front Door picks). Caching is
enabled when the route has a ``cacheConfiguration`` (``queryStringCachingBehavior`` and
``compressionSettings.isCompressionEnabled`` are read from it); Front Door then honours the origin's
Cache-Control, so no TTL is declared unless a rule of the route's rule sets overrides it: a ``CacheExpiration``
action (``BypassCache`` turns caching off; ``Override``/``SetIfMissing`` set ``cacheDuration``) or a
``RouteConfigurationOverride`` action's ``cacheConfiguration`` (``cacheBehavior``, ``cacheDuration``). Only rules
without match conditions are applied (they act on every request of the route); conditional rules are listed in
``declared``, not evaluated. Hosts: the endpoint's ``*.azurefd.net`` name and the route's custom domains.
"""

from __future__ import annotations

import re
from typing import Any

from golive.providers.azure import frontdoor
from golive.providers.azure.core import records
from golive.providers.azure.tls import FRONT_DOOR_SKUS  # AFD profiles (classic CDN profiles share the type)
from golive.providers.records_cdn import CdnCachePolicy, specificity
from golive.verdict import CouldNotObserve, Records, each

SOURCE = ("Microsoft.Cdn/profiles/afdEndpoints/routes properties.patternsToMatch, cacheConfiguration "
          "(queryStringCachingBehavior, compressionSettings); ruleSets/rules CacheExpiration, "
          "RouteConfigurationOverride")
_DURATION = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$")


@records("cdn_cache_policies")
def front_door_cache_policies(az: Any) -> Records:
    """Every AFD profile, and every endpoint of it, read on its own: one that cannot be read is a blind spot."""
    afd = [p["name"] for p in frontdoor.profiles(az) if (p.get("sku") or {}).get("name") in FRONT_DOOR_SKUS]
    return each(afd, lambda name: _profile_policies(az, name))


def _profile_policies(az: Any, name: str) -> Records:
    out = Records()
    try:
        domains = {d["id"].lower(): (d.get("properties") or {}).get("hostName")
                   for d in frontdoor.custom_domains(az, name)}
    except CouldNotObserve as exc:  # routes still judged; a distribution named by a custom host is then unseen
        out.blind.extend(exc.blind)
        domains = {}
    out.add(each(frontdoor.endpoints(az, name), lambda endpoint: _endpoint_policies(az, name, endpoint, domains)))
    return out


def _endpoint_policies(az: Any, name: str, endpoint: dict[str, Any], domains: dict[str, str | None]) -> Records:
    out = Records()
    found: list[CdnCachePolicy] = []
    for route in frontdoor.routes(az, name, endpoint["name"]):
        rule_sets = [ref["id"].rstrip("/").rsplit("/", 1)[-1]
                     for ref in (route.get("properties") or {}).get("ruleSets") or [] if ref.get("id")]
        try:
            rules: list[dict[str, Any]] | None = [rule for rs in rule_sets for rule in frontdoor.rules(az, name, rs)]
        except CouldNotObserve as exc:  # the route stays in place with caching unknown
            out.blind.extend(exc.blind)
            rules = None
        found += route_policies(name, endpoint, route, rules, domains)
    out.extend(sorted(found, key=lambda p: specificity(p.path_pattern)))  # the order Front Door picks them
    return out


def route_policies(profile: str, endpoint: dict[str, Any], route: dict[str, Any],
                   rules: list[dict[str, Any]] | None, domains: dict[str, str | None]) -> list[CdnCachePolicy]:
    """One AFD route (and the rules of its rule sets) as a CdnCachePolicy per pattern (pure); ``domains``:
    custom domain id (lower case) -> hostName; ``rules`` None: its rule sets could not be read (caching unknown)."""
    props = route.get("properties") or {}
    cache = props.get("cacheConfiguration")
    enabled: bool | None = bool(cache) if rules is not None else None
    compression = (cache or {}).get("compressionSettings") or {}
    compress = compression.get("isCompressionEnabled") if cache else None
    declared = {"route": route["name"], "cacheConfiguration": "set" if cache else "(none: caching disabled)"}
    if cache:
        declared["queryStringCachingBehavior"] = str(cache.get("queryStringCachingBehavior"))
        declared["compressionSettings.isCompressionEnabled"] = str(compress)
    default_ttl = None
    if rules is None:
        declared["ruleSets"] = "(rules not readable)"
    for rule in sorted(rules or [], key=lambda r: (r.get("properties") or {}).get("order", 0)):
        rprops = rule.get("properties") or {}
        for action in rprops.get("actions") or []:
            effect = _cache_effect(action)
            if effect is None:
                continue
            label = f"rule {rule['name']} {action.get('name')}"
            if rprops.get("conditions"):
                declared[label] = f"{effect[0]} {effect[1] or ''}".strip() + " (conditional, not evaluated)"
                continue
            declared[label] = f"{effect[0]} {effect[1] or ''}".strip()
            if effect[0] in ("BypassCache",):
                enabled = False
            elif effect[1] is not None:
                default_ttl = _seconds(effect[1])
                if default_ttl is None:
                    declared[label] += " (unreadable duration)"
    endpoint_host = (endpoint.get("properties") or {}).get("hostName")
    custom = [domains.get(ref["id"].lower()) for ref in props.get("customDomains") or [] if ref.get("id")]
    hosts = tuple(dict.fromkeys(h for h in (*custom, endpoint_host) if h))
    patterns = sorted(props.get("patternsToMatch") or ["/*"], key=specificity)
    return [CdnCachePolicy(distribution=f"fd/{profile}/{endpoint['name']}", path_pattern=pattern,
                           caching_enabled=enabled, default_ttl_s=default_ttl if enabled else None,
                           compress=None if compress is None else bool(compress), hosts=hosts, source=SOURCE,
                           declared=dict(declared)) for pattern in patterns]


def _cache_effect(action: dict[str, Any]) -> tuple[str, str | None] | None:
    """(behavior, duration) of a rule action that changes caching, else None."""
    params = action.get("parameters") or {}
    if action.get("name") == "CacheExpiration":
        return str(params.get("cacheBehavior")), params.get("cacheDuration")
    if action.get("name") == "RouteConfigurationOverride" and params.get("cacheConfiguration"):
        cache = params["cacheConfiguration"]
        return str(cache.get("cacheBehavior")), cache.get("cacheDuration")
    return None


def _seconds(duration: str) -> int | None:
    """ARM's "d.hh:mm:ss" (or "hh:mm:ss") as seconds."""
    match = _DURATION.match(duration.strip())
    if not match:
        return None
    days, hours, minutes, secs = (int(g or 0) for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + secs
