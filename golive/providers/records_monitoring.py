"""ALARMS, SECRETS and LOG-RETENTION records: what the clouds say about alarms, secret rotation and log keeping.

Providers return these (``providers.<cloud>.alarm_rules()``, ``alarm_actions()``, ``secret_rotations()``,
``vault_protections()``, ``log_retentions()``); golive.monitoring compares them with the profile. No secret
value is ever part of a record: rotation settings and dates only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: golive's comparison operators and the clouds' names for them
COMPARISONS: dict[str, str] = {
    "GreaterThanThreshold": ">", "GreaterThanOrEqualToThreshold": ">=", "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=", "GreaterThan": ">", "GreaterThanOrEqual": ">=", "LessThan": "<",
    "LessThanOrEqual": "<=", "Equals": "==", "NotEquals": "!=",
    ">": ">", ">=": ">=", "<": "<", "<=": "<=", "==": "==", "!=": "!=",
}


@dataclass(frozen=True)
class AlarmRule:
    """ALARMS: one alarm as configured (CloudWatch metric/composite alarm, Azure metric alert, Prometheus rule).

    cloud: aws | azure | kubernetes
    kind: metric-alarm | composite-alarm | metric-alert | prometheus-rule
    name: AlarmName / alert resource name / ``alert:`` of the rule
    metrics: the metric names it watches (several for metric math or a PromQL expression)
    namespace: CloudWatch Namespace / Azure metricNamespace (None for PromQL)
    resources: the names of the resources it watches (dimension values such as the ALB's name, Azure scopes'
        names, the rule's namespace)
    dimensions: CloudWatch Dimensions / Azure criterion dimensions / PromQL equality label matchers
    statistic: Statistic or ExtendedStatistic / timeAggregation (None for PromQL)
    comparison: one of COMPARISONS' values (">", ">=", "<", "<=", "==", "!="); None when not static
    threshold: the static threshold (None: dynamic thresholds, anomaly band, unparseable expression)
    period_s: the aggregation period (Period / windowSize / the PromQL range, e.g. rate(...[5m]))
    window_s: how long the condition must hold before it fires (Period x EvaluationPeriods / windowSize / for:)
    window_field: the setting(s) window_s comes from, for messages
    missing_data: TreatMissingData (AWS only; None where the platform has no such setting)
    enabled: alarm actions enabled / alert enabled (None: the API did not return it)
    (threshold, comparison, period_s, window_s, statistic: None with an empty ``expression`` means the API did
    not return the field: a blind spot naming it, never a pass or a breach)
    actions: targets notified when it fires (SNS topic ARNs, action group IDs); Prometheus: none (labels route)
    children: alarms a composite alarm's rule names
    labels: Prometheus rule labels (what Alertmanager routes on)
    state: current state where the API reports it (ALARM | OK | INSUFFICIENT_DATA)
    expression: the raw rule (composite AlarmRule, PromQL expr), for evidence only
    source: the API call and fields read
    """

    cloud: str
    kind: str
    name: str
    metrics: tuple[str, ...] = ()
    namespace: str | None = None
    resources: tuple[str, ...] = ()
    dimensions: dict[str, str] = field(default_factory=dict)
    statistic: str | None = None
    comparison: str | None = None
    threshold: float | None = None
    period_s: int | None = None
    window_s: int | None = None
    window_field: str = ""
    missing_data: str | None = None
    enabled: bool | None = True
    actions: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    state: str | None = None
    expression: str = ""
    source: str = ""
    where: str = ""  # the target it was read in, when the profile names several (issue 18)


@dataclass(frozen=True)
class AlarmAction:
    """ALARMS: a notification target an alarm can name, and whether it reaches anybody.

    kind: sns-topic | action-group | autoscaling | lambda | other
    target: the ARN / resource ID alarms name (compared case-insensitively for Azure IDs)
    exists: the target was found (None: not observable from here, e.g. another account)
    receivers: confirmed subscriptions / receivers of the action group
    pending: subscriptions awaiting confirmation (they receive nothing)
    enabled: the action group is enabled (SNS topics: always True)
    notifies: whether this kind of target can reach a person at all (SNS, action groups: yes)
    detail: receivers by protocol ("email x1"), for evidence; endpoints are not recorded
    """

    kind: str
    target: str
    exists: bool | None
    receivers: int = 0
    pending: int = 0
    enabled: bool = True
    notifies: bool = True
    detail: str = ""
    source: str = ""
    where: str = ""  # the target it was read in, when the profile names several (issue 18)

    @property
    def reaches_someone(self) -> bool:
        return bool(self.exists and self.notifies and self.enabled and self.receivers > 0)


@dataclass(frozen=True)
class SecretRotation:
    """SECRETS: how one secret or key is rotated (never its value).

    kind: secret (Secrets Manager) | kms-key | key-vault-secret
    store: the account/region or the Key Vault it lives in
    name: the secret's name / the key's ID; aliases: the key's aliases
    rotation_enabled: RotationEnabled / KeyRotationEnabled (None: not returned, or not a concept for Key Vault
        secrets)
    interval_days: rotation interval (RotationRules / RotationPeriodInDays; None when unknown)
    schedule: the schedule as written, when not a plain number of days (ScheduleExpression)
    last_rotated: LastRotatedDate / the secret's last update; created: CreatedDate
    expires: Key Vault attributes.exp (None: no expiry set)
    enabled: the secret is enabled (disabled Key Vault secrets are not served)
    """

    kind: str
    store: str
    name: str
    aliases: tuple[str, ...] = ()
    rotation_enabled: bool | None = None
    interval_days: int | None = None
    schedule: str | None = None
    last_rotated: dt.datetime | None = None
    created: dt.datetime | None = None
    expires: dt.datetime | None = None
    enabled: bool = True
    source: str = ""
    where: str = ""  # the target it was read in, when the profile names several (issue 18)


@dataclass(frozen=True)
class VaultProtection:
    """SECRETS: a key vault's protection against deletion (Azure Key Vault).

    soft_delete: enableSoftDelete (None: not reported); soft_delete_days: softDeleteRetentionInDays
    purge_protection: enablePurgeProtection is true (absent/null means off)
    """

    cloud: str
    name: str
    soft_delete: bool | None
    soft_delete_days: int | None
    purge_protection: bool
    source: str = ""
    where: str = ""  # the target it was read in, when the profile names several (issue 18)


@dataclass(frozen=True)
class LogRetention:
    """LOG-RETENTION: how long one log store keeps logs.

    kind: log-group (CloudWatch Logs) | workspace (Log Analytics)
    retention_days: the retention in days; None when the API did not return one
    never_expires: the logs are kept forever: CloudWatch Logs documents an absent retentionInDays as "never
        expire" (the AWS provider sets this); an absent retention elsewhere is not returned (a blind spot)
    """

    cloud: str
    kind: str
    name: str
    retention_days: int | None
    source: str = ""
    never_expires: bool = False
    where: str = ""  # the target it was read in, when the profile names several (issue 18)
