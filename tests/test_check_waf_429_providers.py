"""WAF-429's configuration test proven both ways through the real AWS provider against the lab's moto emulator
(WAFv2 web ACL on the ALB): passes on the compliant shape as profiles/local.yaml states it, fails naming the
field on each broken variant, could-not-observe when the API does not answer. Azure and Kubernetes:
tests/test_check_waf_429_azure_kubernetes.py (split to keep each module under a minute)."""

from __future__ import annotations

import pytest
import yaml

from gate import ROOT
from golive.lab.components.aws import profile_block
from golive.lab.runtime import free_port
from waf_gate import ITEM, configuration_gate, fails_naming

LOCAL = yaml.safe_load((ROOT / "profiles" / "local.yaml").read_text(encoding="utf-8"))["items"][ITEM]
LOCAL = LOCAL["configuration"]  # what the lab seeds, as the local profile states it


def _aws(started):
    return {"aws": {**profile_block(started), "max_attempts": 1, "timeout_s": 5}}


# --- AWS ----------------------------------------------------------------------------------------------------
def test_aws_compliant_passes_as_the_local_profile_states_it(pytester, lab):
    result = configuration_gate(pytester, LOCAL, _aws(lab("aws")))
    assert result.verdict(ITEM) == "passed", result.output
    seen = result.attachments()
    for fragment in ('"response_code": 429', '"scope_path": "/api"', "wafv2:ListResourcesForWebACL",
                     "silenttalk-production-alb"):
        assert fragment in seen, fragment


@pytest.mark.xdist_group("waf-aws")
@pytest.mark.parametrize(("variant", "field", "reason"), [
    ("waf-plain-block", "response_code", "Block answers 403 (a plain Block without CustomResponse)"),
    ("waf-limit-10000", "limit", "limit 10000 requests per 300 s is too high; runbook 002 requires 2000"),
    ("waf-window-60s", "window_s", "window is 60 s; runbook 002 requires 1000 requests per 300 s"),
    ("waf-not-associated", "associated_with", "is not associated with silenttalk-production-alb"),
    ("waf-count-mode", "action", "action is Count: over-limit clients are not blocked (detection only)"),
])
def test_aws_broken_variants_fail_naming_the_field(pytester, lab, variant, field, reason):
    fails_naming(configuration_gate(pytester, LOCAL, _aws(lab("aws", variant))), field, reason)


def test_aws_unreachable_is_could_not_observe(pytester, lab):
    down = {**profile_block(lab("aws")), "endpoint_url": f"http://127.0.0.1:{free_port()}", "max_attempts": 1,
            "timeout_s": 2}
    result = configuration_gate(pytester, LOCAL, {"aws": down})
    assert result.verdict(ITEM) == "could-not-observe", result.output
    assert "wafv2:ListWebACLs" in result.messages(ITEM) and "could not connect" in result.messages(ITEM)


def test_aws_a_reader_denied_the_associations_is_could_not_observe_not_unassociated(pytester, lab):
    from golive.lab.aws.restricted import restricted_reader
    started = lab("aws")
    denied = _aws(started)
    denied["aws"].update(restricted_reader(started, ["wafv2:ListResourcesForWebACL"]))
    result = configuration_gate(pytester, LOCAL, denied)
    text = result.messages(ITEM)
    assert result.verdict(ITEM) == "could-not-observe" and result.ret == 6, result.output
    assert "wafv2:ListResourcesForWebACL" in text and "not associated" not in text, text
    assert result.summary["items"][ITEM]["blind_spots"], result.summary["items"][ITEM]
