"""CDN records: the cache policy a CDN declares for one path of one distribution, as the providers return it.

A provider implements ``cdn_cache_policies(self) -> list[CdnCachePolicy]`` (the check calls
``providers.gather("cdn_cache_policies")``). It returns a distribution's records in the order the CDN picks
them for a request (CloudFront: ordered cache behaviors, then the default; Front Door: the most specific route
pattern first), so the first record whose pattern matches a path is the one that serves it. It resolves names
to values itself: a CloudFront ``CachePolicyId`` through ``cloudfront:GetCachePolicy``, never by its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase


@dataclass(frozen=True)
class CdnCachePolicy:
    """CDN: how one path pattern of one distribution is cached.

    distribution: the name the platform uses ("cloudfront/E2ABC", "fd/silenttalk-frontdoor/silenttalk-endpoint")
    path_pattern: the pattern this behavior/route serves ("/static/*"; "*" for CloudFront's default behavior)
    caching_enabled: whether the CDN keeps answers at all (False: CloudFront MaxTTL 0, a Front Door route without
        cacheConfiguration or a BypassCache rule); None when it could not be read (MaxTTL not returned, the cache
        policy or the route's rules not readable): a blind spot, never a pass or a breach
    min_ttl_s, default_ttl_s, max_ttl_s: the TTLs declared, in seconds; None when the platform declares none
        (Front Door honours the origin's Cache-Control unless a rule overrides it)
    compress: the CDN compresses answers (None: not declared)
    hosts: the hostnames viewers use for it (CloudFront aliases and domain name; Front Door endpoint and the
        route's custom domains)
    source: the API calls and fields read
    declared: the raw values read, for evidence and messages ({"CachePolicyId": "...", "DefaultTTL": "86400"})
    """

    distribution: str
    path_pattern: str
    caching_enabled: bool | None
    min_ttl_s: int | None = None
    default_ttl_s: int | None = None
    max_ttl_s: int | None = None
    compress: bool | None = None
    hosts: tuple[str, ...] = ()
    source: str = ""
    declared: dict[str, str] = field(default_factory=dict)
    where: str = ""  # the target it was read in, when the profile names several (issue 18)

    def names(self) -> set[str]:
        """Every name a profile may use for this distribution (its id, its last segment, its hosts)."""
        return {n.lower().rstrip(".") for n in (self.distribution, self.distribution.rsplit("/", 1)[-1], *self.hosts)}

    def serves(self, path: str) -> bool:
        """Whether this pattern matches ``path`` (CloudFront and Front Door wildcards: ``*`` and ``?``)."""
        pattern = self.path_pattern if self.path_pattern.startswith(("/", "*")) else f"/{self.path_pattern}"
        return fnmatchcase(path, pattern)


def specificity(pattern: str) -> tuple[int, int]:
    """Sort key: the more literal characters before the first wildcard, the earlier a Front Door pattern wins."""
    literal = len(pattern.split("*", 1)[0].split("?", 1)[0])
    return (-literal, -len(pattern))
