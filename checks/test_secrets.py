"""SECRETS: the secrets and keys the profile names rotate, and its key vaults cannot lose them.

Runbook 000 line 556 "Verify secrets rotation"; runbook 002 lines 270-281: Secrets Manager with automatic
rotation; Key Vault with soft delete and purge protection. Rotation settings and dates only: no secret value is
read (the providers refuse GetSecretValue and Key Vault's data plane).
"""

import datetime as dt
from dataclasses import replace

from golive import monitoring
from golive.compare.targets import named, spot


def test_secrets_rotate_and_key_vaults_are_protected(section, profile, providers, evidence, judge):
    clouds = ({"aws"} if section.secrets or section.secret_prefixes or section.kms_keys else set()) | (
        {"azure"} if section.key_vaults else set())
    rotations = judge.saw(monitoring.records_from(providers, "secret_rotations", clouds, "SECRETS"))
    vaults = judge.saw(monitoring.records_from(providers, "vault_protections", clouds & {"azure"}, "SECRETS"))
    evidence.json("secret and key rotation observed (no values)", rotations)
    evidence.json("key vault protection observed", vaults)
    now = dt.datetime.now(dt.UTC)
    for where, here, mine, theirs in monitoring.secret_targets(section, rotations, vaults):  # per target (issue 18)
        verdicts = [(monitoring.secret_verdict(here, mine, now, all_read=not mine.blind),
                     monitoring.secret_facts(here, mine, now))]
        verdicts += [(monitoring.vault_verdict(vault, theirs, mine, now, all_read=not theirs.blind),
                      monitoring.vault_facts(vault, theirs, mine, now)) for vault in here.key_vaults]
        for (problems, unseen), facts in verdicts:
            judge.find([named(where, p) for p in problems])
            judge.blind.extend(spot(where, b) for b in unseen)
            judge.record([replace(f, resource=named(where, f.resource)) for f in facts])
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(judge.findings)} secret rotation/protection problem(s) on profile {profile.name}")
