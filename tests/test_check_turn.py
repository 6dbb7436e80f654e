"""TURN proven both ways against a real coturn: passes when compliant, fails naming each breach (live and in the
config file), refuses bad credentials, fails closed when the server does not answer, never leaks the secret."""

from __future__ import annotations

import json
import time

import pytest

from gate import profile_dict, run_gate
from golive.lab.components.coturn import lab_secret
from golive.providers.records_firewall import IngressRule, Opening, ingress_problems, turn_openings

SECRET_ENV = "GOLIVE_TURN_SELFTEST_SECRET"


def _turn(started, lab_rt, config: bool = True, secret: dict | None = None, firewall: dict | None = None, **live):
    host, port = started.endpoints["turn"].rsplit(":", 1)
    server = {"name": started.variant, "host": host, "udp_port": int(port), "tcp_port": int(port),
              "tls_port": int(started.endpoints["tls"].rsplit(":", 1)[1])}
    if config:
        server["config"] = {"host": "local://", "path": started.endpoints["config"]}
    live = {"secret": "turn_shared_secret", "realm": "turn.lab.golive.test", "timeout_s": 1.0,
            "allow_loopback_peers": True, "servers": [server], **live}
    turn = {"live": live, "firewall": firewall or {"not_applicable": "selftest: the relays only"}}
    return profile_dict({"TURN": turn}, trust={"ca_bundle": str(lab_rt.ca_file)},
                        secrets={"turn_shared_secret": secret or {"env": SECRET_ENV}})


def _observations(result) -> list[dict]:
    """The TURN observations the run attached (one per server)."""
    found = []
    for path in result.allure_dir.glob("*-attachment.json"):
        body = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(body, dict) and "allocations" in body:
            found.append(body)
    return found


@pytest.fixture
def secret(lab_rt, monkeypatch) -> str:
    value = lab_secret(lab_rt).read_text(encoding="utf-8").strip()
    monkeypatch.setenv(SECRET_ENV, value)
    return value


def test_passes_on_the_compliant_coturn_within_its_deadlines(pytester, lab, lab_rt, secret):
    profile = _turn(lab("coturn"), lab_rt)
    started = time.perf_counter()
    result = run_gate(pytester, profile, "turn")
    took = time.perf_counter() - started
    assert result.verdict("TURN") == "passed", result.output
    seen = result.attachments()
    for what in ('"tls_version": "TLSv1.2"', '"rtt_ms"', '"transport": "udp"', '"transport": "tcp"',
                 '"transport": "tls"', "allow-loopback-peers", "use-auth-secret"):
        assert what in seen, what
    assert took < 30, f"the TURN gate took {took:.1f} s"  # bounded by its per-server deadlines, not a benchmark


def test_bad_credentials_are_proven_refused(pytester, lab, lab_rt, secret):
    """Wrong password 401, expired username refused, no credentials refused: in the evidence of a pass."""
    result = run_gate(pytester, _turn(lab("coturn"), lab_rt, config=False), "turn")
    assert result.verdict("TURN") == "passed", result.output
    observed = _observations(result)
    assert observed, result.output
    for probe in ("wrong_password", "expired_username", "no_credentials"):
        assert observed[0][probe] == {"ok": False, "code": 401, "detail": "401 Unauthorized", "blind": False}, probe
    assert all(a["code"] == 403 for a in observed[0]["denied_peers"].values())


def test_a_wrong_shared_secret_is_refused_401(pytester, lab, lab_rt, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "not-the-lab-secret")
    result = run_gate(pytester, _turn(lab("coturn"), lab_rt, config=False), "turn")
    assert result.verdict("TURN") == "non-compliant", result.output
    assert "minted from the shared secret refused (401 Unauthorized)" in result.messages("TURN")


@pytest.mark.parametrize(("variant", "live", "config"), [
    ("no-auth", "an allocation without credentials was granted", "no-auth is set"),
    ("static-user", "minted from the shared secret refused (401 Unauthorized)", "static long-term user(s) golive-check"),
    ("relay-outside", "is outside 49152-65535", "min-port=40000 max-port=40100 is not inside 49152-65535"),
    ("no-tls", "no allocation (connection refused); runbook 000 requires TURN over TLS 5349", "no-tls is set"),
    ("legacy-tls", "accepts TLSv1; the profile requires TLSv1.2", "no-tlsv1 is not set"),
    ("private-peers", "permission for peer 169.254.169.254 was granted", "denied-peer-ip does not cover 10.0.0.0/8"),
])
def test_fails_with_the_reason_on_each_broken_variant(pytester, lab, lab_rt, secret, variant, live, config):
    result = run_gate(pytester, _turn(lab("coturn", variant), lab_rt), "turn")
    assert result.verdict("TURN") == "non-compliant", result.output
    messages = result.messages("TURN")
    assert live in messages
    assert config in messages
    assert secret not in result.attachments()


def test_tls_1_3_required_fails_on_coturn_4_6(pytester, lab, lab_rt, secret):
    """Debian's coturn 4.6.1 negotiates at most TLS 1.2: a profile asking for TLS 1.3 on 5349 must fail."""
    result = run_gate(pytester, _turn(lab("coturn"), lab_rt, tls_min_version="TLSv1.3"), "turn")
    assert result.verdict("TURN") == "non-compliant", result.output
    messages = result.messages("TURN")
    assert "negotiated TLSv1.2; the profile requires TLSv1.3 or newer" in messages
    assert "accepts TLSv1.2" in messages
    assert "no-tlsv1_2 is not set" in messages


def test_fails_closed_when_the_server_does_not_answer(pytester, lab_rt, secret):
    from golive.lab.runtime import free_port
    lab_rt.ca()
    port = free_port()
    profile = profile_dict({"TURN": {"firewall": {"not_applicable": "selftest: the relays only"}, "live": {
        "secret": "turn_shared_secret", "timeout_s": 0.5, "allow_loopback_peers": True,
        "servers": [{"name": "down", "host": "127.0.0.1", "udp_port": port, "tcp_port": port,
                     "tls_port": free_port()}]}}},
                           trust={"ca_bundle": str(lab_rt.ca_file)}, secrets={"turn_shared_secret": {"env": SECRET_ENV}})
    result = run_gate(pytester, profile, "turn")
    assert result.verdict("TURN") == "could-not-observe", result.output
    assert "no answer within 0.5 s" in result.messages("TURN")


def test_one_server_down_and_one_broken_is_non_compliant_naming_both(pytester, lab, lab_rt, secret):
    """Partial observation (issue 13): each server judged on its own; the silent one is a blind spot, the other's
    breach a finding: non-compliant, exit 1, both named."""
    from golive.lab.runtime import free_port
    profile = _turn(lab("coturn", "no-auth"), lab_rt, config=False, timeout_s=0.5)
    port = free_port()
    profile["items"]["TURN"]["live"]["servers"].insert(0, {"name": "down", "host": "127.0.0.1", "udp_port": port,
                                                           "tcp_port": port, "tls_port": free_port()})
    result = run_gate(pytester, profile, "turn")
    assert result.verdict("TURN") == "non-compliant", result.output
    assert result.ret == 1
    messages = result.messages("TURN")
    assert "no-auth (127.0.0.1) UDP" in messages and "an allocation without credentials was granted" in messages
    assert "Not observed (1)" in messages and "down (127.0.0.1): no transport answered" in messages
    assert result.summary["items"]["TURN"]["blind_spots"]


def test_live_half_declared_not_applicable_skips_the_relays_and_the_config_file(pytester):
    profile = profile_dict({"TURN": {"live": {"not_applicable": "configuration-only profile: no live endpoint"},
                                     "firewall": {"not_applicable": "selftest"}}})
    result = run_gate(pytester, profile, "turn")
    assert result.outcomes.get("skipped") == 3, result.output
    assert "TURN live not applicable on selftest: configuration-only profile" in result.output


def test_the_old_flat_shape_says_where_the_fields_went(pytester):
    result = run_gate(pytester, profile_dict({"TURN": {"secret": "x", "servers": [{"name": "a", "host": "h"}]}}),
                      "turn")
    assert result.ret != 0
    assert "belong under items.TURN.live" in result.output


def test_fails_closed_without_the_secret(pytester, lab, lab_rt, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    result = run_gate(pytester, _turn(lab("coturn"), lab_rt, config=False), "turn")
    assert result.verdict("TURN") == "could-not-observe", result.output
    assert f"environment variable {SECRET_ENV} is not set" in result.messages("TURN")


def test_a_file_secret_source_works_and_stays_out_of_the_evidence(pytester, lab, lab_rt, monkeypatch):
    """The `local` profile's way: the variable is unset, the lab's secret file is read, nothing leaks."""
    monkeypatch.delenv(SECRET_ENV, raising=False)
    secret_file = lab_secret(lab_rt)
    result = run_gate(pytester, _turn(lab("coturn"), lab_rt, secret={"env": SECRET_ENV, "file": str(secret_file)}),
                      "turn")
    assert result.verdict("TURN") == "passed", result.output
    assert secret_file.read_text(encoding="utf-8").strip() not in result.attachments()


def test_firewall_without_providers_fails_closed(pytester, lab, lab_rt, secret):
    result = run_gate(pytester, _turn(lab("coturn"), lab_rt, config=False, firewall={"groups": ["sg-turn"]}), "turn")
    assert result.verdict("TURN") == "could-not-observe", result.output
    assert "declares no providers" in result.messages("TURN")


# --- the firewall comparison, on hand-made records (the providers implement turn_ingress_rules later) ---------
WORLD = ("0.0.0.0/0",)
REQUIRED = turn_openings(3478, 3478, 5349, 49152, 65535)


def _compliant() -> list[IngressRule]:
    return [IngressRule("sg-turn", "udp", 3478, 3478, WORLD), IngressRule("sg-turn", "tcp", 3478, 3478, WORLD),
            IngressRule("sg-turn", "tcp", 5349, 5349, ("0.0.0.0/0", "::/0")),
            IngressRule("sg-turn", "udp", 49152, 65535, WORLD),
            IngressRule("sg-turn", "tcp", 22, 22, ("10.0.0.0/8",))]  # SSH from the VPC only: fine


def test_firewall_compliant_rules_pass():
    assert ingress_problems(_compliant(), REQUIRED) == []


def test_firewall_relay_range_closed():
    rules = [r for r in _compliant() if r.port_from != 49152]
    assert ingress_problems(rules, REQUIRED) == [
        "49152-65535/udp (relayed media) is not open to the world; runbook 000 opens 3478 UDP/TCP, 5349 TCP and "
        "the relay range UDP"]
    partly = [*rules, IngressRule("sg-turn", "udp", 49152, 50000, WORLD)]
    assert "is open only in part (50001-65535/udp closed)" in ingress_problems(partly, REQUIRED)[0]


def test_firewall_3478_udp_missing():
    rules = [r for r in _compliant() if not (r.protocol == "udp" and r.port_from == 3478)]
    assert [p.split(" (")[0] for p in ingress_problems(rules, REQUIRED)] == ["3478/udp"]


def test_firewall_ssh_open_to_the_world():
    rules = [*_compliant(), IngressRule("sg-turn", "tcp", 22, 22, ("0.0.0.0/0",))]
    assert ingress_problems(rules, REQUIRED) == [
        "sg-turn opens 22/tcp to 0.0.0.0/0; only TURN's ports may be open to the world"]


def test_firewall_runbooks_azure_rule_opens_more_than_turn():
    """Runbook 000's NSG rule: 3478 5349 49152-65535, protocol '*', from anywhere: 5349/udp and relay TCP extra."""
    rules = [IngressRule("silenttalk-turn-1NSG", "*", lo, hi, ("*",)) for lo, hi in
             ((3478, 3478), (5349, 5349), (49152, 65535))]
    assert ingress_problems(rules, REQUIRED) == [
        "silenttalk-turn-1NSG opens 5349/udp to *; only TURN's ports may be open to the world",
        "silenttalk-turn-1NSG opens 49152-65535/tcp to *; only TURN's ports may be open to the world"]
    assert ingress_problems(rules, REQUIRED, [Opening.parse("5349/udp"), Opening.parse("49152-65535/tcp")]) == []
