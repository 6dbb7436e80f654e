"""CDN's configured half proven both ways through the real providers' cdn_cache_policies() against the lab's
emulated clouds: CloudFront cache behaviors with their CachePolicyId resolved by GetCachePolicy (moto plus the
lab's managed cache policies) and Front Door routes with their rule sets (ARM emulator). Passes on the compliant
shapes with the CDN section of profiles/local.yaml; on each broken variant fails naming the distribution, the
path and the field; could-not-observe when a cloud API does not answer or no provider knows a named
distribution. The live half runs against the compliant lab caching front each time."""

from __future__ import annotations

import http.cookiejar  # noqa: F401  (before pytester's in-process runs: see tests/monitoring_profiles.py)

import azure.mgmt.cdn  # noqa: F401  (loaded once, not again in every in-process run)
import pytest
import yaml

import lab_providers
from gate import ROOT, profile_dict, run_gate
from golive.lab.runtime import free_port
from golive.probes import cdn_policy
from golive.providers.aws.cdn import behavior_policy
from golive.providers.azure.cdn import route_policies

ITEM = "CDN"
LOCAL = yaml.safe_load((ROOT / "profiles" / "local.yaml").read_text(encoding="utf-8"))["items"][ITEM]
AWS_DIST, AZURE_DIST = "cdn.silenttalk.example", "app.silenttalk.example"


def _gate(pytester, lab, lab_rt, providers, distributions=None):
    """local.yaml's CDN section with its asset on this session's compliant lab caching front."""
    lab_rt.ca()
    configured = {**LOCAL["configured"], **({"distributions": distributions} if distributions else {})}
    section = {**LOCAL, "assets": [{"name": "main.js", "url": lab("nginx", "compliant").endpoints["asset"]}],
               "configured": configured}
    profile = profile_dict({ITEM: section}, providers=providers, trust={"ca_bundle": str(lab_rt.ca_file)})
    return run_gate(pytester, profile, "cdn")


def test_local_profile_reads_the_declared_cache_policies():
    assert LOCAL["configured"]["distributions"] == [AWS_DIST, AZURE_DIST]


@pytest.mark.xdist_group("cdn-providers")
def test_compliant_clouds_pass_and_show_what_they_declare(pytester, lab, lab_rt):
    providers = {**lab_providers.aws(lab("aws")), **lab_providers.azure(lab("azure"))}
    result = _gate(pytester, lab, lab_rt, providers)
    assert result.verdict(ITEM) == "passed", result.output
    seen = result.attachments()
    for fragment in ("Managed-CachingOptimized", "Managed-CachingDisabled", "/api/*", "cloudfront:GetCachePolicy",
                     "fd/silenttalk-frontdoor/silenttalk-endpoint", "silenttalk-static", "1.00:00:00"):
        assert fragment in seen, fragment


@pytest.mark.xdist_group("cdn-providers")
@pytest.mark.parametrize(("cloud", "variant", "dist", "reason"), [
    ("aws", "cdn-no-cache", AWS_DIST, "path /static/* (served by pattern /static/*; CachePolicyId="
                                      "4135ea2d-6df8-44a3-9df3-4b5a84be39ad, CachePolicy.Name=Managed-CachingDisabled, "
                                      "CachePolicy.MinTTL=0, CachePolicy.DefaultTTL=0, CachePolicy.MaxTTL=0"),
    ("azure", "afd-route-no-cache", AZURE_DIST, "fd/silenttalk-frontdoor/silenttalk-endpoint path /static/* (served "
                                                "by pattern /static/*; route=silenttalk-static, cacheConfiguration="
                                                "(none: caching disabled)"),
])
def test_each_broken_variant_fails_naming_distribution_path_and_field(pytester, lab, lab_rt, cloud, variant, dist,
                                                                      reason):
    providers = getattr(lab_providers, cloud)(lab(cloud, variant))
    result = _gate(pytester, lab, lab_rt, providers, [dist])
    assert result.verdict(ITEM) == "non-compliant", result.output
    messages = result.messages(ITEM)
    assert reason in messages and "caching_enabled is false" in messages, messages


@pytest.mark.xdist_group("cdn-providers")
def test_unreachable_cloud_apis_and_unknown_distributions_are_could_not_observe(pytester, lab, lab_rt):
    down = f"127.0.0.1:{free_port()}"
    aws = _gate(pytester, lab, lab_rt, lab_providers.aws(lab("aws"), endpoint_url=f"http://{down}", timeout_s=1),
                [AWS_DIST])
    assert aws.verdict(ITEM) == "could-not-observe", aws.output
    assert "cloudfront:ListDistributions" in aws.messages(ITEM), aws.messages(ITEM)

    azure = _gate(pytester, lab, lab_rt, lab_providers.azure(lab("azure"), arm_endpoint=f"https://{down}", timeout_s=1),
                  [AZURE_DIST])
    assert azure.verdict(ITEM) == "could-not-observe", azure.output
    assert "could not be reached" in azure.messages(ITEM)

    # AWS answers, but knows only cdn.silenttalk.example: the Front Door domain is unobserved, not passed
    partial = _gate(pytester, lab, lab_rt, lab_providers.aws(lab("aws")))
    assert partial.verdict(ITEM) == "could-not-observe", partial.output
    assert f"CDN distribution {AZURE_DIST}" in partial.messages(ITEM), partial.messages(ITEM)
    assert "providers.azure is not configured" in partial.messages(ITEM), partial.messages(ITEM)


@pytest.mark.xdist_group("cdn-providers")
def test_a_reader_denied_one_call_still_reports_the_breaches_it_can_see(pytester, lab, lab_rt):
    from golive.lab.aws.restricted import restricted_reader
    started = lab("aws")
    denied = lab_providers.aws(started)
    denied["aws"].update(restricted_reader(started, ["cloudfront:GET /2020-05-31/distribution"]))
    both = _gate(pytester, lab, lab_rt, {**denied, **lab_providers.azure(lab("azure", "afd-route-no-cache"))})
    text = both.messages(ITEM)
    assert both.verdict(ITEM) == "non-compliant" and both.ret == 1, both.output
    assert "silenttalk-endpoint path /static/*" in text and "caching_enabled is false" in text, text
    assert "cloudfront:ListDistributions" in text and f"CDN distribution {AWS_DIST}" in text, text
    assert f"{AWS_DIST}: not found" not in text  # behind the blind read: unseen, not missing
    assert both.summary["items"][ITEM]["blind_spots"], both.summary["items"][ITEM]

    policy_denied = lab_providers.aws(started)
    policy_denied["aws"].update(restricted_reader(started, ["cloudfront:GET /2020-05-31/cache-policy/"]))
    alone = _gate(pytester, lab, lab_rt, policy_denied, [AWS_DIST])
    assert alone.verdict(ITEM) == "could-not-observe" and alone.ret == 6, alone.output
    assert "cloudfront:GetCachePolicy" in alone.messages(ITEM) and "caching of" in alone.messages(ITEM)


# --- the mappings the emulators do not show (pure) --------------------------------------------------------
DIST = {"Id": "E2ABC", "DomainName": "d1.cloudfront.net", "Aliases": {"Quantity": 1, "Items": ["cdn.example"]}}


def test_a_legacy_behavior_is_judged_on_its_own_ttls():
    legacy = behavior_policy(DIST, {"PathPattern": "static/*", "MinTTL": 0, "DefaultTTL": 3600, "MaxTTL": 86400,
                                    "Compress": False}, None)
    default = behavior_policy(DIST, {"CachePolicyId": "p1"}, {"Name": "Custom", "MinTTL": 1, "DefaultTTL": 86400,
                                                              "MaxTTL": 31536000})
    assert legacy.caching_enabled and legacy.names() >= {"cloudfront/e2abc", "e2abc", "cdn.example"}
    [problem] = cdn_policy.problems([legacy, default], "cdn.example", ["/static/*"], 86400)
    assert "cloudfront/E2ABC path /static/* (served by pattern static/*" in problem
    assert "default_ttl_s is 3600 s" in problem
    assert cdn_policy.problems([legacy, default], "cdn.example", ["/img/*"], 86400) == []  # the default serves it
    assert "compress is False" in cdn_policy.problems([legacy], "x", ["/static/*"], 0, require_compression=True)[0]


def _route(patterns, cache, rule_sets=()):
    return {"name": "r", "properties": {"patternsToMatch": patterns, "cacheConfiguration": cache,
                                        "customDomains": [{"id": "/X/d1"}], "ruleSets": list(rule_sets)}}


def test_front_door_rules_set_or_bypass_the_cache_and_conditional_ones_are_not_applied():
    endpoint = {"name": "ep", "properties": {"hostName": "ep.azurefd.net"}}
    cache = {"queryStringCachingBehavior": "IgnoreQueryString", "compressionSettings": {"isCompressionEnabled": True}}
    short = {"name": "short", "properties": {"order": 1, "conditions": [], "actions": [
        {"name": "RouteConfigurationOverride", "parameters": {"cacheConfiguration": {
            "cacheBehavior": "OverrideAlways", "cacheDuration": "00:05:00"}}}]}}
    bypass_api = {"name": "api", "properties": {"order": 2, "conditions": [{"name": "UrlPath"}], "actions": [
        {"name": "CacheExpiration", "parameters": {"cacheBehavior": "BypassCache"}}]}}
    [policy] = route_policies("fd", endpoint, _route(["/static/*"], cache), [short, bypass_api], {"/x/d1": "a.example"})
    assert (policy.caching_enabled, policy.default_ttl_s, policy.compress, policy.hosts) == (
        True, 300, True, ("a.example", "ep.azurefd.net"))
    assert "conditional, not evaluated" in policy.declared["rule api CacheExpiration"]
    [problem] = cdn_policy.problems([policy], "a.example", ["/static/*"], 86400)
    assert "default_ttl_s is 300 s" in problem
    bypass = {"name": "off", "properties": {"actions": [{"name": "CacheExpiration",
                                                          "parameters": {"cacheBehavior": "BypassCache"}}]}}
    [off] = route_policies("fd", endpoint, _route(["/static/*"], cache), [bypass], {})
    assert not off.caching_enabled
    assert "no cache behavior or route serves it" in cdn_policy.problems([off], "ep", ["/img/*"], 0)[0]
