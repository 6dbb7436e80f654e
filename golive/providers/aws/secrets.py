"""Secrets Manager rotation and KMS key rotation (SECRETS). Describes only: no secret value is read."""

from __future__ import annotations

import re
from typing import Any

from golive.providers.records_monitoring import SecretRotation

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


def secret_rotations(aws: Any) -> list[SecretRotation]:
    where = f"{aws.config.region}"
    out: list[SecretRotation] = []
    for secret in aws.read("secretsmanager", "ListSecrets").get("SecretList") or []:
        interval, schedule = _interval_days(secret.get("RotationRules") or {})
        out.append(SecretRotation(
            kind="secret", store=where, name=secret["Name"], rotation_enabled=bool(secret.get("RotationEnabled")),
            interval_days=interval, schedule=schedule, last_rotated=secret.get("LastRotatedDate"),
            created=secret.get("CreatedDate"), enabled=secret.get("DeletedDate") is None,
            source="secretsmanager:ListSecrets RotationEnabled, RotationRules, LastRotatedDate"))
    aliases: dict[str, list[str]] = {}
    for alias in aws.read("kms", "ListAliases").get("Aliases") or []:
        if alias.get("TargetKeyId"):
            aliases.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    for key in aws.read("kms", "ListKeys").get("Keys") or []:
        meta = aws.read("kms", "DescribeKey", KeyId=key["KeyId"])["KeyMetadata"]
        if meta.get("KeyManager") == "AWS" or meta.get("KeyState") != "Enabled" or \
                meta.get("KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
            continue  # AWS-managed keys rotate yearly by themselves; only symmetric keys can rotate
        status = aws.read("kms", "GetKeyRotationStatus", KeyId=key["KeyId"])
        out.append(SecretRotation(
            kind="kms-key", store=where, name=key["KeyId"], aliases=tuple(aliases.get(key["KeyId"], ())),
            rotation_enabled=bool(status.get("KeyRotationEnabled")), interval_days=status.get("RotationPeriodInDays"),
            created=meta.get("CreationDate"),
            source="kms:ListKeys, DescribeKey, GetKeyRotationStatus KeyRotationEnabled, RotationPeriodInDays"))
    return out
