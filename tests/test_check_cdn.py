"""CDN proven both ways against the lab's caching front (nginx proxy_cache with X-Cache and Age)."""

from __future__ import annotations

import pytest

from gate import profile_dict, run_gate
from golive.probes import cdn
from golive.profile.items.cdn import CdnSection

ITEM = "CDN"


def _profile(site, lab_rt, **section) -> dict:
    lab_rt.ca()
    return profile_dict({ITEM: {"assets": [{"name": "main.js", "url": site.endpoints["asset"]}], **section}},
                        trust={"ca_bundle": str(lab_rt.ca_file)})


def test_passes_when_the_second_request_is_a_cache_hit(pytester, lab, lab_rt):
    result = run_gate(pytester, _profile(lab("nginx", "compliant"), lab_rt, min_max_age_s=3600), "cdn")
    assert result.verdict(ITEM) == "passed", result.output
    evidence = result.attachments()
    assert "X-Cache: Hit from golive-lab-cdn" in evidence and "Age: " in evidence


@pytest.mark.parametrize(("variant", "reason"), [
    ("no-caching", "no X-Cache header on the second request"),
    ("cdn-short-max-age", "Cache-Control is 'public, max-age=60'; the profile's cache policy requires max-age >= 3600 s"),
])
def test_fails_with_the_reason_on_each_broken_variant(pytester, lab, lab_rt, variant, reason):
    result = run_gate(pytester, _profile(lab("nginx", variant), lab_rt, min_max_age_s=3600), "cdn")
    assert result.verdict(ITEM) == "non-compliant", result.output
    assert reason in result.messages(ITEM)
    if variant == "no-caching":
        assert "no Age header" in result.messages(ITEM)


def test_origin_without_the_cdn_is_not_a_hit(pytester, lab, lab_rt):
    """The asset straight from the origin (a profile pointing past the CDN) has no X-Cache."""
    site = lab("nginx", "compliant")
    profile = profile_dict({ITEM: {"assets": [{"name": "main.js", "url": f"{site.endpoints['https']}/static/js/main.js"}]}},
                           trust={"ca_bundle": str(lab_rt.ca_file)})
    result = run_gate(pytester, profile, "cdn")
    assert result.verdict(ITEM) == "non-compliant"


def test_fails_closed_when_the_cdn_is_down(pytester, lab_rt):
    from golive.lab.runtime import free_port
    lab_rt.ca()
    profile = profile_dict({ITEM: {"assets": [{"name": "main.js", "url": f"https://127.0.0.1:{free_port()}/x.js"}]}},
                           trust={"ca_bundle": str(lab_rt.ca_file)})
    result = run_gate(pytester, profile, "cdn")
    assert result.verdict(ITEM) == "could-not-observe", result.output


def test_one_asset_down_and_one_not_cached_is_non_compliant_naming_both(pytester, lab, lab_rt):
    """Partial observation (issue 13): the unreachable asset is a blind spot, the other's miss a finding."""
    from golive.lab.runtime import free_port
    lab_rt.ca()
    site = lab("nginx", "no-caching")
    profile = profile_dict({ITEM: {"assets": [{"name": "gone.js", "url": f"https://127.0.0.1:{free_port()}/x.js"},
                                              {"name": "main.js", "url": site.endpoints["asset"]}]}},
                           trust={"ca_bundle": str(lab_rt.ca_file)})
    result = run_gate(pytester, profile, "cdn")
    assert result.verdict(ITEM) == "non-compliant", result.output
    assert result.ret == 1
    messages = result.messages(ITEM)
    assert "main.js (https://" in messages and "no X-Cache header on the second request" in messages
    assert "Not observed (1)" in messages and "CDN asset gone.js (https://127.0.0.1:" in messages
    assert result.summary["items"][ITEM]["blind_spots"]


def test_live_half_declared_not_applicable_skips_with_the_reason(pytester):
    profile = profile_dict({ITEM: {"assets": {"not_applicable": "configuration-only profile: no live endpoint"}}})
    result = run_gate(pytester, profile, "cdn", args=("-k", "test_static_assets_come_from_the_cdn_cache"))
    assert result.outcomes.get("skipped") == 1, result.output
    assert "CDN live cache hits not applicable on selftest: configuration-only profile" in result.output


def _fetch(**headers: str) -> cdn.CdnObservation:
    second = cdn.Fetch(2, 200, tuple(headers.items()), 1.0)
    return cdn.CdnObservation("a", "https://cdn.example/a.js", (cdn.Fetch(1, 200, (), 1.0), second))


@pytest.mark.parametrize(("headers", "section", "ok"), [
    ({"X-Cache": "Hit from cloudfront", "Age": "12"}, {}, True),
    ({"X-Cache": "RefreshHit from cloudfront", "Age": "0"}, {}, True),
    ({"X-Cache": "TCP_HIT", "Age": "3"}, {}, True),  # Azure Front Door
    ({"X-Cache": "Miss from cloudfront"}, {"require_age": False}, False),
    ({"CF-Cache-Status": "HIT", "Age": "5"}, {"cache_status_headers": ["X-Cache", "CF-Cache-Status"]}, True),
    ({"X-Cache": "Hit from cloudfront"}, {}, False),  # no Age
    ({"X-Cache": "Hit", "Age": "1", "Cache-Control": "public, s-maxage=86400, max-age=60"}, {"min_max_age_s": 3600}, True),
    ({"X-Cache": "Hit", "Age": "1", "Cache-Control": "no-store, max-age=86400"}, {"min_max_age_s": 3600}, False),
])
def test_cache_rules_are_pure(headers, section, ok):
    rules = CdnSection(assets=[{"name": "a", "url": "https://cdn.example/a.js"}], **section)
    assert (cdn.problems(_fetch(**headers), rules) == []) is ok
