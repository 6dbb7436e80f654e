"""TLS-ONLY proven both ways against real lab nginx variants, cross-checked with testssl.sh, and the
configured-policy comparison proven on hand-made records (the providers' tls_policies() come later)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gate import profile_dict, run_gate
from golive.probes import tls, tls_policy
from golive.providers.records_tls import TlsPolicy, normalize_protocol, protocols_from_minimum

ITEM = "TLS-ONLY"


def _endpoint(name: str, url: str) -> dict:
    parts = urlsplit(url)
    return {"name": name, "host": parts.hostname, "port": parts.port}


LIVE_ONLY = {"not_applicable": "live-only self-test: no provider declares a TLS policy"}


def _profile(lab_rt, *endpoints: dict, configuration: dict | None = None, ca_bundle: str | None = None,
             **live) -> dict:
    """A live-only TLS-ONLY section (unless ``configuration`` is given) trusting the lab CA."""
    lab_rt.ca()
    section = {"live": {"endpoints": list(endpoints), **live},
               "configuration": LIVE_ONLY if configuration is None else configuration}
    return profile_dict({ITEM: section}, trust={"ca_bundle": ca_bundle or str(lab_rt.ca_file)})


def test_passes_on_the_compliant_origin_and_cdn_front(pytester, lab, lab_rt):
    site = lab("nginx", "compliant")
    result = run_gate(pytester, _profile(lab_rt, _endpoint("origin", site.endpoints["https"]),
                                         _endpoint("cdn", site.endpoints["cdn"])), "tls_only")
    assert result.verdict(ITEM) == "passed", result.output
    evidence = result.attachments()
    assert "offers TLSv1.3; refuses TLSv1.2, TLSv1.1, TLSv1.0, SSLv3, SSLv2" in evidence
    assert "nassl LegacySslClient" in evidence  # how SSL 3.0 was tested is in the evidence
    assert "TLS-ONLY configured policies not applicable" in result.output  # live-only: the other half skips


def test_a_private_root_without_key_usage_is_trusted_like_curl_does_with_a_note(pytester, lab, lab_rt):
    """A root made as `openssl req -x509` makes it (no keyUsage): OpenSSL, curl and browsers trust it; the
    strict validator's complaint is evidence worded for a person, not non-compliance."""
    site = lab("nginx", "tls-private-ca-no-keyusage")
    result = run_gate(pytester, _profile(lab_rt, _endpoint("private-ca", site.endpoints["https"]),
                                         ca_bundle=site.endpoints["ca_bundle"]), "tls_only")
    assert result.verdict(ITEM) == "passed", result.output
    evidence = result.attachments()
    assert "certificate notes (stricter than the runbooks; not judged)" in evidence
    port = urlsplit(site.endpoints["https"]).port
    assert (f"private-ca (127.0.0.1:{port}): the root CA CN=golive lab private root (no keyUsage),O=golive lab "
            "private CA lacks the keyUsage extension (RFC 5280 §4.2.1.3); OpenSSL, curl and browsers accept it; "
            "strict validators such as Python's cryptography (under sslyze 6) reject it") in evidence
    assert "invalid extension: 2.5.29.15" not in result.messages(ITEM)


def test_the_private_root_is_not_trusted_without_its_trust_store(pytester, lab, lab_rt):
    site = lab("nginx", "tls-private-ca-no-keyusage")
    result = run_gate(pytester, _profile(lab_rt, _endpoint("private-ca", site.endpoints["https"])), "tls_only")
    assert result.verdict(ITEM) == "non-compliant", result.output
    assert "certificate chain does not verify against the profile trust.ca_bundle" in result.messages(ITEM)
    assert "unable to get local issuer certificate" in result.messages(ITEM)


@pytest.mark.parametrize(("variant", "reason"), [
    ("tls12-enabled", "offers TLSv1.3, TLSv1.2: TLSv1.2 must be refused"),
    ("tls10-enabled", "offers TLSv1.3, TLSv1.0: TLSv1.0 must be refused"),
    ("cert-near-expiry", "certificate expires in 10.0 days"),
    ("cert-wrong-host", "certificate hostname mismatch: it names wrong-host.golive.test, not 127.0.0.1"),
    ("cert-self-signed", "self-signed certificate does not verify against the profile trust.ca_bundle"),
])
def test_fails_with_the_reason_on_each_broken_variant(pytester, lab, lab_rt, variant, reason):
    site = lab("nginx", variant)
    result = run_gate(pytester, _profile(lab_rt, _endpoint(variant, site.endpoints["https"])), "tls_only")
    assert result.verdict(ITEM) == "non-compliant", result.output
    assert reason in result.messages(ITEM)


def test_a_blind_endpoint_does_not_hide_a_tls12_endpoint(pytester, lab, lab_rt):
    """Partial observation, whole verdict: the reachable endpoint is judged, the unreachable one is named."""
    from golive.lab.runtime import free_port
    site = lab("nginx", "tls12-enabled")
    result = run_gate(pytester, _profile(lab_rt, {"name": "down", "host": "127.0.0.1", "port": free_port()},
                                         _endpoint("up", site.endpoints["https"])), "tls_only")
    assert result.verdict(ITEM) == "non-compliant" and result.ret == 1, result.output
    messages = result.messages(ITEM)
    assert "TLSv1.2 must be refused" in messages and "TCP connect to 127.0.0.1" in messages  # both named
    assert any("TLS endpoint down" in b for b in result.summary["items"][ITEM]["blind_spots"])


def test_fails_closed_when_the_only_host_is_unreachable(pytester, lab_rt):
    from golive.lab.runtime import free_port
    result = run_gate(pytester, _profile(lab_rt, {"name": "down", "host": "127.0.0.1", "port": free_port()}),
                      "tls_only")
    assert result.verdict(ITEM) == "could-not-observe" and result.ret == 6, result.output
    assert "TCP connect to 127.0.0.1" in result.messages(ITEM)


def test_configured_half_fails_closed_without_declared_policies(pytester, lab, lab_rt):
    site = lab("nginx", "compliant")
    result = run_gate(pytester, _profile(lab_rt, _endpoint("origin", site.endpoints["https"]), configuration={}),
                      "tls_only")
    assert result.verdict(ITEM) == "could-not-observe", result.output
    assert "declares no providers" in result.messages(ITEM)


def test_the_old_single_half_shape_is_refused_with_what_to_do():
    from golive.profile.items.tls_only import TlsOnlySection
    with pytest.raises(ValueError, match="move endpoints .* under live:.*configuration: {}"):
        TlsOnlySection.model_validate({"endpoints": [{"name": "a", "host": "a.example"}], "check_configured": True})
    half = TlsOnlySection.model_validate({"live": {"not_applicable": "config only"}, "configuration": {}})
    assert half.live.not_applicable == "config only"


# --- the configured half on hand-made records (pure) -----------------------------------------------------
def _seen(name: str, host: str, offered: tuple[str, ...]) -> tls.TlsObservation:
    shakes = tuple(tls.Handshake(p, "accepted" if p in offered else "refused", "", tls.METHODS[p], 1.0)
                   for p in tls.PROTOCOLS)
    return tls.TlsObservation(name, host, 443, None, shakes, None, 6.0, 0.0)


ALB_13 = TlsPolicy("alb/silenttalk-prod:443", "alb-listener", ("TLSv1.3",), hosts=("api.silenttalk.com",),
                   declared={"SslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06"})
ALB_12 = TlsPolicy("alb/silenttalk-prod:443", "alb-listener", ("TLSv1.2", "TLSv1.3"), hosts=("api.silenttalk.com",),
                   declared={"SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"})


def test_policy_names_are_not_the_answer_the_protocol_list_is():
    assert tls_policy.policy_problems([ALB_13]) == []
    [problem] = tls_policy.policy_problems([ALB_12])
    assert "ELBSecurityPolicy-TLS13-1-2-2021-06" in problem and "allows TLSv1.2, TLSv1.3" in problem


@pytest.mark.parametrize(("policy", "ok"), [
    (TlsPolicy("cloudfront/E2ABC", "cloudfront", min_version="TLSv1.3_2025"), True),
    (TlsPolicy("cloudfront/E2ABC", "cloudfront", min_version="TLSv1.2_2021"), False),
    (TlsPolicy("app/silenttalk-production-api", "app-service", min_version="1.3"), True),
    (TlsPolicy("app/silenttalk-production-api", "app-service", min_version="1.2"), False),
    (TlsPolicy("fd/silenttalk/api", "front-door", min_version="TLS12"), False),
    (TlsPolicy("redis/silenttalk", "redis", min_version="1.2", tls_required=True), True),
    (TlsPolicy("redis/silenttalk", "redis", min_version="1.2", tls_required=False), False),
    (TlsPolicy("redis/silenttalk", "redis", min_version="1.0", tls_required=True), False),
    (TlsPolicy("pg/silenttalk", "postgresql", tls_required=None), False),
    (TlsPolicy("alb/x:443", "alb-listener"), False),
    (TlsPolicy("mystery", "teapot", ("TLSv1.3",)), False),
])
def test_each_kind_is_judged_by_its_runbook_rule(policy, ok):
    assert (tls_policy.policy_problems([policy]) == []) is ok


def test_live_and_configured_disagreement_fails_and_shows_both():
    live_12 = _seen("api", "api.silenttalk.com", ("TLSv1.3", "TLSv1.2"))
    [problem] = tls_policy.disagreements([ALB_13], [live_12])
    assert "configured and live disagree" in problem
    assert "allows TLSv1.3; the live handshakes accept TLSv1.2, TLSv1.3" in problem
    assert tls_policy.disagreements([ALB_13], [_seen("api", "api.silenttalk.com", ("TLSv1.3",))]) == []
    assert tls_policy.unmatched_hosts([ALB_13], [_seen("cdn", "cdn.silenttalk.com", ("TLSv1.3",))]) == [
        "cdn (cdn.silenttalk.com:443)"]


def test_protocol_names_of_every_platform_normalise():
    assert [normalize_protocol(v) for v in ("TLSv1", "1.2", "TLS12", "TLSv1.2_2021", "TLS1_3", "SSLv3")] == [
        "TLSv1.0", "TLSv1.2", "TLSv1.2", "TLSv1.2", "TLSv1.3", "SSLv3"]
    assert protocols_from_minimum("TLSv1.3_2025") == ("TLSv1.3",)
    with pytest.raises(ValueError):
        normalize_protocol("TLSv9")


# --- agreement with testssl.sh ----------------------------------------------------------------------------
TESTSSL = shutil.which("testssl") or shutil.which("testssl.sh")


@pytest.mark.skipif(TESTSSL is None, reason="testssl.sh is not installed (Debian package testssl.sh)")
def test_verdict_agrees_with_testssl(lab, lab_rt, tmp_path):
    """testssl.sh --protocols (~10 s a host here) on the compliant and TLS 1.2 variants, in parallel; the
    bench (bench/bench_tls.py) compares every TLS variant."""
    lab_rt.ca()
    runs = {}
    for variant in ("compliant", "tls12-enabled"):
        url = urlsplit(lab("nginx", variant).endpoints["https"])
        out = tmp_path / f"{variant}.json"
        runs[variant] = (url, out, subprocess.Popen(
            [TESTSSL, "--protocols", "--quiet", "--warnings", "off", "--color", "0", "--jsonfile", str(out),
             f"{url.hostname}:{url.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for variant, (url, out, proc) in runs.items():
        proc.wait(timeout=120)
        theirs = tls.testssl_offered(json.loads(Path(out).read_text()))
        ours = tls.observe(variant, url.hostname, url.port, ca_bundle=lab_rt.ca_file, timeout_s=3.0)
        assert set(theirs) == set(tls.PROTOCOLS), theirs
        assert {p for p, offered in theirs.items() if offered} == set(ours.offered), (variant, theirs, ours.offered)
