"""Records for ALARMS, SECRETS and LOG-RETENTION from the reads of monitor.py, keyvault.py and logs.py:
metric alerts and action groups, Key Vault protection and secrets' attributes (never values), workspace retention.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from golive.providers.azure import keyvault, logs, monitor
from golive.providers.azure.core import records
from golive.providers.records_monitoring import (
    COMPARISONS,
    AlarmAction,
    AlarmRule,
    LogRetention,
    SecretRotation,
    VaultProtection,
)
from golive.verdict import Records, each

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def iso_seconds(text: str | None) -> int | None:
    """ISO 8601 durations as ARM writes them (PT5M, PT1H, P1D) in seconds; None when absent or unknown."""
    match = _DURATION.match(text or "")
    if not text or not match:
        return None
    d, h, m, s = (int(x or 0) for x in match.groups())
    return ((d * 24 + h) * 60 + m) * 60 + s


def _name(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


@records("alarm_rules")
def metric_alert_rules(az: Any) -> list[AlarmRule]:
    out: list[AlarmRule] = []
    for alert in monitor.metric_alerts(az):
        props = alert.get("properties", alert)
        window = iso_seconds(props.get("windowSize"))
        for criterion in (props.get("criteria") or {}).get("allOf") or []:
            static = criterion.get("criterionType", "StaticThresholdCriterion") == "StaticThresholdCriterion"
            dimensions = {d["name"]: ",".join(d.get("values") or []) for d in criterion.get("dimensions") or []}
            out.append(AlarmRule(
                cloud="azure", kind="metric-alert", name=alert["name"],
                metrics=(criterion["metricName"],) if criterion.get("metricName") else (),
                namespace=criterion.get("metricNamespace") or props.get("targetResourceType"),
                resources=tuple(_name(s) for s in props.get("scopes") or []), dimensions=dimensions,
                statistic=criterion.get("timeAggregation"),
                comparison=COMPARISONS.get(criterion.get("operator", "")) if static else None,
                threshold=criterion.get("threshold") if static else None, period_s=window, window_s=window,
                window_field=f"windowSize {props.get('windowSize')} (evaluated every "
                             f"{props.get('evaluationFrequency')})",
                enabled=bool(props.get("enabled")), actions=tuple(a["actionGroupId"] for a in props.get("actions") or []),
                expression="" if static else f"{criterion.get('criterionType')} sensitivity "
                                             f"{criterion.get('alertSensitivity')}",
                source="Microsoft.Insights/metricAlerts criteria.allOf, windowSize, enabled, actions"))
    return out


@records("alarm_actions")
def action_group_targets(az: Any) -> list[AlarmAction]:
    out: list[AlarmAction] = []
    for group in monitor.action_groups(az):
        props = group.get("properties", group)
        receivers = {key[: -len("Receivers")]: len(value) for key, value in props.items()
                     if key.endswith("Receivers") and isinstance(value, list) and value}
        out.append(AlarmAction(kind="action-group", target=group["id"], exists=True,
                               receivers=sum(receivers.values()), enabled=bool(props.get("enabled", True)),
                               detail=", ".join(f"{k} x{n}" for k, n in sorted(receivers.items())),
                               source="Microsoft.Insights/actionGroups *Receivers, enabled"))
    return out


def _when(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@records("vault_protections")
def key_vault_protections(az: Any) -> list[VaultProtection]:
    out = []
    for vault in keyvault.vaults(az):
        props = vault.get("properties", {})
        out.append(VaultProtection(cloud="azure", name=vault["name"], soft_delete=props.get("enableSoftDelete"),
                                   soft_delete_days=props.get("softDeleteRetentionInDays"),
                                   purge_protection=props.get("enablePurgeProtection") is True,
                                   source="Microsoft.KeyVault/vaults enableSoftDelete, softDeleteRetentionInDays, "
                                          "enablePurgeProtection"))
    return out


@records("secret_rotations")
def key_vault_secrets(az: Any) -> Records:
    """Each vault's secrets read on their own: a vault whose secrets cannot be listed is a blind spot."""
    return each([v["name"] for v in keyvault.vaults(az)], lambda vault: _vault_secrets(az, vault))


def _vault_secrets(az: Any, vault: str) -> list[SecretRotation]:
    out = []
    for secret in keyvault.secrets(az, vault):
        attributes = (secret.get("properties") or {}).get("attributes") or {}
        out.append(SecretRotation(
            kind="key-vault-secret", store=vault, name=secret["name"],
            last_rotated=_when(attributes.get("updated")), created=_when(attributes.get("created")),
            expires=_when(attributes.get("exp")), enabled=attributes.get("enabled", True) is not False,
            source="Microsoft.KeyVault/vaults/secrets properties.attributes (exp, created, updated, enabled)"))
    return out


@records("log_retentions")
def workspace_retentions(az: Any) -> list[LogRetention]:
    return [LogRetention(cloud="azure", kind="workspace", name=w["name"],
                         retention_days=(w.get("properties") or {}).get("retentionInDays"),
                         source="Microsoft.OperationalInsights/workspaces retentionInDays")
            for w in logs.workspaces(az)]
