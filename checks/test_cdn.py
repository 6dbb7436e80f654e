"""CDN: each static asset the profile lists is served from the CDN cache on the second request
(X-Cache: Hit..., Age present) with the cache policy the profile names (Cache-Control max-age).

Runbook 000 lines 595-601: curl -I https://cdn.silenttalk.com/static/js/main.js -> X-Cache: Hit from
cloudfront (or Azure CDN), Age: > 0 (cached).
"""

from golive.probes import cdn
from golive.probes.http import client
from golive.verdict import require


def test_static_assets_come_from_the_cdn_cache(section, profile, evidence):
    seen, problems = [], []
    with client(profile.trust.ca_bundle, section.timeout_s) as http:
        for asset in section.assets:
            obs = cdn.observe(http, asset.name, str(asset.url))
            seen.append(obs)
            problems += [f"{asset.name} ({obs.url}): {p}" for p in cdn.problems(obs, section)]
    evidence.json("caps", {"requests per asset": cdn.REQUESTS_PER_ASSET, "timeout per request s": section.timeout_s})
    evidence.text("headers seen per request", "\n\n".join(
        f"{o.name} request {f.attempt}: {o.url} -> {f.status} ({f.elapsed_ms} ms)\n"
        + "\n".join(f"  {k}: {v}" for k, v in f.headers) for o in seen for f in o.fetches))
    evidence.json("assets observed", seen)
    require(problems, f"{len(problems)} CDN caching problem(s) on profile {profile.name}")
