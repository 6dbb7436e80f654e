"""Profile section of CDN: static assets that must come from the CDN cache, and the cache policy."""

from __future__ import annotations

from pydantic import Field, HttpUrl

from golive.profile.base import Section


class CdnAsset(Section):
    name: str = Field(min_length=1)
    url: HttpUrl


class CdnSection(Section):
    assets: list[CdnAsset] = Field(min_length=1, max_length=32)
    cache_status_headers: list[str] = Field(default_factory=lambda: ["X-Cache"], min_length=1,
                                            description="headers naming the cache result; runbook 000 line 600: "
                                                        "X-Cache (CloudFront 'Hit from cloudfront', Front Door "
                                                        "'TCP_HIT'); Cloudflare: CF-Cache-Status")
    hit_pattern: str = Field(default="(?i)hit", description="regex a cache-status value must match on the "
                                                            "second request")
    require_age: bool = Field(default=True, description="runbook 000 line 601: Age present on a cached answer")
    min_max_age_s: int | None = Field(default=None, ge=0, description="cache policy: Cache-Control max-age "
                                      "(or s-maxage) at least this many seconds; None: not checked")
    timeout_s: float = Field(default=5.0, gt=0, le=30)
