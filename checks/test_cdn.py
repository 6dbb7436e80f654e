"""CDN: each static asset the profile lists is served from the CDN cache on the second request
(X-Cache: Hit..., Age present) with the cache policy the profile names (Cache-Control max-age); where the profile
asks (``configured``), the declared cache behaviors of the named CloudFront distributions / Front Door endpoints
cache every static path.

Runbook 000 lines 595-601: curl -I https://cdn.silenttalk.com/static/js/main.js -> X-Cache: Hit from
cloudfront (or Azure CDN), Age: > 0 (cached).
"""

from dataclasses import replace

import pytest

from golive.compare import targets
from golive.compare.targets import named, spot
from golive.probes import cdn, cdn_policy
from golive.probes.http import caps as http_caps
from golive.probes.http import client
from golive.profile.base import NotApplicable

CDN_CLOUDS = ("aws", "azure")  # the clouds whose providers read cdn_cache_policies (CloudFront, Front Door)


def test_static_assets_come_from_the_cdn_cache(section, profile, evidence, judge):
    if isinstance(section.assets, NotApplicable):
        pytest.skip(f"CDN live cache hits not applicable on {profile.name}: {section.assets.not_applicable}")
    seen = []
    with client(profile.trust.ca_bundle, section.timeout_s) as http:
        for asset in section.assets:  # each judged; one that cannot be fetched is a blind spot, not a stop
            with judge.observing():
                obs = cdn.observe(http, asset.name, str(asset.url))
                seen.append(obs)
                judge.find(f"{asset.name} ({obs.url}): {p}" for p in cdn.problems(obs, section))
                judge.record(cdn.facts(obs, section))
    evidence.json("caps", {"requests per asset": cdn.REQUESTS_PER_ASSET, **http_caps(section.timeout_s)})
    evidence.text("headers seen per request", "\n\n".join(
        f"{o.name} request {f.attempt}: {o.url} -> {f.status} ({f.elapsed_ms} ms)\n"
        + "\n".join(f"  {k}: {v}" for k, v in f.headers) for o in seen for f in o.fetches))
    evidence.json("assets observed", seen)
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(judge.findings)} CDN caching problem(s) on profile {profile.name}")


def test_configured_cache_policies_cache_the_static_paths(section, profile, providers, evidence, judge):
    wanted = section.configured
    if wanted is None:
        pytest.skip(f"configured cache policies not applicable on {profile.name}: CDN.configured is not set "
                    f"(the live cache hits are checked)")
    policies = judge.saw(providers.gather("cdn_cache_policies"))
    evidence.json("declared cache policies", policies)
    seen = sorted({f"{p.distribution} ({', '.join(p.hosts)})" for p in policies}) or ["none"]
    unread = [f"providers.{c} is not configured" for c in CDN_CLOUDS if not providers.of(c)]
    every = targets.wheres(policies)
    for where, name in ((w, n) for w in every for n in targets.names(wanted.distributions, w, every)):
        here = targets.part(policies, where, every)  # each target on its own (issue 18)
        mine = cdn_policy.of_distribution(here, name)
        if not mine and (here.blind or unread):  # it may sit behind a blind read or an unread cloud
            judge.blind_to(named(where, f"CDN distribution {name}"), f"not returned by the reads that succeeded "
                           f"({'; '.join(unread) or 'it may be behind a blind read'}); read: {'; '.join(seen)}")
        elif not mine:
            judge.find([named(where, f"CDN distribution {name}: not found; every cloud that declares CDN cache "
                                     f"policies was read (CloudFront, Front Door) and none returned it; read: "
                                     f"{'; '.join(seen)}")])
        if not mine:
            continue
        judge.find([named(where, p) for p in cdn_policy.problems(mine, name, wanted.static_paths,
                                                                 wanted.min_default_ttl_s, wanted.require_compression)])
        judge.blind.extend(spot(where, b) for b in cdn_policy.unknowns(mine, wanted.static_paths,
                                                                        wanted.require_compression))
        judge.record([replace(f, resource=named(where, f.resource)) for f in cdn_policy.facts(
            mine, name, wanted.static_paths, wanted.min_default_ttl_s, wanted.require_compression)])
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"declared CDN cache policies on profile {profile.name} (static paths "
                   f"{', '.join(wanted.static_paths)})")
