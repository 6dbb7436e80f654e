"""Two regions of one AWS account (issue 18 bullet 1; runbook 002's geo-redundancy needs a second region): the
lab variant ``second-region-broken`` holds the compliant shape in us-east-1 and a standby copy of the MULTI-AZ
estate in eu-west-1 whose Redis nodes sit in two zones, and of the alarms, whose alerts topic there has no
subscription. The breach in the second region is found and named with
that region, the first region's compliant resources are not named, each (region, read) is one call, and an entry
addressed to one region applies only there."""

from __future__ import annotations

from collections import Counter

import pytest

from gate import profile_dict, run_gate
from golive.lab.components.aws import profile_block
from monitoring_profiles import section
from test_check_multi_az import AWS_RESOURCES

VARIANT = "second-region-broken"
TARGET = "estate"
REDIS = "silenttalk-production-redis"
BREACH = (f"{TARGET}/eu-west-1: ElastiCache {REDIS}: 2 zones (eu-west-1a, eu-west-1b) from "
          "elasticache:DescribeReplicationGroups")


@pytest.fixture(scope="module")
def standby(lab):
    return lab("aws", VARIANT)


def _providers(started) -> dict:
    return {"aws_targets": [{**profile_block(started), "max_attempts": 1, "timeout_s": 5, "name": TARGET,
                             "regions": ["us-east-1", "eu-west-1"]}]}


def _profile(started, *extra: dict) -> dict:
    return profile_dict({"MULTI-AZ": {"min_zones": 3, "resources": [*AWS_RESOURCES, *extra]}},
                        providers=_providers(started))



def test_the_second_regions_breach_is_named_with_its_region_and_each_region_read_once(pytester, standby):
    result = run_gate(pytester, _profile(standby), "multi_az")
    said = result.messages("MULTI-AZ")
    assert result.verdict("MULTI-AZ") == "non-compliant", result.output
    findings = [line for line in said.splitlines() if line.lstrip().startswith("- ")]
    assert len(findings) == 1 and BREACH in findings[0], said  # the one breach, named with its region
    assert f"{TARGET}/us-east-1: " not in said, said  # the first region's compliant resources are not named
    assert result.summary["items"]["MULTI-AZ"].get("blind_spots", []) == []

    calls = result.calls()
    assert calls and not [c for c in calls if not c.is_read]
    per_region: dict[str, Counter] = {}
    for call in calls:
        per_region.setdefault(call.target, Counter())[call.action] += 1
    assert set(per_region) == {f"{TARGET}/us-east-1", f"{TARGET}/eu-west-1"}, per_region
    assert per_region[f"{TARGET}/eu-west-1"]["elasticache:DescribeReplicationGroups"] == 1, per_region

    # each region read exactly as a one-region profile reads that account: one call per (region, read)
    alone = run_gate(pytester, profile_dict({"MULTI-AZ": {"min_zones": 3, "resources": AWS_RESOURCES}},
                                            providers={"aws": profile_block(standby)}), "multi_az")
    assert alone.verdict("MULTI-AZ") == "passed", alone.output  # us-east-1 alone is compliant
    once = Counter(c.action for c in alone.calls())
    assert per_region[f"{TARGET}/us-east-1"] == once, (per_region, once)
    assert per_region[f"{TARGET}/eu-west-1"] == once, (per_region, once)  # the standby holds the same shape


@pytest.mark.parametrize(("region", "verdict"), [("eu-west-1", "passed"), ("us-east-1", "non-compliant")])
def test_an_entry_addressed_to_one_region_applies_only_there(pytester, standby, region, verdict):
    lowered = {"tier": "cache", "name": f"{TARGET}/{region}/{REDIS}", "min_zones": 2,
               "because": "the standby region's pair of zones (runbook 002 geo-redundancy)"}
    result = run_gate(pytester, _profile(standby, lowered), "multi_az")
    assert result.verdict("MULTI-AZ") == verdict, result.output
    if verdict == "non-compliant":  # lowered in us-east-1, eu-west-1 still judged at three zones
        said = result.messages("MULTI-AZ")
        assert BREACH in said and f"{TARGET}/us-east-1: " not in said, said


def test_alarms_are_judged_in_each_region_and_the_second_regions_topic_named(pytester, standby):
    alarms = section("ALARMS", "aws")
    result = run_gate(pytester, profile_dict({"ALARMS": alarms}, providers=_providers(standby)), "alarms")
    said = result.messages("ALARMS")
    assert result.verdict("ALARMS") == "non-compliant", result.output
    findings = [line for line in said.splitlines() if line.lstrip().startswith("- ")]
    assert len(findings) == len(alarms["alarms"]), said  # every runbook alarm in eu-west-1 notifies nobody
    assert all(f"- {TARGET}/eu-west-1: " in line and "has no confirmed subscription" in line
               for line in findings), said
    assert f"{TARGET}/us-east-1: " not in said, said
