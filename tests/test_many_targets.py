"""Many targets per provider (issue 18 bullet 1): several AWS accounts (profiles or assumed reader roles) and
regions in one gate, each judged on its own and named in its findings, read concurrently, once per run."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from gate import profile_dict, run_gate
from golive.audit import aws_call
from golive.compare import zones
from golive.lab.aws.seeds import account_for
from golive.lab.components.aws import profile_block
from golive.least_privilege import iam_policy
from golive.profile.items.multi_az import MultiAzSection
from golive.profile.model import Providers
from golive.providers.records import ZonePlacement
from monitoring_profiles import section
from test_check_autoscaling_providers import LOCAL as SCALING
from test_check_cdn_providers import AWS_DIST
from test_check_cdn_providers import LOCAL as CDN
from test_check_multi_az import AWS_RESOURCES, PROFILES
from test_check_turn_firewall import LOCAL as TURN
from test_check_waf_429_providers import LOCAL as WAF
from waf_gate import NA

BROKEN = ("multi-az-rds-single-az", "multi-az-elasticache-no-failover")


# --- without a network ----------------------------------------------------------------------------------
def test_one_way_per_cloud_and_unique_target_names():
    one = {"name": "a", "region": "us-east-1"}
    with pytest.raises(ValueError, match="not both"):
        Providers(aws={"region": "us-east-1"}, aws_targets=[one])
    with pytest.raises(ValueError, match="names a twice"):
        Providers(aws_targets=[one, one])
    with pytest.raises(ValueError, match="external_id needs role_arn"):
        Providers(aws_targets=[{**one, "external_id": "x1"}])
    assert Providers(aws_targets=[{**one, "regions": ["us-east-1", "eu-west-1", "us-east-1"]}]
                     ).aws_targets[0].read_regions() == ["us-east-1", "eu-west-1"]


def test_the_same_name_in_two_targets_stays_two_resources_and_an_entry_can_address_one():
    redis = {"tier": "cache", "name": "redis"}
    two = ZonePlacement("cache", "redis", ("a", "b"), {"MultiAZ": True}, 3, "x", kind="ElastiCache",
                        where="prod-eu/eu-west-1")
    three = ZonePlacement("cache", "redis", ("a", "b", "c"), {"MultiAZ": True}, 3, "x", kind="ElastiCache",
                          where="prod-us/us-east-1")
    found = zones.problems([two, three], MultiAzSection(resources=[redis]), ["000"])
    assert found == ["prod-eu/eu-west-1: ElastiCache redis: 2 zones (a, b) from x; runbook 000 requires 3 zones"]
    for address in ("prod-eu/redis", "prod-eu/eu-west-1/redis"):
        override = {"tier": "cache", "name": address, "min_zones": 2, "because": "eu-west-1 pair"}
        section = MultiAzSection(resources=[redis, override])
        assert zones.problems([two, three], section, ["000"]) == [], address
        other = replace(two, where="prod-us/us-east-1")  # the other target is not lowered
        assert zones.problems([other], section, ["000"])[-1].endswith("requires 3 zones")
    missing = MultiAzSection(resources=[{"tier": "cache", "name": "prod-ap/redis"}])
    assert zones.problems([two, three], missing, ["000"])[0].startswith("cache prod-ap/redis: not found")


def test_assume_role_is_the_one_non_get_the_audit_accepts_and_the_policy_grants_to_the_caller():
    role = "arn:aws:iam::210987654321:role/golive-reader"
    assume = aws_call("sts", "AssumeRole", "sts", path=role, target="b/us-east-1")
    assert assume.is_read and not aws_call("sts", "AssumeRoleWithWebIdentity", "sts").is_read
    assert not aws_call("rds", "DeleteDBInstance", "rds").is_read  # everything else stays strict
    policy = iam_policy([assume, aws_call("rds", "DescribeDBInstances", "rds")])
    assert policy["Statement"] == [
        {"Sid": "GoliveReadOnly", "Effect": "Allow", "Action": ["rds:DescribeDBInstances"], "Resource": "*"},
        {"Sid": "GoliveAssumeReaderRoles", "Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": [role]}]
    assert len(iam_policy([aws_call("rds", "DescribeDBInstances", "rds")])["Statement"]) == 1


# --- on the lab: several moto accounts and two regions ---------------------------------------------------
def _targets(started: dict, extra: dict | None = None) -> list[dict]:
    """compliant in two regions (the second holds nothing), each broken variant by its profile, and the
    compliant account's credentials assuming a reader role in a broken variant's account."""
    base = {**profile_block(started["compliant"]), "max_attempts": 1, "timeout_s": 5}
    out = [{**base, "name": "compliant", "regions": ["us-east-1", "eu-west-1"]}]
    out += [{**profile_block(started[v]), "max_attempts": 1, "timeout_s": 5, "name": v} for v in BROKEN]
    out += [{**base, "name": "assumed", "external_id": "golive-lab",
             "role_arn": f"arn:aws:iam::{account_for('multi-az-two-zones')}:role/golive-reader"}]
    return out


@pytest.fixture(scope="module")
def started(lab):
    return {v: lab("aws", v) for v in ("compliant", *BROKEN, "multi-az-two-zones")}


def test_each_account_and_region_is_judged_on_its_own_and_named(pytester, started):
    profile = profile_dict({"MULTI-AZ": {"min_zones": 3, "resources": AWS_RESOURCES}},
                           providers={"aws_targets": _targets(started)})
    result = run_gate(pytester, profile, "multi_az")
    said = result.messages("MULTI-AZ")
    assert result.verdict("MULTI-AZ") == "non-compliant", result.output
    assert "multi-az-rds-single-az/us-east-1: RDS silenttalk-production-postgres: MultiAZ is false" in said, said
    assert "multi-az-elasticache-no-failover/us-east-1: ElastiCache silenttalk-production-redis: " in said, said
    assert "assumed/us-east-1: ALB silenttalk-production-alb: 2 zones" in said, said  # read through the role
    assert "compliant/" not in said and result.summary["items"]["MULTI-AZ"].get("blind_spots", []) == []

    calls = result.calls()
    assert not [c for c in calls if not c.is_read]
    assumed = [c for c in calls if c.action == "sts:AssumeRole"]
    assert [(c.path, c.target) for c in assumed] == [(_targets(started)[-1]["role_arn"], "assumed/us-east-1")]
    per_target: dict[str, Counter] = {}
    for call in calls:
        if call.action != "sts:AssumeRole":
            per_target.setdefault(call.target, Counter())[call.action] += 1
    assert set(per_target) == {"compliant/us-east-1", "compliant/eu-west-1", "assumed/us-east-1",
                               *(f"{v}/us-east-1" for v in BROKEN)}
    assert per_target["compliant/eu-west-1"] and set(per_target["compliant/eu-west-1"]) <= set(
        per_target["compliant/us-east-1"])  # read there too, and found nothing to read further
    # every account read exactly as a one-account profile reads it: one call per (account, region, read)
    single = run_gate(pytester, profile_dict({"MULTI-AZ": {"min_zones": 3, "resources": AWS_RESOURCES}},
                                             providers={"aws": profile_block(started["compliant"])}), "multi_az")
    assert single.verdict("MULTI-AZ") == "passed", single.output
    alone = Counter(c.action for c in single.calls())
    assert all(per_target[t] == alone for t in per_target if t != "compliant/eu-west-1"), (per_target, alone)



def test_compliant_accounts_and_regions_pass_together(pytester, started):
    both = [t for t in _targets(started) if t["name"] == "compliant"]
    both.append({**both[0], "name": "compliant-again", "regions": ["us-east-1"]})
    profile = profile_dict({"MULTI-AZ": {"min_zones": 3, "resources": AWS_RESOURCES}},
                           providers={"aws_targets": both})
    result = run_gate(pytester, profile, "multi_az")
    assert result.verdict("MULTI-AZ") == "passed", result.output


# --- two Azure subscriptions (two ARM emulators) and two Kubernetes contexts -----------------------------
@pytest.mark.parametrize(("cloud", "variant", "reason"), [
    ("azure", "redis-two-zones", "broken: Azure Cache for Redis silenttalk-redis: 2 zones (1, 2)"),
    ("kubernetes", "nodes-two-zones", "broken: Kubernetes nodes: 2 zones (us-east-1a, us-east-1b)"),
])
def test_two_subscriptions_or_clusters_each_judged_and_named(pytester, lab, cloud, variant, reason):
    blocks = {name: PROFILES[cloud](lab(cloud, v))["providers"][cloud]
              for name, v in (("ok", "compliant"), ("broken", variant))}
    section = PROFILES[cloud](lab(cloud, "compliant"))["items"]["MULTI-AZ"]
    targets = [{**block, "name": name} for name, block in blocks.items()]
    result = run_gate(pytester, profile_dict({"MULTI-AZ": section}, runbooks=["002", "003", "004"],
                                             providers={f"{cloud}_targets": targets}), "multi_az")
    said = result.messages("MULTI-AZ")
    assert result.verdict("MULTI-AZ") == "non-compliant", result.output
    assert reason in said and "ok: " not in said, said
    calls = result.calls()
    assert calls and not [c for c in calls if not c.is_read]
    assert {c.target for c in calls} == {"ok", "broken"}, {c.target for c in calls}  # every call names its target


# --- every cloud item judged per AWS account: the compliant account and one broken variant per item ----------
RDS = "silenttalk-production-postgres"


def _bucket(started) -> str:
    return f"silenttalk-production-media-{started.endpoints['account_id']}"


#: item -> (check module, broken AWS variant, its section (by started account per target name), what the broken
#: target's finding says after "<variant>/us-east-1: ")
ITEMS = {
    "BACKUPS": ("backups", "backups-retention-7d", lambda accounts: {
        # the bucket's name holds its account id: each target's bucket is addressed as <target>/<bucket>
        "resources": [RDS, *(f"{name}/{_bucket(s)}" for name, s in accounts.items())],
        "schedules": ["silenttalk-production-backup-plan"], "cross_region": [RDS]},
        f"{RDS}: silenttalk-production-backup-plan/every-6-hours keeps backups 7 days"),
    "ALARMS": ("alarms", "alarm-topic-no-subscription", lambda accounts: section("ALARMS", "aws"),
               "sns-topic has no confirmed subscription"),
    "SECRETS": ("secrets", "secrets-rotation-broken", lambda accounts: section("SECRETS", key_vaults=[]),
                "secret silenttalk-production/database: rotation is off (RotationEnabled false)"),
    "LOG-RETENTION": ("log_retention", "log-groups-retention-broken",
                      lambda accounts: section("LOG-RETENTION", workspaces=[]),
                      "log group /ecs/silenttalk-production-server: retention is 7 days"),
    "TLS-ONLY": ("tls_only", "alb-tls13-1-2", lambda accounts: {
        "configuration": {}, "live": {"not_applicable": "configured half only: the accounts' declared policies"}},
        "alb-listener alb/silenttalk-production-alb:443 (Protocol=HTTPS, SslPolicy=ELBSecurityPolicy-TLS13-1-2"),
    "WAF-429": ("waf_429", "waf-limit-10000", lambda accounts: {"configuration": WAF, "live": NA},
                "limit 10000 requests per 300 s is too high; runbook 002 requires 2000"),
    "CDN": ("cdn", "cdn-no-cache", lambda accounts: {
        "assets": NA, "configured": {**CDN["configured"], "distributions": [AWS_DIST]}},
        "path /static/* (served by pattern /static/*; CachePolicyId=4135ea2d-6df8-44a3-9df3-4b5a84be39ad"),
    "AUTOSCALING": ("autoscaling", "ecs-min-1-max-20", lambda accounts: {
        "runbook": "002", "policies": [p for p in SCALING if p["platform"] == "ecs"], "live": NA},
        "min capacity is 1; runbook 002 requires 3"),
    "TURN": ("turn", "sg-turn-no-3478-udp", lambda accounts: {"live": NA, "firewall": TURN["firewall"]},
             "3478/udp"),
    "DASHBOARDS": ("dashboards", "dashboard-no-5xx", lambda accounts: {"grafana": NA, "dashboards": [
        {"cloud": "aws", "name": "silenttalk-production", "metrics": ["CPUUtilization", "HTTPCode_Target_5XX_Count"]}]},
        "CloudWatch dashboard silenttalk-production does not chart HTTPCode_Target_5XX_Count"),
    "LOGS-FLOWING": ("logs_flowing", "log-events-stale", lambda accounts: {
        "window_min": 60, "max_error_share": 0.05, "log_groups": ["/ecs/silenttalk-production-server"]},
        "log group /ecs/silenttalk-production-server: newest event"),
}


@pytest.fixture(scope="module")
def accounts(lab):
    return {v: lab("aws", v) for v in ("compliant", *(broken for _, broken, _, _ in ITEMS.values()))}


def test_each_item_names_the_broken_account_and_never_the_compliant_one(pytester, accounts):
    targets = [{**profile_block(s), "max_attempts": 1, "timeout_s": 5, "name": name} for name, s in accounts.items()]
    profile = profile_dict({item: make(accounts) for item, (_, _, make, _) in ITEMS.items()},
                           runbooks=["000", "002"], providers={"aws_targets": targets})
    result = run_gate(pytester, profile, *(module for module, _, _, _ in ITEMS.values()))
    for item, (_, broken, _, reason) in ITEMS.items():
        said = result.messages(item)
        assert result.verdict(item) == "non-compliant", (item, result.output)
        assert [line for line in said.splitlines() if f"- {broken}/us-east-1: " in line
                and reason in line], (item, said)
        assert "compliant/" not in said, (item, said)


def test_rollout_names_the_target_of_each_workload_only_when_there_are_several():
    from golive.compare import rollout
    from golive.profile.items.rollout import RolloutSection
    from golive.providers.records_rollout import Rollout
    stuck = Rollout("aws", "ECS service", "c/s", "c", desired=3, ready=3, updated=3, state="IN_PROGRESS")
    section = RolloutSection.model_validate({})
    _, alone, _ = rollout.assess([stuck], section)
    _, placed, _ = rollout.assess([stuck, replace(stuck, where="b/us-east-1", state="COMPLETED")], section)
    assert alone and alone[0].startswith("ECS service c/s: "), alone
    assert placed == alone  # the compliant target's workload is not named
    _, broken, _ = rollout.assess([replace(stuck, where="b/us-east-1")], section)
    assert broken == [f"b/us-east-1: {alone[0]}"], broken


# --- TURN groups, log stores and rollout releases addressed to one target (issue 18) ---------------------------
def test_a_turn_group_addressed_to_one_target_is_read_only_there(pytester, accounts):
    """The broken account's group lacks 3478/udp; addressed to the compliant account only, the broken one is not
    read for TURN at all (no DescribeSecurityGroups there), and the compliant one passes. Addressed to the broken
    account, where it lacks 3478/udp: that account is named; addressed to an account without it: a finding."""
    chosen = {k: accounts[k] for k in ("compliant", "sg-turn-no-3478-udp")}
    targets = [{**profile_block(s), "max_attempts": 1, "timeout_s": 5, "name": name} for name, s in chosen.items()]
    groups = ["compliant/silenttalk-production-turn"]  # the AWS group (the NSG is Azure's)
    profile = profile_dict({"TURN": {"live": NA, "firewall": {**TURN["firewall"], "groups": groups}}},
                           runbooks=["000", "002"], providers={"aws_targets": targets})
    result = run_gate(pytester, profile, "turn")
    assert result.verdict("TURN") == "passed", result.output
    assert {c.target for c in result.calls() if c.action == "ec2:DescribeSecurityGroups"} == {
        "compliant/us-east-1"}
    for group, said in (("sg-turn-no-3478-udp/silenttalk-production-turn", "sg-turn-no-3478-udp/us-east-1: 3478/udp"),
                        ("compliant/no-such-group", "group compliant/no-such-group named in")):
        firewall = {**TURN["firewall"], "groups": [group]}
        profile = profile_dict({"TURN": {"live": NA, "firewall": firewall}}, runbooks=["000", "002"],
                               providers={"aws_targets": targets})
        result = run_gate(pytester, profile, "turn")
        assert result.verdict("TURN") == "non-compliant" and said in result.messages("TURN"), result.output
        assert "compliant/us-east-1: " not in result.messages("TURN"), result.messages("TURN")


def test_a_log_group_missing_from_one_region_is_judged_where_it_lives(pytester, accounts):
    """A bare log group name read in two regions: the region that has it is judged (and passes); the other
    region, which has no such group, is not a breach. Addressed to the region without it: "does not exist"."""
    targets = [{**profile_block(accounts["compliant"]), "max_attempts": 1, "timeout_s": 5, "name": "compliant",
                "regions": ["us-east-1", "eu-west-1"]}]
    group = "/ecs/silenttalk-production-server"
    for groups, verdict, said in (([group], "passed", None), ([f"compliant/eu-west-1/{group}"], "non-compliant",
                                                               f"compliant/eu-west-1: log group {group} does not exist")):
        profile = profile_dict({"LOGS-FLOWING": {"window_min": 60, "max_error_share": 0.05, "log_groups": groups}},
                               runbooks=["000"], providers={"aws_targets": targets})
        result = run_gate(pytester, profile, "logs_flowing")
        assert result.verdict("LOGS-FLOWING") == verdict, result.output
        assert said is None or said in result.messages("LOGS-FLOWING"), result.messages("LOGS-FLOWING")


def test_a_release_addressed_to_one_target_applies_only_there():
    from golive.compare import rollout
    from golive.profile.items.rollout import RolloutSection
    from golive.providers.records_rollout import Rollout
    web = Rollout("aws", "ECS service", "c/web", "c", desired=3, ready=3, updated=3, state="COMPLETED",
                  images=(("web", "repo/web:1.2.4"),))
    section = RolloutSection.model_validate({"release": "1.2.3", "releases": {"canary/c/web": "1.2.4"}})
    _, canary, _ = rollout.assess([replace(web, where="canary/us-east-1")], section)
    _, prod, _ = rollout.assess([replace(web, where="prod/us-east-1")], section)
    assert canary == [] and prod and "1.2.3" in prod[0], (canary, prod)
    most = RolloutSection.model_validate({"releases": {"c": "1.2.3", "canary/c": "1.2.4",
                                                       "canary/us-east-1/c/web": "1.2.5"}})
    assert most.expected("c/web", "c", where="canary/us-east-1") == "1.2.5"
    assert most.expected("c/other", "c", where="canary/eu-west-1") == "1.2.4"
    assert most.expected("c/other", "c", where="prod/us-east-1") == "1.2.3"


def test_each_target_says_how_many_records_it_returned():
    from golive.profile.model import Providers as Config
    from golive.providers import CloudProviders
    from golive.verdict import Judgement

    class Reader:
        def __init__(self, found):
            self.found = found

        def things(self, names=()):
            return [n for n in self.found if n in names]

    cloud = CloudProviders(Config())
    cloud.__dict__["targets"] = [("a/us-east-1", Reader(["x", "y"])), ("b/us-east-1", Reader([]))]
    judge = Judgement()
    judge.saw(cloud.gather("things", addressed=("names",), names=("x", "y", "a/y")))
    assert [(f.resource, f.field, f.observed) for f in judge.facts] == [
        ("a/us-east-1", "things returned", 2), ("b/us-east-1", "things returned", 0)]
    assert cloud.gather("things", addressed=("names",), names=("a/x",)).per_target == {"a/us-east-1": 1}


def test_a_log_store_absent_from_a_target_is_judged_by_how_the_profile_named_it():
    from golive.compare.logflow import where_it_lives
    from golive.providers.records_logs import LogFlow
    from golive.verdict import BlindSpot
    app = "/ecs/app"
    here = LogFlow("aws", "log-group", app, 1.0, where="a/us-east-1")
    gone = LogFlow("aws", "log-group", app, None, exists=False, where="b/us-east-1")
    # addressed to b, absent there: judged there ("does not exist"), whatever a holds
    assert where_it_lives([here, gone], {"log-group": [f"a/{app}", f"b/{app}"]}) == ([here, gone], [])
    # bare, absent from b, present in a: judged in a only
    assert where_it_lives([here, gone], {"log-group": [app]}) == ([here], [])
    # bare, absent from b, and a could not be read: b's absence is a blind spot, not a breach
    blind_a = BlindSpot("a/us-east-1: AWS logs:DescribeLogGroups", "access denied")
    kept, unseen = where_it_lives([gone], {"log-group": [app]}, [blind_a])
    assert kept == [] and [u.what for u in unseen] == [f"b/us-east-1: log group {app}"]
    # bare, absent everywhere that was read: "does not exist" stays
    assert where_it_lives([gone], {"log-group": [app]}) == ([gone], [])
