"""TURN's firewall test proven both ways through the real providers: AWS security groups (moto) and Azure NSGs
(ARM emulator, with a higher-priority Deny shadowing an Allow). Passes on the compliant groups as
profiles/local.yaml names them; fails naming the opening on each broken variant; could-not-observe when the API
does not answer. The profile is firewall-only (issue 13): live {not_applicable}, no server and no secret, so the
relay tests skip with the reason and the firewall half alone proves the item (relays: test_check_turn.py)."""

from __future__ import annotations

import http.cookiejar  # noqa: F401  (before pytester's in-process runs: see tests/monitoring_profiles.py)

import azure.mgmt.network  # noqa: F401
import pytest
import requests  # noqa: F401
import yaml

from gate import ROOT, profile_dict, run_gate
from golive.lab.components.aws import profile_block
from golive.lab.components.azure import profile_block as azure_block
from golive.lab.runtime import free_port

ITEM = "TURN"
LOCAL = yaml.safe_load((ROOT / "profiles" / "local.yaml").read_text(encoding="utf-8"))["items"][ITEM]
FIREWALL_ONLY = {"not_applicable": "configuration-only profile: the security groups / NSGs, no live relay"}


def _aws(started, **over):
    return {"aws": {**profile_block(started), "max_attempts": 1, "timeout_s": 5, **over}}


def _azure(started, **over):
    return {"azure": {**azure_block(started), "max_retries": 0, "timeout_s": 5, **over}}


def _gate(pytester, providers, groups=()):
    turn = {"live": FIREWALL_ONLY, "firewall": {**LOCAL["firewall"], "groups": [*LOCAL["firewall"]["groups"], *groups]}}
    return run_gate(pytester, profile_dict({ITEM: turn}, providers=providers), "turn")


def _fails_with(result, reason):
    assert result.verdict(ITEM) == "non-compliant", result.output
    assert reason in result.messages(ITEM), result.messages(ITEM)


def test_compliant_groups_pass_as_the_local_profile_names_them(pytester, lab):
    result = _gate(pytester, {**_aws(lab("aws")), **_azure(lab("azure"))})
    assert result.verdict(ITEM) == "passed", result.output
    assert result.outcomes.get("skipped") == 2 and "TURN live not applicable on selftest" in result.output
    seen = result.attachments()
    assert "ec2:DescribeSecurityGroups" in seen and "securityRules/turn-relay" in seen


@pytest.mark.xdist_group("turn-aws")
@pytest.mark.parametrize(("variant", "reason"), [
    ("sg-turn-relay-closed", "49152-65535/udp (relayed media) is not open to the world"),
    ("sg-turn-no-3478-udp", "3478/udp (TURN over UDP) is not open to the world"),
    ("sg-turn-ssh-world", "silenttalk-production-turn opens 22/tcp to 0.0.0.0/0; only TURN's ports may be open"),
])
def test_aws_broken_security_groups_fail(pytester, lab, variant, reason):
    _fails_with(_gate(pytester, _aws(lab("aws", variant))), reason)


@pytest.mark.parametrize(("variant", "reason"), [
    ("nsg-relay-denied", "49152-65535/udp (relayed media) is not open to the world"),
    ("nsg-no-3478-udp", "3478/udp (TURN over UDP) is not open to the world"),
    ("nsg-ssh-world", "silenttalk-turn-nsg opens 22/tcp to Internet; only TURN's ports may be open"),
    ("nsg-narrow-relay", "is open only in part (50001-65535/udp closed)"),
])
def test_azure_broken_nsgs_fail(pytester, lab, variant, reason):
    _fails_with(_gate(pytester, _azure(lab("azure", variant))), reason)


def test_unreachable_api_is_could_not_observe(pytester, lab):
    result = _gate(pytester, _azure(lab("azure"), arm_endpoint=f"https://127.0.0.1:{free_port()}", timeout_s=2))
    assert result.verdict(ITEM) == "could-not-observe", result.output
    assert "network security groups" in result.messages(ITEM) and "could not be reached" in result.messages(ITEM)


# --- partial observation (issue 13): one cloud blind, the other's rules still judged ---------------------------
def test_a_blind_cloud_and_a_breach_on_the_other_is_non_compliant_naming_both(pytester, lab):
    from golive.lab.aws.restricted import restricted_reader
    aws = lab("aws")
    result = _gate(pytester, {**_aws(aws, **restricted_reader(aws, ["ec2:DescribeSecurityGroups"])),
                              **_azure(lab("azure", "nsg-ssh-world"))})
    _fails_with(result, "silenttalk-turn-nsg opens 22/tcp to Internet")
    assert result.ret == 1
    messages = result.messages(ITEM)
    assert "DescribeSecurityGroups" in messages and "Not observed" in messages, messages
    assert result.summary["items"][ITEM]["blind_spots"]


def test_a_cloud_missing_an_opening_beside_a_blind_cloud_is_a_breach_of_that_cloud(pytester, lab):
    """Azure's NSG lacks 3478/udp while the AWS read is denied: each cloud's firewall stands in front of its own
    relays, so the unread AWS group cannot open Azure's port: a breach of Azure, with AWS named as not observed."""
    from golive.lab.aws.restricted import restricted_reader
    aws = lab("aws")
    result = _gate(pytester, {**_aws(aws, **restricted_reader(aws, ["ec2:DescribeSecurityGroups"])),
                              **_azure(lab("azure", "nsg-no-3478-udp"))})
    _fails_with(result, "azure: 3478/udp (TURN over UDP) is not open to the world")
    assert "DescribeSecurityGroups" in result.messages(ITEM), result.messages(ITEM)


def test_one_clouds_opening_never_excuses_anothers_closed_port(pytester, lab):
    """AWS's group lacks 3478/udp, Azure's NSG opens it: judged together the gap would vanish; each cloud alone."""
    result = _gate(pytester, {**_aws(lab("aws", "sg-turn-no-3478-udp")), **_azure(lab("azure"))})
    _fails_with(result, "aws: 3478/udp (TURN over UDP) is not open to the world")
    assert "azure: " not in result.messages(ITEM), result.messages(ITEM)


def test_a_named_group_no_target_returned_is_a_finding_beside_the_read_groups_breach(pytester, lab):
    """A named security group that does not exist opens nothing: a finding naming it (every read succeeded),
    beside the breach of the group that was read. Before, it was a blind spot and the item could-not-observe."""
    result = _gate(pytester, _aws(lab("aws", "sg-turn-no-3478-udp")), groups=["sg-00000000000000000"])
    _fails_with(result, "3478/udp (TURN over UDP) is not open to the world")
    _fails_with(result, "group sg-00000000000000000 named in items.TURN.firewall.groups: no inbound rule of it")


def test_a_cloud_whose_named_nsg_is_gone_is_not_excused_by_the_other_cloud(pytester, lab):
    """Both clouds named; the Azure NSG's name matches nothing (deleted): AWS's compliant group does not pass the
    item on its own."""
    result = _gate(pytester, {**_aws(lab("aws")), **_azure(lab("azure"))}, groups=["silenttalk-turn-nsg-gone"])
    _fails_with(result, "group silenttalk-turn-nsg-gone named in items.TURN.firewall.groups")
    assert "group silenttalk-production-turn" not in result.messages(ITEM)
