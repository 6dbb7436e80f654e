"""The lab's emulated ARM and the Azure provider: real mgmt SDK clients read the SilentTalk platform unchanged,
broken variants show, throttling is retried, and every way of not seeing Azure fails closed."""

from __future__ import annotations

import os
import time

import pytest

from golive.lab.azure import fixtures
from golive.lab.azure.arm import rid
from golive.lab.components.azure import COMPONENT, profile_block
from golive.lab.runtime import LabRuntime, free_port
from golive.profile.model import AzureProvider as AzureConfig
from golive.profile.model import Providers
from golive.providers import CloudProviders
from golive.providers.azure import AzureProvider, ReadOnlyViolation
from golive.providers.records import ZonePlacement
from golive.verdict import CouldNotObserve

SITES = ("silenttalk-production-api", "silenttalk-production-client")
VAULT, INSTANCE = "silenttalk-backup-vault", "silenttalk-postgres-instance"


def config(started, **over) -> AzureConfig:
    return AzureConfig(**{**profile_block(started), **over})


@pytest.fixture(scope="module")
def compliant(lab):
    return lab("azure")


@pytest.fixture(scope="module")
def az(compliant) -> AzureProvider:
    return AzureProvider(config(compliant))


def test_emulator_starts_and_stops_leaving_no_process(tmp_path):
    rt = LabRuntime(tmp_path / "lab")
    begin = time.monotonic()
    started = COMPONENT.start(rt, "compliant")
    took = time.monotonic() - begin
    pid = rt.procs["azure-compliant"].popen.pid
    assert started.endpoints["arm"].startswith("https://127.0.0.1:")
    assert rt.pid_alive("azure-compliant")
    print(f"emulator started in {took:.2f} s")  # a figure (bench_gate times the lab); spawn's own deadline is 15 s
    rt.stop_all()
    assert not rt.pid_alive("azure-compliant") and rt.names() == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_every_variant_builds_and_changes_something():
    compliant = {r["id"]: r for r in fixtures.build("compliant")}
    for variant in fixtures.variants():
        changed = {r["id"]: r for r in fixtures.build(variant)}
        assert changed != compliant, f"variant {variant} changes nothing"
    assert set(fixtures.variants()) <= set(COMPONENT.variants)


def test_sdk_reads_the_compliant_platform_unchanged(az):
    (server,) = az.postgres.flexible_servers()
    expected = fixtures.build().get(server["id"])
    for resource in (server, expected):  # the one field that depends on the time the emulator started
        resource["properties"]["backup"].pop("earliestRestoreDate")
    assert server == expected  # the whole resource, as ARM JSON, through the real SDK models
    ha = server["properties"]["highAvailability"]
    assert ha["mode"] == "ZoneRedundant"
    assert ha["standbyAvailabilityZone"] != server["properties"]["availabilityZone"]
    assert server["properties"]["backup"]["backupRetentionDays"] >= 30
    assert server["properties"]["backup"]["geoRedundantBackup"] == "Enabled"
    assert az.postgres.configuration("silenttalk-postgres", "require_secure_transport")["properties"]["value"] == "on"

    (redis,) = az.redis.caches()
    assert redis["zones"] == ["1", "2", "3"] and redis["properties"]["sku"]["name"] == "Premium"
    assert redis["properties"]["enableNonSslPort"] is False and redis["properties"]["minimumTlsVersion"] == "1.2"

    assert {s["name"]: s["properties"]["httpsOnly"] for s in az.appservice.sites()} == dict.fromkeys(SITES, True)
    for site in SITES:
        assert az.appservice.site_config(site)["properties"]["minTlsVersion"] == "1.3"
    (plan,) = az.appservice.plans()
    assert plan["properties"]["zoneRedundant"] is True and plan["sku"]["name"] == "P1v3"
    (autoscale,) = az.appservice.autoscale_settings()
    profile = autoscale["properties"]["profiles"][0]
    assert profile["capacity"] == {"minimum": "3", "maximum": "10", "default": "3"}
    assert [(r["metricTrigger"]["operator"], r["metricTrigger"]["threshold"], r["metricTrigger"]["timeWindow"])
            for r in profile["rules"]] == [("GreaterThan", 70, "PT5M"), ("LessThan", 30, "PT5M")]


def test_sdk_reads_front_door_waf_and_alerts(az):
    policies = {p["name"]: p for p in az.frontdoor.waf_policies()}
    waf, classic = policies.pop("silenttalkwafpolicy"), policies.pop("silenttalkclassicwaf")
    assert not policies
    (front_door,) = az.frontdoor.classic_front_doors()  # classic: the policy and the endpoints link each other
    assert {e["properties"]["webApplicationFirewallPolicyLink"]["id"] for e in
            front_door["properties"]["frontendEndpoints"]} == {classic["id"]}
    assert {link["id"] for link in classic["properties"]["frontendEndpointLinks"]} == \
        {e["id"] for e in front_door["properties"]["frontendEndpoints"]}
    settings = waf["properties"]["policySettings"]
    assert settings["mode"] == "Prevention" and settings["customBlockResponseStatusCode"] == 429
    limits = {r["name"]: (r["rateLimitThreshold"], r["rateLimitDurationInMinutes"])
              for r in waf["properties"]["customRules"]["rules"] if r["ruleType"] == "RateLimitRule"}
    assert limits == {"RateLimitApi": (1000, 5), "RateLimitAll": (2000, 5)}
    (policy,) = az.frontdoor.security_policies("silenttalk-frontdoor")
    assert policy["properties"]["parameters"]["wafPolicy"]["id"] == waf["id"]
    assert {d["properties"]["tlsSettings"]["minimumTlsVersion"]
            for d in az.frontdoor.custom_domains("silenttalk-frontdoor")} == {"TLS13"}

    alerts = {a["name"]: a["properties"] for a in az.monitor.metric_alerts()}  # azure-mgmt-monitor: msrest models
    assert len(alerts) == 8
    cpu = alerts["silenttalk-production-high-cpu"]
    assert (cpu["criteria"]["allOf"][0]["threshold"], cpu["windowSize"]) == (70, "PT5M")
    (group,) = az.monitor.action_groups()
    assert cpu["actions"][0]["actionGroupId"].lower() == group["id"].lower()
    assert group["properties"]["emailReceivers"][0]["emailAddress"] == "oncall@silenttalk.example"

    (vault,) = az.keyvault.vaults()
    assert vault["properties"]["enableSoftDelete"] and vault["properties"]["enablePurgeProtection"]
    assert all(s["properties"]["attributes"].get("exp") for s in az.keyvault.secrets("silenttalk-kv"))
    (workspace,) = az.logs.workspaces()
    assert workspace["properties"]["retentionInDays"] == 30
    rules = {r["name"]: r["properties"]["destinationPortRange"] for r in az.network.security_groups()[0]["properties"]["securityRules"]}
    assert rules == {"turn-udp": "3478", "turn-tcp": "3478", "turns-tls": "5349", "turn-relay": "49152-65535"}


def test_paging_through_next_link_and_each_read_once(az):
    (policy,) = az.backup.policies(VAULT)
    schedule = policy["properties"]["policyRules"][0]["trigger"]["schedule"]["repeatingTimeIntervals"]
    assert schedule[0].endswith("/PT6H")
    points = az.backup.recovery_points(VAULT, INSTANCE)
    assert len(points) == 8  # 5 on the first page, 3 after the nextLink
    assert az.stats.by_read[f"dataprotection: recovery points of {INSTANCE} in vault {VAULT}"] == 2
    before = (az.stats.reads, az.stats.http_requests)
    assert az.backup.recovery_points(VAULT, INSTANCE) == points
    assert (az.stats.reads, az.stats.http_requests) == before and az.stats.cached >= 1


def test_records_reach_the_checks_through_cloud_providers(compliant):
    clouds = CloudProviders(Providers(azure=config(compliant)))
    placements = clouds.gather("zone_placements")
    assert ZonePlacement in {type(p) for p in placements}
    assert any(p.resource == "silenttalk-postgres" and p.zones == ("1", "2") for p in placements)
    assert clouds.gather("no_such_record_kind") == []


def test_reads_only(az):
    with pytest.raises(ReadOnlyViolation):
        az.client("postgres").servers.begin_create_or_update(az.resource_group, "silenttalk-postgres", {})
    with pytest.raises(ReadOnlyViolation):
        az.client("redis").redis.list_keys(az.resource_group, "silenttalk-redis")
    with pytest.raises(ReadOnlyViolation):
        az.client("keyvault").vaults.delete(az.resource_group, "silenttalk-kv")


@pytest.mark.parametrize("variant, read, seen", [
    ("pg-same-zone", lambda az: az.postgres.flexible_servers()[0]["properties"]["highAvailability"]["mode"], "SameZone"),
    ("waf-403", lambda az: next(p for p in az.frontdoor.waf_policies() if p["name"] == "silenttalkwafpolicy")
     ["properties"]["policySettings"]["customBlockResponseStatusCode"], 403),
])
def test_a_broken_variant_is_visible(lab, variant, read, seen):
    assert read(AzureProvider(config(lab("azure", variant)))) == seen


def test_throttling_is_retried(lab):
    az = AzureProvider(config(lab("azure", "throttled")))
    assert az.redis.caches()[0]["zones"] == ["1", "2", "3"]
    assert az.stats.by_read["redis: Azure Cache for Redis instances"] == 2  # a 429 with Retry-After, then 200


def test_unreachable_arm_could_not_observe(compliant):
    az = AzureProvider(config(compliant, arm_endpoint=f"https://127.0.0.1:{free_port()}", max_retries=1))
    with pytest.raises(CouldNotObserve, match="PostgreSQL flexible servers.*could not be reached") as caught:
        az.postgres.flexible_servers()
    assert "silenttalk-production-rg" in caught.value.target
    with pytest.raises(CouldNotObserve):  # the failure is cached too: one attempt per run
        az.postgres.flexible_servers()
    assert az.stats.reads == 1


def test_missing_credentials_could_not_observe(compliant, monkeypatch):
    for key in [k for k in os.environ if k.startswith("AZURE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential")  # no IMDS probe, no subprocess
    az = AzureProvider(config(compliant))
    with pytest.raises(CouldNotObserve, match="no usable Azure credential.*az login") as caught:
        az.redis.caches()
    assert "Azure Cache for Redis instances" in caught.value.target


def test_refused_token_could_not_observe(compliant):
    class WrongToken:
        def get_token(self, *scopes, **kwargs):
            from azure.core.credentials import AccessToken
            return AccessToken("not-the-lab-token", int(time.time()) + 600)

    az = AzureProvider(config(compliant), credential=WrongToken())
    with pytest.raises(CouldNotObserve, match="HTTP 401 AuthenticationFailed.*Reader role"):
        az.keyvault.vaults()


def test_unknown_resource_is_404_in_arm_shape(az):
    with pytest.raises(CouldNotObserve, match="404 ResourceNotFound.*silenttalk-nope"):
        az.read("postgres", "server silenttalk-nope", lambda c: c.servers.get(az.resource_group, "silenttalk-nope"))
    assert rid("Microsoft.Cache/redis", "x").startswith("/subscriptions/")
