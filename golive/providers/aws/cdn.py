"""CDN on AWS: how each CloudFront distribution caches, per cache behavior.

Each distribution of ``cloudfront:ListDistributions`` (the same read as tls.py's and waf.py's): its ordered
``CacheBehaviors`` in order, then its ``DefaultCacheBehavior`` (path pattern ``*``), the order CloudFront
picks them in. A behavior with a ``CachePolicyId`` takes its TTLs from that policy, read with one
``cloudfront:GetCachePolicy`` per policy in use (AWS-managed and custom alike; never judged by the name, e.g.
Managed-CachingDisabled); otherwise the legacy ``MinTTL``/``DefaultTTL``/``MaxTTL`` of the behavior apply.
Caching is enabled when the effective MaxTTL is above 0 (CloudFront caches nothing with MaxTTL 0).
Compression: the behavior's ``Compress``. Hosts: the aliases and the ``*.cloudfront.net`` domain name.
"""

from __future__ import annotations

from typing import Any

from golive.providers.records_cdn import CdnCachePolicy
from golive.verdict import CouldNotObserve, Records, each

PROVIDES = ("cdn_cache_policies",)

CLOUDFRONT_REGION = "us-east-1"
DEFAULT_PATTERN = "*"


def cdn_cache_policies(aws: Any) -> Records:
    listing = aws.read("cloudfront", "ListDistributions", region=CLOUDFRONT_REGION).get("DistributionList", {})
    return each(listing.get("Items") or [], lambda dist: _distribution(aws, dist))


def _distribution(aws: Any, dist: dict[str, Any]) -> Records:
    """One distribution's behaviors in CloudFront's order; a cache policy that cannot be read leaves its behavior
    in place with caching unknown (a blind spot), so a later behavior is never taken for the one that serves."""
    out = Records()
    for behavior in [*((dist.get("CacheBehaviors") or {}).get("Items") or []), dist.get("DefaultCacheBehavior") or {}]:
        policy_id = behavior.get("CachePolicyId")
        config = None
        if policy_id:
            try:
                config = aws.read("cloudfront", "GetCachePolicy", region=CLOUDFRONT_REGION,
                                  Id=policy_id).get("CachePolicy", {}).get("CachePolicyConfig", {})
            except CouldNotObserve as exc:
                out.blind.extend(exc.blind)
        out.append(behavior_policy(dist, behavior, config))
    return out


def behavior_policy(dist: dict[str, Any], behavior: dict[str, Any],
                    cache_policy: dict[str, Any] | None) -> CdnCachePolicy:
    """One cache behavior of a DistributionSummary as a CdnCachePolicy (pure); ``cache_policy`` is the
    GetCachePolicy CachePolicyConfig of its CachePolicyId (None: a legacy behavior, its own TTLs apply)."""
    pattern = behavior.get("PathPattern") or DEFAULT_PATTERN
    policy_id = behavior.get("CachePolicyId") or ""
    if policy_id:
        ttl_from = cache_policy or {}
        declared = {"CachePolicyId": policy_id, "CachePolicy.Name": str(ttl_from.get("Name"))
                    if cache_policy is not None else "(not read)"}
        source = "cloudfront:ListDistributions CacheBehaviors/DefaultCacheBehavior + cloudfront:GetCachePolicy"
        prefix = "CachePolicy."
    else:
        ttl_from = behavior
        declared = {"CachePolicyId": "(none: legacy cache settings)"}
        source = "cloudfront:ListDistributions CacheBehaviors/DefaultCacheBehavior MinTTL/DefaultTTL/MaxTTL"
        prefix = ""
    ttls = {k: _seconds(ttl_from.get(k)) for k in ("MinTTL", "DefaultTTL", "MaxTTL")}
    declared.update({f"{prefix}{k}": str(v) for k, v in ttls.items()})
    compress = behavior.get("Compress")
    declared["Compress"] = str(compress)
    aliases = (dist.get("Aliases") or {}).get("Items") or []
    return CdnCachePolicy(
        distribution=f"cloudfront/{dist['Id']}", path_pattern=pattern,
        caching_enabled=None if ttls["MaxTTL"] is None else ttls["MaxTTL"] > 0,  # None: not returned
        min_ttl_s=ttls["MinTTL"], default_ttl_s=ttls["DefaultTTL"], max_ttl_s=ttls["MaxTTL"],
        compress=None if compress is None else bool(compress),
        hosts=tuple(dict.fromkeys(h for h in (*aliases, dist.get("DomainName")) if h)),
        source=source, declared=declared)


def _seconds(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)
