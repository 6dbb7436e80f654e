"""WAF-429's configuration test proven both ways through the real Azure and Kubernetes providers against the
lab's emulators: Front Door WAF policy linked by a security policy, classic Front Door WAF policy linked by its
frontendEndpointLinks (ARM emulator), ingress-nginx rate-limit
annotations (Kubernetes emulator). Passes when compliant, fails naming the field on each broken variant,
could-not-observe when the API does not answer. AWS: tests/test_check_waf_429_providers.py."""

from __future__ import annotations

import http.cookiejar  # noqa: F401  (before pytester's in-process runs: see tests/monitoring_profiles.py)

import azure.mgmt.cdn  # noqa: F401
import azure.mgmt.frontdoor  # noqa: F401
import azure.mgmt.network  # noqa: F401
import pytest
import requests  # noqa: F401

from golive.lab.components.azure import profile_block as azure_block
from golive.lab.runtime import free_port
from waf_gate import ITEM, configuration_gate, fails_naming

AZURE = {"protects": "api.silenttalk.example", "acl": "silenttalkwafpolicy",
         "managed_groups": ["Microsoft_DefaultRuleSet", "Microsoft_BotManagerRuleSet"]}
CLASSIC = {"protects": "classic.silenttalk.example", "acl": "silenttalkclassicwaf", "managed_groups": ["DefaultRuleSet"]}
KUBE = {"protects": "social-platform-production/social-platform", "managed_groups": ["OWASP-CRS"],
        "rules": [{"name": "general", "limit": 400, "window_s": 60}]}  # 2000 / 5 min as ingress-nginx says it


def _azure(started, **over):
    return {"azure": {**azure_block(started), "max_retries": 0, "timeout_s": 5, **over}}


def _kube(started):
    e = started.endpoints
    return {"kubernetes": {"kubeconfig": e["kubeconfig"], "context": e["context"],
                           "namespaces": ["social-platform-production", "ingress-nginx"], "max_attempts": 1}}


# --- Azure --------------------------------------------------------------------------------------------------
def test_azure_compliant_passes(pytester, lab):
    result = configuration_gate(pytester, AZURE, _azure(lab("azure")))
    assert result.verdict(ITEM) == "passed", result.output
    assert "silenttalk-api" in result.attachments() and '"scope": "FrontDoor"' in result.attachments()


@pytest.mark.parametrize(("variant", "field", "reason"), [
    ("waf-403", "response_code", "Block answers 403; runbook 000 expects 429"),
    ("waf-limit-5000", "limit", "limit 5000 requests per 300 s is too high; runbook 002 requires 2000"),
    ("waf-window-1min", "window_s", "window is 60 s; runbook 002 requires 1000 requests per 300 s"),
    ("waf-unlinked", "associated_with", "is not associated with api.silenttalk.example"),
    ("waf-detection", "mode", "is in Detection mode: rules only log"),
    ("waf-no-api-limit", "rules", "no rate-based rule on /api"),
])
def test_azure_broken_variants_fail_naming_the_field(pytester, lab, variant, field, reason):
    fails_naming(configuration_gate(pytester, AZURE, _azure(lab("azure", variant))), field, reason)


def test_azure_classic_front_door_waf_passes(pytester, lab):
    """Classic Front Door: the policy's association lives in its own frontendEndpointLinks."""
    result = configuration_gate(pytester, CLASSIC, _azure(lab("azure")))
    assert result.verdict(ITEM) == "passed", result.output
    assert "silenttalk-classic-api" in result.attachments()


def test_azure_classic_front_door_waf_detection_403_fails_naming_both(pytester, lab):
    result = configuration_gate(pytester, CLASSIC, _azure(lab("azure", "classic-waf-detection-403")))
    fails_naming(result, "mode", "silenttalkclassicwaf is in Detection mode: rules only log")
    fails_naming(result, "response_code", "Block answers 403; runbook 000 expects 429")


def test_azure_unreachable_is_could_not_observe(pytester, lab):
    started = lab("azure")
    providers = _azure(started, arm_endpoint=f"https://127.0.0.1:{free_port()}", timeout_s=2)
    result = configuration_gate(pytester, AZURE, providers)
    assert result.verdict(ITEM) == "could-not-observe", result.output
    assert "could not be reached" in result.messages(ITEM)


# --- Kubernetes (ingress-nginx annotations) -----------------------------------------------------------------
def test_kubernetes_rate_limited_ingress_passes(pytester, lab):
    result = configuration_gate(pytester, KUBE, _kube(lab("kubernetes", "ingress-rate-limited")))
    assert result.verdict(ITEM) == "passed", result.output
    assert "limit-req-status-code" in result.attachments()


@pytest.mark.parametrize(("variant", "field", "reason"), [
    ("ingress-rate-limit-503", "response_code", "Block answers 503; runbook 000 expects 429"),
    ("compliant", "rules", "no rate-based rule on every path in social-platform-production/social-platform"),
])
def test_kubernetes_broken_fails_naming_the_field(pytester, lab, variant, field, reason):
    fails_naming(configuration_gate(pytester, KUBE, _kube(lab("kubernetes", variant))), field, reason)
