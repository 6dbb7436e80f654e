"""CDN, configured half: the declared cache policy of each static path of each named distribution.

Pure functions over CdnCachePolicy records (golive/providers/records_cdn.py) and the profile's
``CDN.configured`` (golive/profile/items/cdn.py); no network, no SDK.
"""

from __future__ import annotations

from collections.abc import Sequence

from golive.providers.records_cdn import CdnCachePolicy
from golive.verdict import BlindSpot, Fact

RUNBOOK = "runbook 000 (lines 595-601) expects static assets cached"


def sample_path(static_path: str) -> str:
    """A concrete path the profile's pattern stands for ("/static/*" -> "/static/golive-sample.js")."""
    path = static_path if static_path.startswith("/") else f"/{static_path}"
    return path.replace("*", "golive-sample.js").replace("?", "x")


def of_distribution(policies: Sequence[CdnCachePolicy], name: str) -> list[CdnCachePolicy]:
    """The records of the distribution the profile names (by id, id's last segment or host), in provider order."""
    key = name.lower().rstrip(".")
    return [p for p in policies if key in p.names()]


def serving(policies: Sequence[CdnCachePolicy], static_path: str) -> CdnCachePolicy | None:
    """The record that serves ``static_path``: the first whose pattern matches (providers return them in the
    order the CDN picks them)."""
    path = sample_path(static_path)
    return next((p for p in policies if p.serves(path)), None)


def _said(policy: CdnCachePolicy) -> str:
    return ", ".join(f"{k}={v}" for k, v in policy.declared.items())


def problems(policies: Sequence[CdnCachePolicy], distribution: str, static_paths: Sequence[str],
             min_default_ttl_s: int, require_compression: bool = False) -> list[str]:
    """Every static path of ``distribution`` whose serving behavior does not cache as the profile asks.
    ``policies``: that distribution's records (of_distribution); each problem names distribution, path, field."""
    found: list[str] = []
    for static_path in static_paths:
        policy = serving(policies, static_path)
        if policy is None:
            dists = ", ".join(sorted({p.distribution for p in policies}))
            found.append(f"{dists} path {static_path}: no cache behavior or route serves it "
                         f"(patterns: {', '.join(p.path_pattern for p in policies)}); {RUNBOOK}")
            continue
        where = f"{policy.distribution} path {static_path} (served by pattern {policy.path_pattern}; {_said(policy)})"
        if policy.caching_enabled is None:
            continue  # not read: unknowns() names it
        if not policy.caching_enabled:
            found.append(f"{where}: caching_enabled is false; {RUNBOOK}")
            continue
        if policy.default_ttl_s is not None and policy.default_ttl_s < min_default_ttl_s:
            found.append(f"{where}: default_ttl_s is {policy.default_ttl_s} s; the profile requires >= "
                         f"{min_default_ttl_s} s")
        if policy.max_ttl_s is not None and policy.max_ttl_s < min_default_ttl_s:
            found.append(f"{where}: max_ttl_s is {policy.max_ttl_s} s, capping every TTL below the profile's "
                         f"{min_default_ttl_s} s")
        if require_compression and policy.compress is False:
            found.append(f"{where}: compress is {policy.compress}; the profile requires compression")
    return found


def unknowns(policies: Sequence[CdnCachePolicy], static_paths: Sequence[str],
             require_compression: bool = False) -> list[BlindSpot]:
    """The static paths whose serving behavior could not be read in full: caching not known (cache policy or
    rules unreadable, MaxTTL not returned), compression not returned when the profile requires it."""
    out: list[BlindSpot] = []
    for static_path in static_paths:
        policy = serving(policies, static_path)
        if policy is None:
            continue
        where = f"{policy.distribution} path {static_path} (pattern {policy.path_pattern})"
        if policy.caching_enabled is None:
            out.append(BlindSpot(f"caching of {where}", f"{policy.source}: not returned or not readable "
                                                        f"({_said(policy)}), so it is not judged"))
        elif policy.caching_enabled and require_compression and policy.compress is None:
            out.append(BlindSpot(f"compression of {where}", f"{policy.source}: not returned, so it is not judged"))
    return out


def facts(policies: Sequence[CdnCachePolicy], distribution: str, static_paths: Sequence[str],
          min_default_ttl_s: int, require_compression: bool = False) -> list[Fact]:
    """CDN drift (configured half): per distribution (by the profile's name) and static path, the pattern serving
    it and its caching, TTLs and compression, against the profile (ok None: not returned or not judged)."""
    out: list[Fact] = []
    for static_path in static_paths:
        where, policy = f"{distribution} path {static_path}", serving(policies, static_path)
        out.append(Fact(where, "served by pattern", None if policy is None else policy.path_pattern, "some pattern",
                        policy is not None))
        if policy is None:
            continue
        cached = policy.caching_enabled
        ttl = [None if v is None or not cached else v >= min_default_ttl_s
               for v in (policy.default_ttl_s, policy.max_ttl_s)]
        out += [Fact(where, "caching_enabled", cached, True, cached),
                Fact(where, "default_ttl_s", policy.default_ttl_s, f">= {min_default_ttl_s}", ttl[0]),
                Fact(where, "max_ttl_s", policy.max_ttl_s, f">= {min_default_ttl_s}", ttl[1]),
                Fact(where, "min_ttl_s", policy.min_ttl_s),
                Fact(where, "compress", policy.compress, True if require_compression else None,
                     None if not require_compression or policy.compress is None or not cached else policy.compress)]
    return out
