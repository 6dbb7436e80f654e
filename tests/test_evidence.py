"""Evidence redaction: secrets a run knows, and secret-shaped strings in API answers, never reach a report."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote

import pytest

from gate import profile_dict, run_gate
from golive.bundle import summary_markdown
from golive.evidence import REDACTED, Redactor, credentials_in_use, secret_forms, secret_values_in, users_in


def test_known_secrets_and_secret_shapes_are_redacted_in_api_shaped_data():
    answer = {  # shaped like what providers read: tags, settings, descriptions, nested lists
        "DBInstanceIdentifier": "silenttalk-production-postgres",
        "MasterUserPassword": "canary-api-pw-111",
        "Tags": [{"Key": "note", "Value": "rotated; static-auth-secret=canary-turn-222"}],
        "siteConfig": {"appSettings": [{"name": "DB", "value": "Server=x;Password=canary-conn-333;"}],
                       "clientSecret": "canary-sp-444"},
        "description": "key AKIAABCDEFGHIJKLMNOP and Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.canary555",
        "pem": "-----BEGIN PRIVATE KEY-----\nMIIcanary666\n-----END PRIVATE KEY-----",
        "known": "the run's own secret canary-known-777 appears in a free-text field",
    }
    clean = str(Redactor(["canary-known-777"]).data(answer))
    for canary in ("canary-api-pw-111", "canary-turn-222", "canary-conn-333", "canary-sp-444",
                   "AKIAABCDEFGHIJKLMNOP", "canary555", "MIIcanary666", "canary-known-777"):
        assert canary not in clean, canary
    assert REDACTED in clean and "silenttalk-production-postgres" in clean


def test_profile_secrets_are_found_in_secret_keys_and_urls():
    raw = {"items": {"X": {"api_token": "tok-1", "url": "https://u:pw-2@h/p?sig=sig-3&page=2"}}}
    assert set(secret_values_in(raw)) == {"tok-1", "pw-2", "sig-3"}


# --- rules: secret values, never names or words; every encoding ----------------------------------------------
ODD = "Cy{}|^%/:@ü-Q7x"  # non-ASCII and URL-reserved characters


def test_every_encoding_of_a_secret_is_redacted():
    redactor = Redactor([ODD, "swer"], users=["golive-check"])
    for secret in (ODD, "swer"):
        for form in secret_forms(secret, ["golive-check"]):
            assert redactor.text(f"seen [{form}] here") == f"seen [{REDACTED}] here", form


def test_a_long_secret_is_redacted_inside_a_longer_base64_run():
    blob = base64.b64encode(b'{"auth":"golive-check:' + ODD.encode() + b'","n":1}').decode()
    clean = Redactor([ODD]).text(f"Authorization: Basic {blob}")
    assert REDACTED in clean
    for shift in range(3):  # the characters that encode only the secret are gone, whatever its alignment
        assert base64.b64encode(b"x" * shift + ODD.encode()).decode()[3:-4] not in clean


def test_a_short_secret_is_redacted_only_as_a_whole_token():
    clean = Redactor(["swer"]).text("answered HTTP 404 for /health/swer (swerve; swer)")
    assert clean == f"answered HTTP 404 for /health/{REDACTED} (swerve; {REDACTED})"


def test_names_words_and_settings_are_not_secrets():
    redactor = Redactor(["true", "abc"])  # a plain word and a too-short value are never matched
    text = "secret silenttalk-production/db-password: rotation disabled; use_token: true; abc"
    assert redactor.text(text) == text
    data = {"SecretId": "silenttalk-production/db-password", "api_token": "true", "token_ttl": "3600",
            "secret_name": "turn_shared_secret", "clientSecret": "s3cr3t-value"}
    assert redactor.data(data) == {**data, "clientSecret": REDACTED}


def test_secret_shapes_in_text_are_still_redacted():
    clean = Redactor().text("DB_PASSWORD=hunter22; https://golive:pw@db.example:5432/x; password: Zq9-long")
    assert "hunter22" not in clean and ":pw@" not in clean and "Zq9-long" not in clean
    assert "https://golive:" in clean and "db.example:5432" in clean


def test_profile_secrets_are_values_not_reference_names():
    raw = {"secrets": {"turn_shared_secret": {"env": "GOLIVE_TURN_SECRET"}},
           "items": {"TURN": {"secret": "turn_shared_secret", "user": "golive-check"},
                     "X": {"api_token": "true", "url": f"https://bob:{quote(ODD, safe='')}@h/p?token=tok-12345"}}}
    assert set(secret_values_in(raw)) == {quote(ODD, safe=""), ODD, "tok-12345"}
    assert set(users_in(raw)) == {"golive-check", "bob"}


def test_credentials_in_use_are_the_clients_variables_and_files(tmp_path):
    aws = tmp_path / "credentials"
    aws.write_text("[golive]\naws_access_key_id = AKIAFILEFILEFILEFILE\naws_secret_access_key = file-secret-123\n")
    env = {"AZURE_CLIENT_SECRET": "az-secret-456", "GITHUB_TOKEN": "word", "MY_API_TOKEN": "true",
           "KUBECONFIG": str(tmp_path / "none")}
    found = credentials_in_use(env, aws, "golive")
    assert set(found) == {"az-secret-456", "AKIAFILEFILEFILEFILE", "file-secret-123"}


# --- canaries through a real gate: HEALTH against the lab nginx ----------------------------------------------
URL_PASSWORD = "Pw{}|^%/:@ü-url-3e8a"  # by position: the password of the endpoints' URLs
ENV_SECRET = "Ev{ü}|^%:@/env-91b2"  # secrets.canary_env: {env: GOLIVE_CANARY_ENV}
FILE_SECRET = "Fi^|{ü}%2F:@file-c4d5"  # secrets.canary_file: {env: <unset>, file: ...}
SHORT_SECRET = "swer"  # secrets.canary_short: 4 characters, inside "answered" in every message


def test_gate_reports_carry_whole_messages_and_no_canary_in_any_encoding(pytester, lab, lab_rt, monkeypatch):
    monkeypatch.setenv("GOLIVE_CANARY_ENV", ENV_SECRET)
    monkeypatch.setenv("GOLIVE_CANARY_SHORT", SHORT_SECRET)
    monkeypatch.delenv("GOLIVE_CANARY_UNSET", raising=False)
    monkeypatch.setenv("GOLIVE_API_TOKEN", "health")  # not a credential any client uses: "health" is a word
    secret_file = pytester.path / "canary-secret"
    secret_file.write_text(FILE_SECRET + "\n", encoding="utf-8")
    base = lab("nginx").endpoints["https"].replace("https://", f"https://golive-check:{quote(URL_PASSWORD, safe='')}@")
    names = {"db-password": ENV_SECRET, "turn_shared_secret": FILE_SECRET, "GOLIVE_CANARY_ENV": SHORT_SECRET}
    profile = profile_dict({
        "HEALTH": {"timeout_s": 2.0, "endpoints": [
            {"name": name, "url": f"{base}/health/{quote(path, safe='')}", "contract": "silenttalk-api"}
            for name, path in names.items()]},
        "TURN": {"live": {"secret": "turn_shared_secret", "servers": [{"name": "turn-a", "host": "127.0.0.1"}]},
                 "firewall": {"not_applicable": "selftest: redaction only"}}},
        trust={"ca_bundle": str(lab_rt.ca_file)},
        secrets={"canary_env": {"env": "GOLIVE_CANARY_ENV"}, "canary_short": {"env": "GOLIVE_CANARY_SHORT"},
                 "turn_shared_secret": {"env": "GOLIVE_CANARY_UNSET", "file": str(secret_file)}})
    result = run_gate(pytester, profile, "health")
    assert result.verdict("HEALTH") == "non-compliant", result.output

    message = result.messages("HEALTH")  # whole: the headline and every finding, only secrets replaced
    assert "3 health contract breach(es) on profile selftest" in message.splitlines()[0], message
    for name in names:  # reference names, a secret's name and an env var name stay readable
        assert f"{name} (https://golive-check:{REDACTED}@127.0.0.1:" in message, message
    assert message.count("answered HTTP 404, expected 200") == 3 and "health" in message
    assert f"/health/{REDACTED}" in message and "Traceback" not in message
    junit = (pytester.path / "junit.xml").read_text(encoding="utf-8")
    allure_failure = [json.loads(p.read_text()) for p in result.allure_dir.glob("*-result.json")][0]
    for report in (junit, allure_failure["statusDetails"]["message"], result.output):
        assert "3 health contract breach(es)" in report and report.count("answered HTTP 404, expected 200") >= 3

    written = result.output + summary_markdown(result.summary, []) + "".join(p.read_text(encoding="utf-8", errors="replace")
                                      for p in sorted(pytester.path.rglob("*")) if p.is_file() and p != secret_file
                                      and p.name != "profile.yaml")
    for canary in (URL_PASSWORD, ENV_SECRET, FILE_SECRET):
        for form in secret_forms(canary, ["golive-check"]):
            assert form not in written, (canary, form)
    for form in secret_forms(SHORT_SECRET, ["golive-check"]):
        assert not re.search(rf"(?<![A-Za-z0-9]){re.escape(form)}(?![A-Za-z0-9])", written), form
    assert "answered" in written and "turn_shared_secret" in written


def test_a_long_secret_cut_short_by_a_truncating_repr_is_redacted():
    from _pytest._io.saferepr import saferepr
    cut = saferepr(["x" * 80 + quote(ODD, safe="") + "y" * 150])  # pytest's repr of a long argument
    assert "..." in cut and quote(ODD, safe="")[:6] in cut
    assert quote(ODD, safe="")[:6] not in Redactor([ODD]).text(cut)
    tail = saferepr(["x" * 150 + quote(ODD, safe="") + "y" * 80])
    assert quote(ODD, safe="")[-6:] in tail and quote(ODD, safe="")[-6:] not in Redactor([ODD]).text(tail)


def test_the_message_of_a_text_longrepr_is_its_exception_not_a_traceback_tail():
    from golive.plugin import _message
    text = ("def test(): ...\n>       require(problems, headline)\nE   AssertionError: NON-COMPLIANT: 2 breaches\n"
            "E     - one\nE     - two\n\ncheck.py:9: AssertionError\n" + "  frame line\n" * 200)
    report = pytest.TestReport("checks/test_x.py::test", ("checks/test_x.py", 1, "test"), {}, "failed", text, "call")
    assert _message(report) == "AssertionError: NON-COMPLIANT: 2 breaches\n  - one\n  - two"
