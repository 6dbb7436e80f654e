"""ALARMS, SECRETS and LOG-RETENTION comparisons: records (golive.providers.records_monitoring) against the
profile's sections. Pure functions, no network; each problem names the field, the value seen and the runbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from golive.profile.items.alarms import AlarmsSection, ExpectedAlarm
from golive.profile.items.log_retention import LogRetentionSection
from golive.profile.items.secrets import KeyVaultExpectation, SecretsSection
from golive.providers.records_monitoring import (
    AlarmAction,
    AlarmRule,
    LogRetention,
    SecretRotation,
    VaultProtection,
)
from golive.verdict import CouldNotObserve

UPWARD, DOWNWARD = (">", ">="), ("<", "<=")


def records_from(providers: Any, kind: str, clouds: Iterable[str], item: str) -> list[Any]:
    """Records of one kind from the clouds the section names (a cloud the profile lacks is blindness)."""
    out: list[Any] = []
    for cloud in sorted(set(clouds)):
        provider = getattr(providers, cloud)
        if provider is None:
            raise CouldNotObserve(f"{cloud} ({item})", f"the {item} section names {cloud} resources but the profile "
                                                       f"has no providers.{cloud}; add it")
        read = getattr(provider, kind, None)
        if read is not None:
            out.extend(read())
    return out


def _num(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


# --- ALARMS --------------------------------------------------------------------------------------------------
def candidates(expected: ExpectedAlarm, rules: Iterable[AlarmRule]) -> list[AlarmRule]:
    """The alarms that may be the one the profile means: by name when it names one, else by metric and resource."""
    mine = [r for r in rules if r.cloud == expected.cloud and r.kind != "composite-alarm"]
    if expected.alarm is not None:
        return [r for r in mine if r.name == expected.alarm]
    return [r for r in mine if expected.metric in r.metrics
            and (expected.namespace is None or r.namespace == expected.namespace)
            and (expected.resource is None or expected.resource in r.resources)]


def _threshold_problem(expected: ExpectedAlarm, rule: AlarmRule, runbook: str) -> str | None:
    want = expected.absolute_threshold
    said = (f"{expected.comparison} {_num(expected.threshold)} % of {_num(expected.of_maximum)} (= {_num(want)})"
            if expected.of_maximum is not None else f"{expected.comparison} {_num(want)}")
    if rule.comparison is None or rule.threshold is None:
        return f"threshold is not static ({rule.expression or 'dynamic'}); runbook {runbook} says {said}"
    same_direction = (
        (expected.comparison in UPWARD and rule.comparison in UPWARD)
        or (expected.comparison in DOWNWARD and rule.comparison in DOWNWARD)
        or expected.comparison == rule.comparison == "==")
    if not same_direction:
        return f"comparison is {rule.comparison} {_num(rule.threshold)}; runbook {runbook} says {said}"
    if expected.comparison == "==":
        looser = rule.threshold != want
    elif expected.comparison in UPWARD:  # fires no later than the profile's: lower bar, or same bar inclusive
        looser = rule.threshold > want or (rule.threshold == want and rule.comparison == ">" and expected.comparison == ">=")
    else:
        looser = rule.threshold < want or (rule.threshold == want and rule.comparison == "<" and expected.comparison == "<=")
    if looser:
        return f"threshold is {rule.comparison} {_num(rule.threshold)} (looser); runbook {runbook} says {said}"
    return None


def rule_problems(expected: ExpectedAlarm, rule: AlarmRule, runbook: str) -> list[str]:
    """How one alarm differs from the profile's (configuration only; wiring is ``wiring_problems``)."""
    out: list[str] = []
    if expected.metric not in rule.metrics:
        out.append(f"metric is {', '.join(rule.metrics) or 'none'}; runbook {runbook} ({expected.says}) watches "
                   f"{expected.metric}")
    if expected.namespace is not None and rule.namespace != expected.namespace:
        out.append(f"namespace is {rule.namespace}; profile says {expected.namespace}")
    if expected.resource is not None and expected.resource not in rule.resources:
        out.append(f"resource is {', '.join(rule.resources) or 'none'}; profile says {expected.resource}")
    for key, value in expected.dimensions.items():
        if rule.dimensions.get(key) != value:
            out.append(f"dimension {key} is {rule.dimensions.get(key)!r}; profile says {value!r}")
    if expected.statistic is not None and (rule.statistic or "").lower() != expected.statistic.lower():
        out.append(f"statistic is {rule.statistic}; profile says {expected.statistic}")
    problem = _threshold_problem(expected, rule, runbook)
    if problem:
        out.append(problem)
    if expected.period_s is not None and rule.period_s != expected.period_s:
        out.append(f"period is {rule.period_s} s; runbook {runbook} says {expected.period_s} s")
    if expected.window_s is not None and rule.window_s != expected.window_s:
        out.append(f"window ({rule.window_field or 'period'}) is {rule.window_s} s; runbook {runbook} says "
                   f"{expected.window_s} s ({expected.says})")
    if (expected.missing_data is not None and rule.missing_data is not None
            and rule.missing_data not in expected.missing_data):
        out.append(f"missing-data treatment is {rule.missing_data}; profile allows {', '.join(expected.missing_data)}")
    if not rule.enabled:
        out.append("alarm is disabled (actions/alert not enabled): it notifies nobody")
    return out


def wiring_problems(rule: AlarmRule, rules: Iterable[AlarmRule], actions: dict[str, AlarmAction],
                    section: AlarmsSection) -> list[str]:
    """Nobody is told: no action, or every action's target missing, unsubscribed, without receivers."""
    if not section.require_actions:
        return []
    if rule.kind == "prometheus-rule":
        missing = {k: v for k, v in section.alertmanager_route.items() if rule.labels.get(k) != v}
        return [f"labels lack {', '.join(f'{k}={v}' for k, v in missing.items())} (what Alertmanager routes "
                f"to the on-call receiver on): labels are {rule.labels}"] if missing else []
    if reaches(rule, actions):
        return []
    parents = [c for c in rules if c.kind == "composite-alarm" and rule.name in c.children and c.enabled]
    if any(reaches(c, actions) for c in parents):
        return []
    if not rule.actions:
        via = f" (nor does composite {', '.join(c.name for c in parents)})" if parents else ""
        return [f"actions: none; the alarm notifies nobody{via}"]
    return [f"action {why}" for target in rule.actions for why in [_why_silent(target, actions)] if why]


def reaches(rule: AlarmRule, actions: dict[str, AlarmAction]) -> bool:
    return rule.enabled and any(actions.get(t.lower()) is not None and actions[t.lower()].reaches_someone
                                for t in rule.actions)


def _why_silent(target: str, actions: dict[str, AlarmAction]) -> str | None:
    found = actions.get(target.lower())
    if found is None or found.exists is False:
        return f"{target}: target does not exist"
    if found.exists is None:
        return f"{target}: target cannot be observed from this account ({found.detail})"
    if not found.notifies:
        return f"{target}: a {found.kind} action notifies nobody"
    if not found.enabled:
        return f"{target}: {found.kind} is disabled"
    if found.receivers == 0:
        what = "subscription" if found.kind == "sns-topic" else "receiver"
        pending = f" ({found.pending} pending confirmation)" if found.pending else ""
        return f"{target}: {found.kind} has no confirmed {what}{pending}"
    return None


def alarm_verdict(expected: ExpectedAlarm, rules: list[AlarmRule], actions: dict[str, AlarmAction],
                  section: AlarmsSection) -> tuple[AlarmRule | None, list[str]]:
    """The alarm judged for ``expected`` (the best candidate) and its problems, each prefixed with the alarm."""
    runbook = expected.runbook or section.runbook
    head = f"{expected.cloud} {expected.name} ({expected.says})"
    found = candidates(expected, rules)
    if not found:
        by = f"named {expected.alarm}" if expected.alarm else (
            f"on {expected.metric}" + (f" of {expected.resource}" if expected.resource else ""))
        return None, [f"{head}: missing: no alarm {by}; runbook {runbook} asks for one"]
    judged = sorted(((rule_problems(expected, r, runbook) + wiring_problems(r, rules, actions, section), r)
                     for r in found), key=lambda pr: len(pr[0]))
    problems, rule = judged[0]
    return rule, [f"{head}: alarm {rule.name}: {p}" for p in problems]


def action_map(actions: Iterable[AlarmAction]) -> dict[str, AlarmAction]:
    return {a.target.lower(): a for a in actions}


def firing(rules: Iterable[AlarmRule]) -> list[str]:
    return [f"{r.cloud} {r.name} is in state {r.state}" for r in rules if (r.state or "").upper() == "ALARM"]


# --- SECRETS ---------------------------------------------------------------------------------------------------
def _days(delta: dt.timedelta) -> str:
    return f"{delta.total_seconds() / 86400:.0f} days"


def secret_problems(section: SecretsSection, found: list[SecretRotation], now: dt.datetime) -> list[str]:
    """Secrets Manager secrets and KMS keys the profile names: rotation on, interval and last rotation in bounds."""
    out: list[str] = []
    secrets = {s.name: s for s in found if s.kind == "secret"}
    wanted = list(section.secrets)
    for prefix in section.secret_prefixes:
        matching = sorted(n for n in secrets if n.startswith(prefix))
        if not matching:
            out.append(f"no Secrets Manager secret starts with {prefix!r}")
        wanted += [n for n in matching if n not in wanted]
    limit = dt.timedelta(days=section.rotation_days)
    for name in wanted:
        secret = secrets.get(name)
        if secret is None:
            out.append(f"secret {name}: does not exist in Secrets Manager")
            continue
        if not secret.rotation_enabled:
            out.append(f"secret {name}: rotation is off (RotationEnabled false); runbook 002 asks for automatic "
                       f"rotation every {section.rotation_days} days at most")
            continue
        if secret.interval_days is None:
            out.append(f"secret {name}: rotation interval cannot be determined from {secret.schedule!r}")
        elif secret.interval_days > section.rotation_days:
            out.append(f"secret {name}: rotation interval is {secret.interval_days} days; profile allows "
                       f"{section.rotation_days}")
        last, what = (secret.last_rotated, "last rotation") if secret.last_rotated else (secret.created, "created, never rotated,")
        if last is None:
            out.append(f"secret {name}: no last rotation date")
        elif now - last > limit:
            out.append(f"secret {name}: {what} {_days(now - last)} ago ({last:%Y-%m-%d}); profile allows "
                       f"{section.rotation_days} days")
    keys = [k for k in found if k.kind == "kms-key"]
    for ref in section.kms_keys:
        key = next((k for k in keys if ref in (k.name, *k.aliases) or k.name.endswith(f"/{ref}")), None)
        if key is None:
            out.append(f"KMS key {ref}: does not exist")
        elif not key.rotation_enabled:
            out.append(f"KMS key {ref}: automatic rotation is off (KeyRotationEnabled false)")
        elif key.interval_days is not None and key.interval_days > 365:
            out.append(f"KMS key {ref}: rotation period is {key.interval_days} days; at most 365")
    return out


def vault_problems(expected: KeyVaultExpectation, vaults: list[VaultProtection], secrets: list[SecretRotation],
                   now: dt.datetime) -> list[str]:
    """One Key Vault: soft delete and purge protection on (runbook 002 line 280), its secrets expire."""
    vault = next((v for v in vaults if v.name == expected.name), None)
    if vault is None:
        return [f"key vault {expected.name}: does not exist"]
    out: list[str] = []
    if vault.soft_delete is not True:
        out.append(f"key vault {vault.name}: soft delete is {'off' if vault.soft_delete is False else 'not reported'} "
                   f"(enableSoftDelete {vault.soft_delete}); runbook 002 asks for it")
    elif vault.soft_delete_days is not None and vault.soft_delete_days < expected.min_soft_delete_days:
        out.append(f"key vault {vault.name}: soft-delete retention is {vault.soft_delete_days} days; profile asks "
                   f"for {expected.min_soft_delete_days}")
    if not vault.purge_protection:
        out.append(f"key vault {vault.name}: purge protection is off (enablePurgeProtection not true); runbook 002 "
                   f"asks for it")
    for secret in (s for s in secrets if s.kind == "key-vault-secret" and s.store == vault.name and s.enabled):
        if expected.secrets_expire and secret.expires is None:
            out.append(f"key vault {vault.name} secret {secret.name}: no expiry date (attributes.exp unset)")
        elif expected.secrets_expire and secret.expires is not None and secret.expires <= now:
            out.append(f"key vault {vault.name} secret {secret.name}: expired {secret.expires:%Y-%m-%d}")
        if (expected.max_secret_age_days is not None and secret.last_rotated is not None
                and now - secret.last_rotated > dt.timedelta(days=expected.max_secret_age_days)):
            out.append(f"key vault {vault.name} secret {secret.name}: last changed {_days(now - secret.last_rotated)} "
                       f"ago; profile allows {expected.max_secret_age_days} days")
    return out


# --- LOG-RETENTION ---------------------------------------------------------------------------------------------
def retention_problems(section: LogRetentionSection, found: list[LogRetention]) -> tuple[list[LogRetention], list[str]]:
    """The log stores the profile names (those judged, and every problem)."""
    out: list[str] = []
    groups = {r.name: r for r in found if r.kind == "log-group"}
    spaces = {r.name: r for r in found if r.kind == "workspace"}
    judged: list[LogRetention] = []
    for name in section.log_groups:
        if name in groups:
            judged.append(groups[name])
        else:
            out.append(f"log group {name}: does not exist")
    for prefix in section.log_group_prefixes:
        matching = [g for n, g in sorted(groups.items()) if n.startswith(prefix)]
        if not matching:
            out.append(f"no log group starts with {prefix!r}")
        judged += [g for g in matching if g not in judged]
    for name in section.workspaces:
        if name in spaces:
            judged.append(spaces[name])
        else:
            out.append(f"Log Analytics workspace {name}: does not exist")
    for store in judged:
        what = "log group" if store.kind == "log-group" else "Log Analytics workspace"
        if store.retention_days is None:
            if not section.allow_never_expire:
                out.append(f"{what} {store.name}: retention is never expire; runbook 002 asks for "
                           f"{section.min_days} days and the profile does not allow never-expiring logs")
        elif store.retention_days < section.min_days:
            out.append(f"{what} {store.name}: retention is {store.retention_days} days; runbook 002 asks for at "
                       f"least {section.min_days}")
    return judged, out
