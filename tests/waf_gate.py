"""The WAF-429 configuration gate shared by the provider self-tests (AWS; Azure and Kubernetes)."""

from __future__ import annotations

from gate import GateResult, profile_dict, run_gate

ITEM = "WAF-429"
NA = {"not_applicable": "the live burst is proven in tests/test_check_waf_429.py"}


def configuration_gate(pytester, configuration: dict, providers: dict) -> GateResult:
    """checks/test_waf_429.py with only the configuration part (the live part not applicable)."""
    profile = profile_dict({ITEM: {"configuration": configuration, "live": NA}}, providers=providers)
    return run_gate(pytester, profile, "waf_429")


def fails_naming(result: GateResult, field: str, reason: str) -> None:
    """Non-compliant, the reason in the message, the failing field in the evidence."""
    assert result.verdict(ITEM) == "non-compliant", result.output
    assert reason in result.messages(ITEM), result.messages(ITEM)
    assert f'"field": "{field}"' in result.attachments()
