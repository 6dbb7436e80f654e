"""MULTI-AZ proven both ways on the three emulated clouds (AWS moto, Azure ARM, Kubernetes API), plus the comparison.

Profiles are built from each started emulator's endpoints; one emulator per cloud serves every variant.
"""

from __future__ import annotations

from pathlib import Path

# Imported here, before pytester's in-process runs: a run drops the modules it imported, and the Azure SDK's
# transport would then meet a second copy of requests' cookie classes in the next run ("merge into CookieJar").
import azure.core.pipeline.transport  # noqa: F401
import azure.mgmt.postgresqlflexibleservers  # noqa: F401
import azure.mgmt.redis  # noqa: F401
import azure.mgmt.web  # noqa: F401
import pytest
import requests  # noqa: F401
import yaml

from gate import ROOT, profile_dict, run_gate
from golive.compare import zones
from golive.lab.components.aws import profile_block
from golive.lab.components.azure import profile_block as azure_block
from golive.lab.runtime import free_port
from golive.profile.items.multi_az import MultiAzSection
from golive.providers.records import ZonePlacement

AWS_RESOURCES = [
    {"tier": "load-balancer", "name": "silenttalk-production-alb"},
    {"tier": "compute", "name": "silenttalk-production-cluster/silenttalk-production-server"},
    {"tier": "compute", "name": "silenttalk-production-cluster/silenttalk-production-client"},
    {"tier": "database", "name": "silenttalk-production-postgres", "min_zones": 2, "min_replicas": 2,
     "because": "a Multi-AZ DB instance is a primary and one standby"},
    {"tier": "database", "name": "silenttalk-production-db-subnets"},
    {"tier": "cache", "name": "silenttalk-production-redis"},
]
AZURE_RESOURCES = [
    {"tier": "database", "name": "silenttalk-postgres", "min_zones": 2, "min_replicas": 2,
     "because": "zone-redundant HA is a primary and one standby"},
    {"tier": "cache", "name": "silenttalk-redis"},
    {"tier": "compute", "name": "silenttalk-production-plan"},
]
SOCIAL = "social-platform-production"
KUBE_RESOURCES = [
    {"tier": "nodes", "name": "nodes"},
    {"tier": "workload", "name": f"{SOCIAL}/chat-service", "min_replicas": 5},
    {"tier": "workload", "name": f"{SOCIAL}/postgresql", "min_replicas": 3},
    {"tier": "workload", "name": f"{SOCIAL}/redis", "min_replicas": 6},
    {"tier": "workload", "name": f"{SOCIAL}/kafka", "min_replicas": 3},
    *({"tier": "workload", "name": f"{SOCIAL}/{name}", "min_zones": 2, "min_replicas": 2,
       "because": "runbook 003 scales it 2-8 instances"} for name in ("friend-request-service", "otp-service")),
    {"tier": "workload", "name": "production/auth-service", "min_replicas": 5},
]


def _profile(resources, runbooks=("000",), **providers):
    return profile_dict({"MULTI-AZ": {"min_zones": 3, "resources": [dict(r) for r in resources]}}, runbooks=list(runbooks),
                        providers=providers)


def _aws(started, **over):
    return _profile(AWS_RESOURCES, aws={**profile_block(started), "max_attempts": 1, "timeout_s": 3, **over})


def _azure(started, **over):
    block = {**azure_block(started), "max_retries": 0, "timeout_s": 3, **over}
    return _profile(AZURE_RESOURCES, ("002",), azure=block)


def _kube(started, **over):
    block = {"kubeconfig": started.endpoints["kubeconfig"], "context": started.endpoints["context"],
             "namespaces": [SOCIAL, "production"], "max_attempts": 1, "timeout_s": 3, **over}
    return _profile(KUBE_RESOURCES, ("003", "004"), kubernetes=block)


# --- the comparison, without a network --------------------------------------------------------------------
def _section(**over) -> MultiAzSection:
    return MultiAzSection(**{"resources": [{"tier": "cache", "name": "redis"}], **over})


def test_three_zones_means_three_not_more_than_one():
    two = ZonePlacement("cache", "redis", ("a", "b"), {"MultiAZ": True}, 3, "elasticache:X PreferredAvailabilityZone",
                        kind="ElastiCache")
    found = zones.problems([two], _section(), ["000"])
    assert found == ["ElastiCache redis: 2 zones (a, b) from elasticache:X PreferredAvailabilityZone; "
                     "runbook 000 requires 3 zones"]
    assert zones.problems([ZonePlacement("cache", "redis", ("a", "b", "c", "a"), members=3)], _section(), ["000"]) == []


def test_flags_members_and_missing_resources_are_named():
    rec = ZonePlacement("database", "pg", ("a", "b", "c"), {"MultiAZ": False}, 1, "rds:DescribeDBInstances", kind="RDS")
    section = _section(resources=[{"tier": "database", "name": "pg"}, {"tier": "cache", "name": "redis"}])
    found = zones.problems([rec], section, ["000", "002"])
    assert "RDS pg: MultiAZ is false; runbooks 000/002 require Multi-AZ across 3 zones" in found
    assert "RDS pg: 1 member; runbooks 000/002 require at least 3" in found
    assert any(p.startswith("cache redis: not found in the cloud") for p in found)


def test_an_override_lowers_the_bar_only_with_a_reason():
    with pytest.raises(ValueError, match="say why in 'because'"):
        _section(resources=[{"tier": "database", "name": "pg", "min_zones": 2}])
    section = _section(resources=[{"tier": "database", "name": "pg", "min_zones": 2, "min_replicas": 2,
                                   "because": "primary and standby"}])
    pair = ZonePlacement("database", "pg", ("1", "2"), members=2)
    assert zones.problems([pair], section, ["002"]) == []
    assert zones.problems([ZonePlacement("database", "other", ("1", "2"))], section, ["002"])[-1].endswith(
        "requires 3 zones")  # an unlisted resource is judged at the section's bar
    row = zones.table([pair], section)[0]
    assert row["zones_required"] == 2 and row["listed_in_profile"] is True


def test_a_field_not_returned_is_a_blind_spot_naming_it_never_a_breach_or_a_pass():
    section = _section(resources=[{"tier": "database", "name": "pg", "min_zones": 2, "min_replicas": 2,
                                   "because": "primary and standby"}])
    standby_unknown = ZonePlacement("database", "pg", ("a",), {"MultiAZ": True}, 2, "rds:DescribeDBInstances",
                                    kind="RDS", unknown=("SecondaryAvailabilityZone",))
    assert zones.problems([standby_unknown], section, ["000"]) == []  # not "1 zone": unknown, not false
    spots = zones.blind_spots([standby_unknown])
    assert [s.what for s in spots] == ["RDS pg: SecondaryAvailabilityZone"]
    assert "not returned by rds:DescribeDBInstances" in spots[0].why
    flag_unknown = ZonePlacement("cache", "redis", ("a", "b", "c"), {"MultiAZ": None}, 3, kind="ElastiCache")
    assert zones.problems([flag_unknown], _section(), ["000"]) == []
    assert [s.what for s in zones.blind_spots([flag_unknown])] == ["ElastiCache redis: MultiAZ"]
    assert zones.table([standby_unknown], section)[0]["not_returned"] == ["SecondaryAvailabilityZone"]


def test_same_name_different_kinds_an_override_applies_to_one_resource():
    pair = ZonePlacement("database", "pg", ("a", "b"), {"MultiAZ": True}, 2, kind="RDS")
    group = ZonePlacement("database", "pg", ("a", "b"), source="rds:X Subnets", kind="DB subnet group")
    override = {"tier": "database", "name": "pg", "min_zones": 2, "min_replicas": 2, "because": "primary+standby"}
    found = zones.problems([pair, group], _section(resources=[override]), ["000"])
    assert any(p.startswith("database pg: ambiguous: matches RDS pg and DB subnet group pg; qualify it with kind")
               for p in found), found
    assert "DB subnet group pg: 2 zones (a, b) from rds:X Subnets; runbook 000 requires 3 zones" in found
    kinded = _section(resources=[{**override, "kind": "RDS"}, {"tier": "database", "name": "pg",
                                                                "kind": "db subnet group"}])
    assert zones.problems([pair, group], kinded, ["000"]) == [
        "DB subnet group pg: 2 zones (a, b) from rds:X Subnets; runbook 000 requires 3 zones"]
    assert zones.problems([pair], kinded, ["000"])[0].startswith("database db subnet group pg: not found")
    with pytest.raises(ValueError, match="listed both with and without 'kind'"):
        _section(resources=[{"tier": "database", "name": "pg"}, {"tier": "database", "name": "pg", "kind": "RDS"}])
    with pytest.raises(ValueError, match="(?i)listed twice: database RDS pg"):
        _section(resources=[{"tier": "database", "name": "pg", "kind": "RDS"},
                            {"tier": "database", "name": "pg", "kind": "rds"}])


# --- the three clouds, compliant and broken ----------------------------------------------------------------
PROFILES = {"aws": _aws, "azure": _azure, "kubernetes": _kube}


def _on(cloud, *values):
    return pytest.param(cloud, *values, marks=pytest.mark.xdist_group(f"multi-az-{cloud}"))  # one emulator per cloud


@pytest.mark.parametrize(("cloud", "evidence"), [
    _on("aws", ["SecondaryAvailabilityZone", "us-east-1c", '"calls"']),
    _on("azure", ["standbyAvailabilityZone", "zoneRedundant", '"http_requests"']),
    _on("kubernetes", ["topology.kubernetes.io/zone", f"{SOCIAL}/redis", '"requests"']),
])
def test_passes_on_each_compliant_cloud_with_the_zone_table(pytester, lab, cloud, evidence):
    result = run_gate(pytester, PROFILES[cloud](lab(cloud)), "multi_az")
    assert result.verdict("MULTI-AZ") == "passed", result.output
    attached = result.attachments()
    assert all(seen in attached for seen in evidence)


@pytest.mark.parametrize(("cloud", "variant", "reasons"), [
    _on("aws", "multi-az-two-zones", ["ALB silenttalk-production-alb: 2 zones (us-east-1a, us-east-1b)",
                                      "ECS service silenttalk-production-cluster/silenttalk-production-server: 2 zones",
                                      "ElastiCache silenttalk-production-redis: 2 zones",
                                      "DB subnet group silenttalk-production-db-subnets: 2 zones"]),
    _on("aws", "multi-az-rds-single-az", ["RDS silenttalk-production-postgres: MultiAZ is false; runbook 000 "
                                          "requires Multi-AZ across 3 zones"]),
    _on("aws", "multi-az-elasticache-no-failover", ["ElastiCache silenttalk-production-redis: MultiAZ is false",
                                                    "ElastiCache silenttalk-production-redis: AutomaticFailover is false"]),
    _on("azure", "pg-same-zone", ["silenttalk-postgres: highAvailability.mode ZoneRedundant is false"]),
    _on("azure", "redis-two-zones", ["Azure Cache for Redis silenttalk-redis: 2 zones (1, 2)"]),
    _on("azure", "plan-not-zone-redundant", ["App Service plan silenttalk-production-plan: zoneRedundant is false"]),
    _on("kubernetes", "nodes-two-zones", ["Kubernetes nodes: 2 zones (us-east-1a, us-east-1b)",
                                          f"StatefulSet {SOCIAL}/kafka: 2 zones"]),
    _on("kubernetes", "no-spread-constraint", [
        f"Deployment {SOCIAL}/chat-service: zone spread (topologySpreadConstraints or podAntiAffinity on "
        "topology.kubernetes.io/zone) is false", f"Deployment {SOCIAL}/chat-service: 1 zone (us-east-1a)"]),
])
def test_fails_naming_resource_and_field_on_each_broken_variant(pytester, lab, cloud, variant, reasons):
    result = run_gate(pytester, PROFILES[cloud](lab(cloud, variant)), "multi_az")
    assert result.verdict("MULTI-AZ") == "non-compliant", result.output
    for reason in reasons:
        assert reason in result.messages("MULTI-AZ")


@pytest.mark.xdist_group("multi-az-aws")
def test_the_local_profile_section_passes_on_the_three_clouds_together(pytester, lab):
    """profiles/local.yaml lists what the lab seeds: every listed resource is found and every tier passes."""
    section = yaml.safe_load((ROOT / "profiles" / "local.yaml").read_text())["items"]["MULTI-AZ"]
    providers = {cloud: build(lab(cloud))["providers"][cloud] for cloud, build in PROFILES.items()}
    result = run_gate(pytester, profile_dict({"MULTI-AZ": section}, providers=providers), "multi_az")
    assert result.verdict("MULTI-AZ") == "passed", result.output
    assert "silenttalk-production-redis" in result.attachments() and "silenttalk-redis" in result.attachments()


@pytest.mark.xdist_group("multi-az-aws")
def test_a_listed_resource_missing_from_the_cloud_fails(pytester, lab):
    profile = _aws(lab("aws"))
    profile["items"]["MULTI-AZ"]["resources"].append({"tier": "database", "name": "silenttalk-production-aurora"})
    result = run_gate(pytester, profile, "multi_az")
    assert result.verdict("MULTI-AZ") == "non-compliant"
    assert "database silenttalk-production-aurora: not found in the cloud" in result.messages("MULTI-AZ")


@pytest.mark.xdist_group("multi-az-aws")
def test_a_standby_zone_the_api_does_not_return_is_could_not_observe_naming_the_field(pytester, lab):
    result = run_gate(pytester, _aws(lab("aws", "multi-az-rds-standby-zone-omitted")), "multi_az")
    text = result.messages("MULTI-AZ")
    assert result.verdict("MULTI-AZ") == "could-not-observe" and result.ret == 6, result.output
    assert "RDS silenttalk-production-postgres: SecondaryAvailabilityZone" in text and "not returned" in text, text
    assert "1 zone" not in text and "is false" not in text, text
    assert any("SecondaryAvailabilityZone" in b for b in result.summary["items"]["MULTI-AZ"]["blind_spots"])


SAME_NAME = "silenttalk-production-postgres"  # the instance and (in this variant) its DB subnet group


@pytest.mark.xdist_group("multi-az-aws")
@pytest.mark.parametrize(("kinds", "reasons", "absent"), [
    ((None,), [f"database {SAME_NAME}: ambiguous: matches RDS {SAME_NAME} and DB subnet group {SAME_NAME}; "
               f"qualify it with kind", f"DB subnet group {SAME_NAME}: 2 zones"], []),
    (("RDS", "DB subnet group"), [f"DB subnet group {SAME_NAME}: 2 zones"], ["ambiguous", f"RDS {SAME_NAME}:"]),
], ids=["unqualified-is-ambiguous", "qualified-each-judged-alone"])
def test_an_instance_override_never_applies_to_its_same_name_subnet_group(pytester, lab, kinds, reasons, absent):
    started = lab("aws", "multi-az-rds-same-name-subnet-group")
    pair = {"tier": "database", "name": SAME_NAME, "min_zones": 2, "min_replicas": 2,
            "because": "a Multi-AZ DB instance is a primary and one standby"}
    listed = [{**pair, "kind": kinds[0]} if kinds[0] else pair]
    listed += [{"tier": "database", "name": SAME_NAME, "kind": kind} for kind in kinds[1:]]
    rest = [r for r in AWS_RESOURCES if r["tier"] != "database"]
    profile = _profile([*rest, *listed], aws={**profile_block(started), "max_attempts": 1, "timeout_s": 3})
    result = run_gate(pytester, profile, "multi_az")
    text = result.messages("MULTI-AZ")
    assert result.verdict("MULTI-AZ") == "non-compliant" and result.ret == 1, result.output
    assert all(reason in text for reason in reasons), text
    assert not any(word in text for word in absent), text


# --- fail closed: unreachable API, missing credentials -----------------------------------------------------
def _kubeconfig(started, path: Path, change) -> str:
    config = yaml.safe_load(Path(started.endpoints["kubeconfig"]).read_text())
    change(config)
    path.write_text(yaml.safe_dump(config))
    return str(path)


def _no_token(config):
    config["users"][0]["user"] = {}


def _closed_port(config):
    config["clusters"][0]["cluster"]["server"] = f"https://127.0.0.1:{free_port()}"


@pytest.mark.parametrize(("cloud", "override", "reason"), [
    _on("aws", lambda s, tmp: {"endpoint_url": f"http://127.0.0.1:{free_port()}"}, "could not connect"),
    _on("aws", lambda s, tmp: {"credentials_file": str(tmp / "empty")}, "is not configured"),
    _on("azure", lambda s, tmp: {"arm_endpoint": f"https://127.0.0.1:{free_port()}"}, "could not be reached"),
    _on("kubernetes", lambda s, tmp: {"kubeconfig": _kubeconfig(s, tmp / "down", _closed_port)},
        "cannot reach the API server"),
    _on("kubernetes", lambda s, tmp: {"kubeconfig": _kubeconfig(s, tmp / "anonymous", _no_token)}, "HTTP 401"),
], ids=["aws-down", "aws-no-credentials", "azure-down", "kubernetes-down", "kubernetes-no-credentials"])
def test_unreachable_api_or_missing_credentials_is_could_not_observe(pytester, lab, tmp_path, cloud, override,
                                                                      reason):
    (tmp_path / "empty").write_text("# a credentials file without the profile\n")
    started = lab(cloud)
    result = run_gate(pytester, PROFILES[cloud](started, **override(started, tmp_path)), "multi_az")
    assert result.verdict("MULTI-AZ") == "could-not-observe", result.output
    assert reason in result.messages("MULTI-AZ") and result.ret == 6


# --- a reader role missing one permission (issue 13): what it could read is still judged -----------------
def test_a_reader_denied_one_call_still_reports_the_breaches_it_can_see(pytester, lab):
    from golive.lab.aws.restricted import restricted_reader
    started = lab("aws", "multi-az-elasticache-no-failover")
    over = restricted_reader(started, ["rds:DescribeDBInstances"])
    result = run_gate(pytester, _aws(started, **over), "multi_az")
    text = result.messages("MULTI-AZ")
    assert result.verdict("MULTI-AZ") == "non-compliant" and result.ret == 1, result.output
    assert "silenttalk-production-redis" in text and "AutomaticFailover is false" in text, text
    assert "rds:DescribeDBInstances" in text and "access denied" in text, text
    assert any("DescribeDBInstances" in b for b in result.summary["items"]["MULTI-AZ"]["blind_spots"])
    assert "silenttalk-production-postgres: not found" not in text  # behind the blind read: unseen, not missing


def test_a_reader_denied_every_call_it_needs_is_could_not_observe(pytester, lab):
    from golive.lab.aws.restricted import restricted_reader
    started = lab("aws", "compliant")
    over = restricted_reader(started, ["rds:DescribeDBInstances"])
    result = run_gate(pytester, _aws(started, **over), "multi_az")
    assert result.verdict("MULTI-AZ") == "could-not-observe" and result.ret == 6, result.output
    assert "rds:DescribeDBInstances" in result.messages("MULTI-AZ")
