"""SECRETS proven both ways on the emulated clouds: Secrets Manager rotation and KMS key rotation (AWS), Key Vault
soft delete, purge protection and secret expiry (Azure); no secret value is read or attached."""

from __future__ import annotations

import datetime as dt

import pytest

from gate import run_gate
from golive import monitoring
from golive.profile.items.secrets import KeyVaultExpectation, SecretsSection
from golive.providers.records_monitoring import SecretRotation, VaultProtection
from monitoring_profiles import PROVIDERS, aws_restricted, profile, section

AWS_ONLY = {"key_vaults": []}
AZURE_ONLY = {"secrets": [], "secret_prefixes": [], "kms_keys": []}


def _run(pytester, lab, cloud, variant="compliant", **over):
    body = section("SECRETS", **(AWS_ONLY if cloud == "aws" else AZURE_ONLY), **over)
    return run_gate(pytester, profile("SECRETS", body, PROVIDERS[cloud](lab(cloud, variant))), "secrets")


@pytest.mark.parametrize("cloud", ["aws", "azure"])
def test_passes_on_the_compliant_shapes_without_reading_a_value(pytester, lab, cloud):
    result = _run(pytester, lab, cloud)
    assert result.verdict("SECRETS") == "passed", result.output
    assert "lab-only" not in result.attachments()  # the seeded secret value never leaves the emulator


BROKEN = [
    ("aws", "secrets-rotation-broken", (
        "secret silenttalk-production/database: rotation is off (RotationEnabled false)",
        "secret silenttalk-production/jwt: rotation interval is 90 days; profile allows 30",
        "KMS key alias/silenttalk-production-secrets: automatic rotation is off")),
    ("azure", "kv-no-purge-protection", ("key vault silenttalk-kv: purge protection is off",)),
    ("azure", "kv-secret-no-expiry", ("secret jwt-secret: no expiry date (attributes.exp unset)",)),
]


@pytest.mark.parametrize(("cloud", "variant", "reasons"), BROKEN, ids=[v for _, v, _ in BROKEN])
def test_fails_naming_the_field_on_each_broken_variant(pytester, lab, cloud, variant, reasons):
    result = _run(pytester, lab, cloud, variant)
    assert result.verdict("SECRETS") == "non-compliant", result.output
    for reason in reasons:
        assert reason in result.messages("SECRETS"), result.messages("SECRETS")


def test_soft_delete_retention_below_the_profile_fails(pytester, lab):
    result = _run(pytester, lab, "azure", "kv-soft-delete-7d", key_vaults=[{"name": "silenttalk-kv",
                                                                           "min_soft_delete_days": 90}])
    assert result.verdict("SECRETS") == "non-compliant"
    assert "soft-delete retention is 7 days; profile asks for 90" in result.messages("SECRETS")


def test_a_missing_secret_and_an_unreachable_api(pytester, lab):
    result = _run(pytester, lab, "aws", secrets=["silenttalk-production/nope"])
    assert "secret silenttalk-production/nope: does not exist" in result.messages("SECRETS")
    faults = lab("faults", "server-error")
    aws = PROVIDERS["aws"](lab("aws"))
    aws["aws"]["endpoint_url"] = faults.endpoints["http"]
    result = run_gate(pytester, profile("SECRETS", section("SECRETS", **AWS_ONLY), aws), "secrets")
    assert result.verdict("SECRETS") == "could-not-observe", result.output
    assert "secretsmanager:ListSecrets" in result.messages("SECRETS")


def test_last_rotation_and_expiry_dates_without_a_network():
    now = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    old = now - dt.timedelta(days=45)
    section_ = SecretsSection(rotation_days=30, secrets=["a", "b"])
    found = [SecretRotation(kind="secret", store="r", name="a", rotation_enabled=True, interval_days=30, last_rotated=old),
             SecretRotation(kind="secret", store="r", name="b", rotation_enabled=True, interval_days=None,
                            schedule="cron(0 0 ? * MON *)", created=now)]
    problems = monitoring.secret_problems(section_, found, now)
    assert "secret a: last rotation 45 days ago (2025-04-17); profile allows 30 days" in problems
    assert "secret b: rotation interval cannot be determined from 'cron(0 0 ? * MON *)'" in problems
    vault = VaultProtection(cloud="azure", name="kv", soft_delete=True, soft_delete_days=90, purge_protection=True)
    expired = SecretRotation(kind="key-vault-secret", store="kv", name="s", expires=old, last_rotated=old)
    assert monitoring.vault_problems(KeyVaultExpectation(name="kv", max_secret_age_days=30), [vault], [expired], now) == [
        "key vault kv secret s: expired 2025-04-17", "key vault kv secret s: last changed 45 days ago; profile allows 30 days"]


def _restricted(pytester, lab, variant, deny):
    return run_gate(pytester, profile("SECRETS", section("SECRETS", **AWS_ONLY), aws_restricted(lab("aws", variant), deny)), "secrets")


def test_a_reader_denied_one_call_still_reports_the_breaches_it_can_see(pytester, lab):
    result = _restricted(pytester, lab, "secrets-rotation-broken", ["kms:GetKeyRotationStatus"])
    text = result.messages("SECRETS")
    assert result.verdict("SECRETS") == "non-compliant" and result.ret == 1, result.output
    assert "secret silenttalk-production/database: rotation is off" in text, text
    assert "secret silenttalk-production/jwt: rotation interval is 90 days" in text, text
    assert "kms:GetKeyRotationStatus" in text and "KMS key alias/silenttalk-production-secrets" in text, text
    assert "automatic rotation is off" not in text  # the key's rotation was not read: unseen, not off
    assert any("GetKeyRotationStatus" in b for b in result.summary["items"]["SECRETS"]["blind_spots"])


def test_a_reader_denied_the_key_rotation_on_a_compliant_account_is_could_not_observe(pytester, lab):
    result = _restricted(pytester, lab, "compliant", ["kms:GetKeyRotationStatus"])
    assert result.verdict("SECRETS") == "could-not-observe" and result.ret == 6, result.output
    assert "kms:GetKeyRotationStatus" in result.messages("SECRETS")


def test_fields_not_returned_and_unseen_resources_are_blind_spots():
    now = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    key = SecretRotation(kind="kms-key", store="r", name="k1", aliases=("alias/k",), rotation_enabled=None)
    problems, blind = monitoring.secret_verdict(SecretsSection(rotation_days=30, kms_keys=["alias/k"]), [key], now)
    assert problems == [] and blind[0].what == "KeyRotationEnabled of KMS key alias/k"
    problems, blind = monitoring.secret_verdict(SecretsSection(rotation_days=30, secrets=["gone"]), [], now,
                                                all_read=False)
    assert problems == [] and blind[0].what == "secret gone"
    vault = VaultProtection(cloud="azure", name="kv", soft_delete=None, soft_delete_days=None, purge_protection=True)
    problems, blind = monitoring.vault_verdict(KeyVaultExpectation(name="kv"), [vault], [], now)
    assert problems == [] and blind[0].what == "enableSoftDelete of key vault kv"
