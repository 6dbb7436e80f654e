"""SECRETS: the secrets and keys the profile names rotate, and its key vaults cannot lose them.

Runbook 000 line 556 "Verify secrets rotation"; runbook 002 lines 270-281: Secrets Manager with automatic
rotation; Key Vault with soft delete and purge protection. Rotation settings and dates only: no secret value is
read (the providers refuse GetSecretValue and Key Vault's data plane).
"""

import datetime as dt

from golive import monitoring


def test_secrets_rotate_and_key_vaults_are_protected(section, profile, providers, evidence, judge):
    clouds = ({"aws"} if section.secrets or section.secret_prefixes or section.kms_keys else set()) | (
        {"azure"} if section.key_vaults else set())
    rotations = judge.saw(monitoring.records_from(providers, "secret_rotations", clouds, "SECRETS"))
    vaults = judge.saw(monitoring.records_from(providers, "vault_protections", clouds & {"azure"}, "SECRETS"))
    evidence.json("secret and key rotation observed (no values)", rotations)
    evidence.json("key vault protection observed", vaults)
    now = dt.datetime.now(dt.UTC)
    problems, unseen = monitoring.secret_verdict(section, rotations, now, all_read=not rotations.blind)
    judge.find(problems)
    judge.blind.extend(unseen)
    judge.record(monitoring.secret_facts(section, rotations, now))
    for vault in section.key_vaults:
        problems, unseen = monitoring.vault_verdict(vault, vaults, rotations, now, all_read=not vaults.blind)
        judge.find(problems)
        judge.blind.extend(unseen)
        judge.record(monitoring.vault_facts(vault, vaults, rotations, now))
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(judge.findings)} secret rotation/protection problem(s) on profile {profile.name}")
