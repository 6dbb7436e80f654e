"""Profile section of CDN: static assets that must come from the CDN cache, the cache policy, and (``configured``)
the distributions whose declared cache behaviors are read through the providers."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, HttpUrl

from golive.profile.base import YEAR_S, NotApplicable, Section


class CdnAsset(Section):
    name: str = Field(min_length=1)
    url: HttpUrl


class CdnConfigured(Section):
    distributions: list[str] = Field(min_length=1, max_length=32,
                                     description="distributions to read: a CloudFront id or alias, a Front Door "
                                                 "endpoint name or custom domain (each must be found: no provider "
                                                 "returning it is could-not-observe)")
    static_paths: list[str] = Field(default_factory=lambda: ["/static/*"], min_length=1, max_length=32,
                                    description="runbook 000 lines 595-601: static assets are cached; the behavior "
                                                "or route serving each of these paths must cache")
    min_default_ttl_s: int = Field(default=86400, ge=0, le=YEAR_S, description="declared default TTL at least this (where the "
                                   "platform declares one; CloudFront's managed CachingOptimized: 86400)")
    require_compression: bool = Field(default=False, description="the behavior/route must also compress")


class CdnSection(Section):
    assets: Annotated[list[CdnAsset], Field(min_length=1, max_length=32)] | NotApplicable = Field(
        description="the live half: static assets fetched twice, the second must be a cache hit; or "
                    "{not_applicable: reason} (a configuration-only profile: the configured half alone proves the "
                    "item)")
    cache_status_headers: list[str] = Field(default_factory=lambda: ["X-Cache"], min_length=1,
                                            description="headers naming the cache result; runbook 000 line 600: "
                                                        "X-Cache (CloudFront 'Hit from cloudfront', Front Door "
                                                        "'TCP_HIT'); Cloudflare: CF-Cache-Status")
    hit_pattern: str = Field(default="(?i)hit", description="regex a cache-status value must match on the "
                                                            "second request")
    require_age: bool = Field(default=True, description="runbook 000 line 601: Age present on a cached answer")
    min_max_age_s: int | None = Field(default=None, ge=0, le=YEAR_S, description="cache policy: Cache-Control max-age "
                                      "(or s-maxage) at least this many seconds; None: not checked")
    timeout_s: float = Field(default=5.0, gt=0, le=30)
    configured: CdnConfigured | None = Field(default=None, description="also read the declared cache policies "
                                             "(CloudFront cache behaviors, Front Door routes) through the providers")
