"""SMOKE proven both ways against the lab's smoke app: register (201), login -> token -> authenticated list passes
when compliant, fails naming the wrong status, the missing field and the slow answer; the credential is redacted;
a missing credential or a closed port fails closed; a write without writes: true is a profile error."""

from __future__ import annotations

import pytest

from gate import profile_dict, run_gate
from golive.lab.runtime import free_port


def smoke_section(site, time_limit_s: float = 1.0) -> dict:
    """register (writes, with a reason) and login -> token -> list, against a started smoke app."""
    base = site.endpoints["https"]
    return {"chains": [
        {"name": "register", "steps": [
            {"name": "register", "method": "POST", "url": f"{base}/api/auth/register", "status": 201,
             "body": {"email": "smoke+new@lab.golive.test", "password": "not-a-real-one"}, "fields": ["$.id"],
             "writes": True, "reason": "the lab's production smoke user namespace", "time_limit_s": time_limit_s}]},
        {"name": "login-then-list",
         "credentials": {"password": {"env": "GOLIVE_SMOKE_PASSWORD_UNSET", "file": site.endpoints["password_file"]}},
         "steps": [
             {"name": "login", "method": "POST", "url": f"{base}/v1/auth/login", "writes": True,
              "reason": "login only issues a token for the smoke user", "time_limit_s": time_limit_s,
              "body": {"email": site.endpoints["user"], "password": "{password}"},
              "extract": {"token": "$.access_token"}},
             {"name": "list users", "url": f"{base}/v1/users?limit=5", "time_limit_s": time_limit_s,
              "headers": {"Authorization": "Bearer {token}"}, "fields": ["$.items", "$.items[0].id"]}]}]}


def _profile(lab_rt, section: dict) -> dict:
    lab_rt.ca()
    return profile_dict({"SMOKE": section}, trust={"ca_bundle": str(lab_rt.ca_file)})


def test_passes_on_the_compliant_app_and_never_shows_the_password(pytester, lab, lab_rt):
    site = lab("smoke")
    result = run_gate(pytester, _profile(lab_rt, smoke_section(site)), "smoke")
    assert result.verdict("SMOKE") == "passed", result.output[-3000:]
    attachments = result.attachments()
    password = open(site.endpoints["password_file"]).read().strip()
    assert password not in attachments and password not in result.output
    assert "the lab's production smoke user namespace" in attachments  # the evidence says it writes, and why
    assert '"extracted": [\n' in attachments or '"token"' in attachments


@pytest.mark.parametrize(("variant", "reason"), [
    ("wrong-status", "register / register (POST https://127.0.0.1:"),
    ("missing-field", "JSON field(s) missing: $.items, $.items[0].id"),
    ("slow", "no complete answer within 1 s (the step's time limit)"),
])
def test_fails_with_the_reason_on_each_broken_variant(pytester, lab, lab_rt, variant, reason):
    result = run_gate(pytester, _profile(lab_rt, smoke_section(lab("smoke", variant))), "smoke")
    assert result.verdict("SMOKE") == "non-compliant", result.output[-3000:]
    assert reason in result.messages("SMOKE")
    if variant == "wrong-status":
        assert "answered HTTP 200, expected 201" in result.messages("SMOKE")
    assert result.ret == 1


def test_a_wrong_password_breaks_the_chain_and_names_the_step_left_unrun(pytester, lab, lab_rt, tmp_path):
    site = lab("smoke")
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-password")
    section = smoke_section(site)
    section["chains"][1]["credentials"]["password"]["file"] = str(wrong)
    result = run_gate(pytester, _profile(lab_rt, section), "smoke")
    messages = result.messages("SMOKE")
    assert result.verdict("SMOKE") == "non-compliant"
    assert "login-then-list / login" in messages and "answered HTTP 401, expected 200" in messages
    assert "login-then-list / list users" in messages and "not run: step login failed" in messages


def test_fails_closed_when_the_credential_is_missing_or_the_app_is_down(pytester, lab, lab_rt, tmp_path):
    section = smoke_section(lab("smoke"))
    section["chains"] = section["chains"][1:]
    section["chains"][0]["credentials"]["password"]["file"] = str(tmp_path / "absent")
    result = run_gate(pytester, _profile(lab_rt, section), "smoke")
    assert result.verdict("SMOKE") == "could-not-observe", result.output[-3000:]
    assert "credential password is not set" in result.messages("SMOKE") and result.ret == 6
    secret = tmp_path / "password"
    secret.write_text("lab-secret-value")
    down = smoke_section(type("S", (), {"endpoints": {"https": f"https://127.0.0.1:{free_port()}",
                                                      "password_file": str(secret), "user": "x"}})())
    result = run_gate(pytester, _profile(lab_rt, down), "smoke")
    assert result.verdict("SMOKE") == "could-not-observe" and "connection failed" in result.messages("SMOKE")


def test_a_write_without_writes_true_and_a_reason_is_a_profile_error():
    from pydantic import ValidationError

    from golive.profile.items.smoke import SmokeSection
    step = {"name": "register", "method": "POST", "url": "https://api.example.com/api/auth/register"}
    with pytest.raises(ValidationError, match="runs only with writes: true"):
        SmokeSection(chains=[{"name": "c", "steps": [step]}])
    with pytest.raises(ValidationError, match="needs a reason"):
        SmokeSection(chains=[{"name": "c", "steps": [{**step, "writes": True}]}])
    with pytest.raises(ValidationError, match="uses token"):
        SmokeSection(chains=[{"name": "c", "steps": [{"name": "l", "url": "https://x.example/u",
                                                     "headers": {"Authorization": "Bearer {token}"}}]}])
