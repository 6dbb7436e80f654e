"""Secrets Manager rotation and KMS key rotation (SECRETS). Describes only: no secret value is read."""

from __future__ import annotations

import re
from typing import Any

from golive.providers.records_monitoring import SecretRotation
from golive.verdict import CouldNotObserve, Records, collect, each

PROVIDES = ("secret_rotations",)

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(day|days|hour|hours)\s*\)$")


def _interval_days(rules: dict[str, Any]) -> tuple[int | None, str | None]:
    """RotationRules as days: AutomaticallyAfterDays, or a rate() ScheduleExpression (cron: unknown here)."""
    schedule = rules.get("ScheduleExpression")
    if schedule:
        rate = _RATE.match(schedule.strip())
        if rate:
            n, unit = int(rate.group(1)), rate.group(2)
            return (n if unit.startswith("day") else max(1, -(-n // 24))), schedule
        return None, schedule
    days = rules.get("AutomaticallyAfterDays")
    return (int(days) if days else None), None


def secret_rotations(aws: Any) -> Records:
    """Secrets Manager secrets and customer KMS keys, each read on its own (one denied call blinds only its part)."""
    return collect(aws, _secrets, _kms_keys)


def _secrets(aws: Any) -> list[SecretRotation]:
    out: list[SecretRotation] = []
    for secret in aws.read("secretsmanager", "ListSecrets").get("SecretList") or []:
        interval, schedule = _interval_days(secret.get("RotationRules") or {})
        # AWS documents an absent RotationEnabled as "never configured for rotation" (DescribeSecret: "If the
        # secret has never been configured for rotation, Secrets Manager returns null"): rotation is off
        out.append(SecretRotation(
            kind="secret", store=f"{aws.config.region}", name=secret["Name"],
            rotation_enabled=bool(secret.get("RotationEnabled")),
            interval_days=interval, schedule=schedule, last_rotated=secret.get("LastRotatedDate"),
            created=secret.get("CreatedDate"), enabled=secret.get("DeletedDate") is None,
            source="secretsmanager:ListSecrets RotationEnabled, RotationRules, LastRotatedDate"))
    return out


def _kms_keys(aws: Any) -> Records:
    found = Records()
    aliases: dict[str, list[str]] = {}
    try:
        for alias in aws.read("kms", "ListAliases").get("Aliases") or []:
            if alias.get("TargetKeyId"):
                aliases.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    except CouldNotObserve as exc:  # keys are still judged by ID; a key the profile names by alias is unseen
        found.blind.extend(exc.blind)
    keys = aws.read("kms", "ListKeys").get("Keys") or []
    found.add(each(keys, lambda key: _kms_key(aws, key["KeyId"], tuple(aliases.get(key["KeyId"], ())))))
    return found


def _kms_key(aws: Any, key_id: str, aliases: tuple[str, ...]) -> list[SecretRotation]:
    meta = aws.read("kms", "DescribeKey", KeyId=key_id)["KeyMetadata"]
    if meta.get("KeyManager") == "AWS" or meta.get("KeyState") != "Enabled" or \
            meta.get("KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
        return []  # AWS-managed keys rotate yearly by themselves; only symmetric keys can rotate
    status = aws.read("kms", "GetKeyRotationStatus", KeyId=key_id)
    enabled = status.get("KeyRotationEnabled")
    return [SecretRotation(
        kind="kms-key", store=f"{aws.config.region}", name=key_id, aliases=aliases,
        rotation_enabled=None if enabled is None else bool(enabled), interval_days=status.get("RotationPeriodInDays"),
        created=meta.get("CreationDate"),
        source="kms:ListKeys, DescribeKey, GetKeyRotationStatus KeyRotationEnabled, RotationPeriodInDays")]
