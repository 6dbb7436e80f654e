"""HEALTH proven both ways against the real lab nginx: passes when compliant, fails naming each breach."""

from __future__ import annotations

import pytest

from gate import profile_dict, run_gate


def _health(started, lab_rt, timeout_s=1.0, path="/health", contract="silenttalk-api"):
    return profile_dict({"HEALTH": {"timeout_s": timeout_s, "endpoints": [
        {"name": "api", "url": f"{started.endpoints['https']}{path}", "contract": contract}]}},
        trust={"ca_bundle": str(lab_rt.ca_file)})


def test_passes_on_the_compliant_site_for_every_contract(pytester, lab, lab_rt):
    site = lab("nginx", "compliant")
    profile = _health(site, lab_rt)
    profile["items"]["HEALTH"]["endpoints"] += [
        {"name": "client", "url": f"{site.endpoints['https']}/client/health", "contract": "silenttalk-client"},
        {"name": "enterprise", "url": f"{site.endpoints['https']}/v1/health", "contract": "enterprise-health"},
        {"name": "live", "url": f"{site.endpoints['https']}/health/live", "contract": "enterprise-live"},
        {"name": "ready", "url": f"{site.endpoints['https']}/health/ready", "contract": "enterprise-ready"}]
    result = run_gate(pytester, profile, "health")
    assert result.verdict("HEALTH") == "passed", result.output
    assert "silenttalk-api" in result.attachments()


@pytest.mark.parametrize(("variant", "reason"), [
    ("health-wrong-status", "answered HTTP 503, expected 200"),
    ("health-wrong-json", "body is not a JSON object"),
    ("health-dependency-down", "body.redis is 'disconnected'"),
    ("health-slow", "no complete answer within"),
])
def test_fails_with_the_reason_on_each_broken_variant(pytester, lab, lab_rt, variant, reason):
    result = run_gate(pytester, _health(lab(variant=variant, component="nginx"), lab_rt), "health")
    assert result.verdict("HEALTH") == "non-compliant", result.output
    assert reason in result.messages("HEALTH")
    assert result.ret == 1


def test_wrong_contract_is_caught(pytester, lab, lab_rt):
    """The enterprise contract on SilentTalk's body: status matches but the services map is missing."""
    result = run_gate(pytester, _health(lab("nginx"), lab_rt, contract="enterprise-health"), "health")
    assert result.verdict("HEALTH") == "non-compliant"
    assert "services is missing" in result.messages("HEALTH")


def test_fails_closed_when_the_target_is_down(pytester, lab_rt):
    from golive.lab.runtime import free_port
    profile = profile_dict({"HEALTH": {"endpoints": [
        {"name": "api", "url": f"https://127.0.0.1:{free_port()}/health", "contract": "silenttalk-api"}]}},
        trust={"ca_bundle": str(lab_rt.ca_file)})
    lab_rt.ca()
    result = run_gate(pytester, profile, "health")
    assert result.verdict("HEALTH") == "could-not-observe", result.output
    assert "connection failed" in result.messages("HEALTH")
    assert result.ret == 6  # distinct exit status: could not observe


def test_one_endpoint_down_and_one_breaking_its_contract_is_non_compliant_naming_both(pytester, lab, lab_rt):
    """Partial observation (issue 13): the unreachable endpoint is a blind spot, the reachable one's breach is a
    finding, the compliant one passes: non-compliant, exit 1, both named; the loop never stops at the blind one."""
    from golive.lab.runtime import free_port
    lab_rt.ca()
    good, broken = lab("nginx"), lab("nginx", "health-dependency-down")
    profile = profile_dict({"HEALTH": {"timeout_s": 1.0, "endpoints": [
        {"name": "down", "url": f"https://127.0.0.1:{free_port()}/health", "contract": "silenttalk-api"},
        {"name": "broken", "url": f"{broken.endpoints['https']}/health", "contract": "silenttalk-api"},
        {"name": "good", "url": f"{good.endpoints['https']}/health", "contract": "silenttalk-api"}]}},
        trust={"ca_bundle": str(lab_rt.ca_file)})
    result = run_gate(pytester, profile, "health")
    assert result.verdict("HEALTH") == "non-compliant", result.output
    assert result.ret == 1
    messages = result.messages("HEALTH")
    assert "broken (https://" in messages and "body.redis is 'disconnected'" in messages
    assert "Not observed (1)" in messages and "down (https://127.0.0.1:" in messages
    assert "connection failed" in messages and "good (" not in messages
    assert result.summary["items"]["HEALTH"]["blind_spots"]
    assert '"name": "good"' in result.attachments()


def test_untrusted_certificate_is_could_not_observe(pytester, lab):
    """Without the lab CA in the trust store the TLS handshake fails: blindness, never a pass."""
    site = lab("nginx")
    profile = profile_dict({"HEALTH": {"endpoints": [
        {"name": "api", "url": f"{site.endpoints['https']}/health", "contract": "silenttalk-api"}]}})
    result = run_gate(pytester, profile, "health")
    assert result.verdict("HEALTH") == "could-not-observe"
    assert "CERTIFICATE_VERIFY_FAILED" in result.messages("HEALTH")
