"""Profile section of SECRETS: which secrets and keys must rotate, and which key vaults must be protected.

Runbook 000 line 556 "Verify secrets rotation", runbook 002 lines 270-281 (AWS: automatic rotation enabled;
Azure: Key Vault soft delete and purge protection). The runbooks give no rotation interval; the profile states it.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from golive.profile.base import TEN_YEARS_DAYS, Section


class KeyVaultExpectation(Section):
    name: str = Field(min_length=1)
    min_soft_delete_days: int = Field(default=7, ge=7, le=90, description="softDeleteRetentionInDays at least")
    secrets_expire: bool = Field(default=True, description="every enabled secret has an expiry date in the future")
    max_secret_age_days: int | None = Field(default=None, gt=0, le=TEN_YEARS_DAYS, description="a secret's last update at most this old")


class SecretsSection(Section):
    rotation_days: int = Field(gt=0, le=365, description="rotation interval at most, and last rotation at most "
                                                        "this long ago (Secrets Manager)")
    secrets: list[str] = Field(default_factory=list, description="Secrets Manager secret names")
    secret_prefixes: list[str] = Field(default_factory=list, description="every secret whose name starts so; a "
                                                                         "prefix matching none fails")
    kms_keys: list[str] = Field(default_factory=list, description="KMS key IDs or aliases (alias/...) whose "
                                                                  "automatic rotation must be on")
    key_vaults: list[KeyVaultExpectation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> SecretsSection:
        if not (self.secrets or self.secret_prefixes or self.kms_keys or self.key_vaults):
            raise ValueError("name at least one secret, prefix, KMS key or key vault (or declare the item "
                             "not_applicable)")
        return self
