"""ALARMS, SECRETS and LOG-RETENTION comparisons: records (golive.providers.records_monitoring) against the
profile's sections. Pure functions, no network; each problem names the field, the value seen and the runbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from golive.compare import targets
from golive.profile.items.alarms import AlarmsSection, ExpectedAlarm
from golive.profile.items.log_retention import LogRetentionSection
from golive.profile.items.secrets import KeyVaultExpectation, SecretsSection
from golive.providers import read_at
from golive.providers.records_monitoring import (
    AlarmAction,
    AlarmRule,
    LogRetention,
    SecretRotation,
    VaultProtection,
)
from golive.verdict import BlindSpot, CouldNotObserve, Fact, Records

UPWARD, DOWNWARD = (">", ">="), ("<", "<=")
BEHIND = "not returned by the reads that succeeded (it may sit behind a blind read)"


def records_from(providers: Any, kind: str, clouds: Iterable[str], item: str) -> Records:
    """Records of one kind from the clouds the section names. A cloud the profile lacks, or a read that fails,
    is a blind spot (``Records.blind``); every other cloud's and read's records still count."""
    out = Records()
    for cloud in sorted(set(clouds)):
        found = providers.of(cloud) if hasattr(providers, "of") else [("", getattr(providers, cloud))]
        if not [p for _, p in found if p is not None]:
            out.blind.append(BlindSpot(f"{cloud} ({item})", f"the {item} section names {cloud} resources but the "
                                                            f"profile has no providers.{cloud}; add it"))
            continue
        for where, provider in found:  # several targets: each record carries its where (issue 18)
            read = getattr(provider, kind, None)
            if read is None:
                continue
            try:
                out.add(read_at(where, read))
            except CouldNotObserve as exc:
                out.blind.extend(exc.blind)
    return out


def _unseen(what: str, all_read: bool, missing: str) -> tuple[list[str], list[BlindSpot]]:
    """A listed resource no read returned: missing (a finding) only when every read succeeded, else unseen."""
    return ([missing], []) if all_read else ([], [BlindSpot(what, BEHIND)])


def _not_returned(field_name: str, resource: str, source: str) -> BlindSpot:
    return BlindSpot(f"{field_name} of {resource}", f"{source} did not return it, so it is not judged")


def _num(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def _plain(value: float | None) -> float | int | None:
    """A number as a reader writes it (70, not 70.0)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _short(target: str) -> str:
    """A notification target by its name (the ARN's/ID's last part), never its account or endpoint."""
    return target.replace(":", "/").rstrip("/").rsplit("/", 1)[-1]


# --- ALARMS --------------------------------------------------------------------------------------------------
def candidates(expected: ExpectedAlarm, rules: Iterable[AlarmRule]) -> list[AlarmRule]:
    """The alarms that may be the one the profile means: by name when it names one, else by metric and resource."""
    mine = [r for r in rules if r.cloud == expected.cloud and r.kind != "composite-alarm"]
    if expected.alarm is not None:
        return [r for r in mine if r.name == expected.alarm]
    return [r for r in mine if expected.metric in r.metrics
            and (expected.namespace is None or r.namespace == expected.namespace)
            and (expected.resource is None or expected.resource in r.resources)]


def _same_direction(expected: ExpectedAlarm, rule: AlarmRule) -> bool:
    """The alarm fires on the same side of its threshold as the profile's (> and >=, < and <=, or ==)."""
    return ((expected.comparison in UPWARD and rule.comparison in UPWARD)
            or (expected.comparison in DOWNWARD and rule.comparison in DOWNWARD)
            or expected.comparison == rule.comparison == "==")


def _threshold_problem(expected: ExpectedAlarm, rule: AlarmRule, runbook: str) -> str | None:
    want = expected.absolute_threshold
    said = (f"{expected.comparison} {_num(expected.threshold)} % of {_num(expected.of_maximum)} (= {_num(want)})"
            if expected.of_maximum is not None else f"{expected.comparison} {_num(want)}")
    if rule.comparison is None or rule.threshold is None:  # not returned: alarm_unknowns names the field
        return f"threshold is not static ({rule.expression}); runbook {runbook} says {said}" if rule.expression else None
    if not _same_direction(expected, rule):
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
    if (expected.statistic is not None and _returned(rule, rule.statistic)
            and (rule.statistic or "").lower() != expected.statistic.lower()):
        out.append(f"statistic is {rule.statistic}; profile says {expected.statistic}")
    problem = _threshold_problem(expected, rule, runbook)
    if problem:
        out.append(problem)
    if expected.period_s is not None and _returned(rule, rule.period_s) and rule.period_s != expected.period_s:
        out.append(f"period is {rule.period_s} s; runbook {runbook} says {expected.period_s} s")
    if expected.window_s is not None and _returned(rule, rule.window_s) and rule.window_s != expected.window_s:
        out.append(f"window ({rule.window_field or 'period'}) is {rule.window_s} s; runbook {runbook} says "
                   f"{expected.window_s} s ({expected.says})")
    if (expected.missing_data is not None and rule.missing_data is not None
            and rule.missing_data not in expected.missing_data):
        out.append(f"missing-data treatment is {rule.missing_data}; profile allows {', '.join(expected.missing_data)}")
    if rule.enabled is False:
        out.append("alarm is disabled (actions/alert not enabled): it notifies nobody")
    return out


def _returned(rule: AlarmRule, value: object) -> bool:
    """A field's value was returned, or its absence is the rule's own answer (a PromQL expression without a range,
    an anomaly band instead of a static threshold): judged. Otherwise the API left it out: a blind spot."""
    return value is not None or bool(rule.expression)


def alarm_unknowns(expected: ExpectedAlarm, rule: AlarmRule) -> list[BlindSpot]:
    """The fields the profile judges that the API did not return for this alarm (blind, never a pass or a breach)."""
    where = f"{rule.cloud} alarm {rule.name}"
    asked = {"Threshold": not _returned(rule, rule.threshold),
             "ComparisonOperator": not _returned(rule, rule.comparison),
             "Period": expected.period_s is not None and not _returned(rule, rule.period_s),
             "evaluation window (Period x EvaluationPeriods)": (expected.window_s is not None
                                                                and not _returned(rule, rule.window_s)),
             "Statistic": expected.statistic is not None and not _returned(rule, rule.statistic),
             "ActionsEnabled": rule.enabled is None}
    return [_not_returned(name, where, rule.source or "the API") for name, unknown in asked.items() if unknown]


def wiring_problems(rule: AlarmRule, rules: Iterable[AlarmRule], actions: dict[str, AlarmAction],
                    section: AlarmsSection) -> list[str]:
    """Nobody is told: no action, or every action's target missing, unsubscribed, without receivers."""
    return wiring_verdict(rule, rules, actions, section)[0]


def wiring_verdict(rule: AlarmRule, rules: Iterable[AlarmRule], actions: dict[str, AlarmAction],
                   section: AlarmsSection, all_read: bool = True) -> tuple[list[str], list[BlindSpot]]:
    """``wiring_problems`` and the targets that could not be seen (a target no read returned while a read of
    the targets failed, a target in another account, an alarm whose enabled flag was not returned)."""
    if not section.require_actions or rule.enabled is None:
        return [], []
    if rule.kind == "prometheus-rule":
        missing = {k: v for k, v in section.alertmanager_route.items() if rule.labels.get(k) != v}
        return [f"labels lack {', '.join(f'{k}={v}' for k, v in missing.items())} (what Alertmanager routes "
                f"to the on-call receiver on): labels are {rule.labels}"] if missing else [], []
    if reaches(rule, actions):
        return [], []
    parents = [c for c in rules if c.kind == "composite-alarm" and rule.name in c.children and c.enabled]
    if any(reaches(c, actions) for c in parents):
        return [], []
    if not rule.actions:
        via = f" (nor does composite {', '.join(c.name for c in parents)})" if parents else ""
        return [f"actions: none; the alarm notifies nobody{via}"], []
    unseen = [t for t in rule.actions if (actions.get(t.lower()) is None and not all_read)
              or (actions.get(t.lower()) is not None and actions[t.lower()].exists is None)]
    blind = [BlindSpot(f"notification target {t} of {rule.cloud} alarm {rule.name}",
                       actions[t.lower()].detail if t.lower() in actions else BEHIND) for t in unseen]
    if blind:  # a target not seen may be the one that reaches someone: the others' faults are not a breach alone
        return [], blind
    return [f"action {why}" for target in rule.actions for why in [_why_silent(target, actions)] if why], []


def reaches(rule: AlarmRule, actions: dict[str, AlarmAction]) -> bool:
    return bool(rule.enabled) and any(actions.get(t.lower()) is not None and actions[t.lower()].reaches_someone
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
                  section: AlarmsSection, all_read: bool = True, actions_read: bool = True,
                  ) -> tuple[AlarmRule | None, list[str], list[BlindSpot]]:
    """The alarm judged for ``expected`` (the best candidate), its problems (each prefixed with the alarm) and
    what could not be seen. ``all_read``: every read of the alarms succeeded (else a missing alarm is unseen);
    ``actions_read``: every read of the notification targets succeeded."""
    runbook = expected.runbook or section.runbook
    head = f"{expected.cloud} {expected.name} ({expected.says})"
    found = candidates(expected, rules)
    if not found:
        by = f"named {expected.alarm}" if expected.alarm else (
            f"on {expected.metric}" + (f" of {expected.resource}" if expected.resource else ""))
        missing, blind = _unseen(f"{head}: the alarm {by}", all_read,
                                 f"{head}: missing: no alarm {by}; runbook {runbook} asks for one")
        return None, missing, blind

    def judged(rule: AlarmRule) -> tuple[list[str], list[BlindSpot]]:
        wiring, unseen = wiring_verdict(rule, rules, actions, section, actions_read)
        return rule_problems(expected, rule, runbook) + wiring, alarm_unknowns(expected, rule) + unseen

    (problems, blind), rule = min(((judged(r), r) for r in found), key=lambda v: (len(v[0][0]), len(v[0][1])))
    return rule, [f"{head}: alarm {rule.name}: {p}" for p in problems], blind


def alarm_facts(expected: ExpectedAlarm, rule: AlarmRule | None, rules: list[AlarmRule],
                actions: dict[str, AlarmAction], section: AlarmsSection) -> list[Fact]:
    """ALARMS drift: per runbook alarm, the alarm judged for it and its metric, threshold, period, window,
    statistic, enabled flag and whom it notifies, each against the profile (ok None: not returned)."""
    where = f"{expected.cloud} {expected.name}"
    if rule is None:  # not found (or behind a blind read): nothing observed; drift names the alarm gone
        return []
    runbook = expected.runbook or section.runbook
    direction = None if rule.comparison is None else _same_direction(expected, rule)
    threshold_ok = None if rule.threshold is None or not direction else _threshold_problem(expected, rule, runbook) is None
    wiring, unseen = wiring_verdict(rule, rules, actions, section)
    return [
        Fact(where, "alarm", rule.name, expected.alarm, True),
        Fact(where, "metric", sorted(rule.metrics), expected.metric, expected.metric in rule.metrics),
        Fact(where, "comparison", rule.comparison, expected.comparison, direction),
        Fact(where, "threshold", _plain(rule.threshold), _plain(expected.absolute_threshold), threshold_ok),
        Fact(where, "period_s", rule.period_s, expected.period_s,
             None if expected.period_s is None or rule.period_s is None else rule.period_s == expected.period_s),
        Fact(where, "window_s", rule.window_s, expected.window_s,
             None if expected.window_s is None or rule.window_s is None else rule.window_s == expected.window_s),
        Fact(where, "statistic", rule.statistic, expected.statistic),
        Fact(where, "enabled", rule.enabled, True, rule.enabled),
        Fact(where, "notifies", sorted(_short(t) for t in rule.actions) or dict(sorted(rule.labels.items())),
             "someone" if section.require_actions else None,
             None if unseen or rule.enabled is None else not wiring)]


def alarm_targets(alarms: list[ExpectedAlarm], rules: Records, actions: Records,
                  ) -> list[tuple[str, ExpectedAlarm, Records, Records]]:
    """(where, expected alarm, that target's alarms, its notification targets) for every target of the expected
    alarm's cloud (issue 18). An entry's ``alarm`` or ``resource`` may address one target as ``<target>/<x>`` or
    ``<target>/<region>/<x>``; the most specific entry for the same runbook alarm and alarm/resource applies.
    One target per cloud: every entry as written, with all records."""
    every = targets.wheres(rules, actions)
    if every == [""]:
        return [("", e, rules, actions) for e in alarms]
    out = []
    for where in every:
        clouds = {r.cloud for r in rules if targets.where_of(r) == where}
        here = [e for e in alarms if not clouds or e.cloud in clouds]
        out += [(where, e, targets.part(rules, where, every), targets.part(actions, where, every))
                for e in targets.entries(here, where, every, _addressed_by,
                                         group=lambda e: (e.cloud, e.name, _addressed_by(e)))]
    return out


def _addressed_by(expected: ExpectedAlarm) -> str:
    """The field that names the alarm's resource: its ``alarm`` name, else its ``resource``, else none ("")."""
    return "alarm" if expected.alarm is not None else "resource" if expected.resource is not None else ""


def action_map(actions: Iterable[AlarmAction]) -> dict[str, AlarmAction]:
    return {a.target.lower(): a for a in actions}


def firing(rules: Iterable[AlarmRule]) -> list[str]:
    return [targets.named(r.where, f"{r.cloud} {r.name} is in state {r.state}") for r in rules if (r.state or "").upper() == "ALARM"]


# --- SECRETS ---------------------------------------------------------------------------------------------------
def _days(delta: dt.timedelta) -> str:
    return f"{delta.total_seconds() / 86400:.0f} days"


def secret_problems(section: SecretsSection, found: list[SecretRotation], now: dt.datetime) -> list[str]:
    """Secrets Manager secrets and KMS keys the profile names: rotation on, interval and last rotation in bounds."""
    return secret_verdict(section, found, now)[0]


def secret_verdict(section: SecretsSection, found: list[SecretRotation], now: dt.datetime,
                   all_read: bool = True) -> tuple[list[str], list[BlindSpot]]:
    """``secret_problems`` and the blind spots: a named secret or key no read returned while a read failed, a
    rotation field the API did not return. ``all_read``: every read of secrets and keys succeeded."""
    out: list[str] = []
    blind: list[BlindSpot] = []
    secrets = {s.name: s for s in found if s.kind == "secret"}
    wanted = list(section.secrets)
    for prefix in section.secret_prefixes:
        matching = sorted(n for n in secrets if n.startswith(prefix))
        if not matching:
            missing, unseen = _unseen(f"Secrets Manager secrets starting with {prefix!r}", all_read,
                                      f"no Secrets Manager secret starts with {prefix!r}")
            out += missing
            blind += unseen
        wanted += [n for n in matching if n not in wanted]
    limit = dt.timedelta(days=section.rotation_days)
    for name in wanted:
        secret = secrets.get(name)
        if secret is None:
            missing, unseen = _unseen(f"secret {name}", all_read, f"secret {name}: does not exist in Secrets Manager")
            out += missing
            blind += unseen
            continue
        if secret.rotation_enabled is None:
            blind.append(_not_returned("RotationEnabled", f"secret {name}", secret.source or "Secrets Manager"))
            continue
        if not secret.rotation_enabled:
            out.append(f"secret {name}: rotation is off (RotationEnabled false); runbook 002 asks for automatic "
                       f"rotation every {section.rotation_days} days at most")
            continue
        if secret.interval_days is None and secret.schedule is None:
            blind.append(_not_returned("RotationRules", f"secret {name}", secret.source or "Secrets Manager"))
        elif secret.interval_days is None:
            out.append(f"secret {name}: rotation interval cannot be determined from {secret.schedule!r}")
        elif secret.interval_days > section.rotation_days:
            out.append(f"secret {name}: rotation interval is {secret.interval_days} days; profile allows "
                       f"{section.rotation_days}")
        last, what = (secret.last_rotated, "last rotation") if secret.last_rotated else (secret.created, "created, never rotated,")
        if last is None:
            blind.append(_not_returned("LastRotatedDate and CreatedDate", f"secret {name}",
                                       secret.source or "Secrets Manager"))
        elif now - last > limit:
            out.append(f"secret {name}: {what} {_days(now - last)} ago ({last:%Y-%m-%d}); profile allows "
                       f"{section.rotation_days} days")
    keys = [k for k in found if k.kind == "kms-key"]
    for ref in section.kms_keys:
        key = next((k for k in keys if ref in (k.name, *k.aliases) or k.name.endswith(f"/{ref}")), None)
        if key is None:
            missing, unseen = _unseen(f"KMS key {ref}", all_read, f"KMS key {ref}: does not exist")
            out += missing
            blind += unseen
        elif key.rotation_enabled is None:
            blind.append(_not_returned("KeyRotationEnabled", f"KMS key {ref}", key.source or "KMS"))
        elif not key.rotation_enabled:
            out.append(f"KMS key {ref}: automatic rotation is off (KeyRotationEnabled false)")
        elif key.interval_days is not None and key.interval_days > 365:
            out.append(f"KMS key {ref}: rotation period is {key.interval_days} days; at most 365")
    return out, blind


def secret_targets(section: SecretsSection, rotations: Records, vaults: Records,
                   ) -> list[tuple[str, SecretsSection, Records, Records]]:
    """(where, the section as it applies there, that target's secrets/keys, its vaults) per target (issue 18).
    Secret names, prefixes, KMS keys and vault names may be addressed ``<target>[/<region>]/<name>``; a target
    whose records are all Azure's is not asked for AWS secrets, nor one with AWS's only for Key Vaults.
    One target per cloud: ("", section, rotations, vaults)."""
    every = targets.wheres(rotations, vaults)
    if every == [""]:
        return [("", section, rotations, vaults)]
    out = []
    for where in every:
        mine, theirs = targets.part(rotations, where, every), targets.part(vaults, where, every)
        aws = any(r.kind in ("secret", "kms-key") for r in mine)
        azure = bool(theirs) or any(r.kind == "key-vault-secret" for r in mine)
        both = not (aws or azure)
        names = {key: targets.names(getattr(section, key), where, every) if aws or both else []
                 for key in ("secrets", "secret_prefixes", "kms_keys")}
        vaults_here = targets.entries(section.key_vaults, where, every, "name") if azure or both else []
        here = section.model_copy(update={**names, "key_vaults": vaults_here})
        out.append((where, here, mine, theirs))
    return out


def secret_facts(section: SecretsSection, found: list[SecretRotation], now: dt.datetime) -> list[Fact]:
    """SECRETS drift: per secret and KMS key the profile names (prefixes expanded), rotation on, interval and days
    since the last rotation (volatile: it moves on its own)."""
    out: list[Fact] = []
    secrets = {s.name: s for s in found if s.kind == "secret"}
    wanted = list(dict.fromkeys([*section.secrets, *sorted(n for n in secrets for p in section.secret_prefixes
                                                            if n.startswith(p))]))
    for name in wanted:
        where, secret = f"secret {name}", secrets.get(name)
        if secret is None:  # not found (or behind a blind read): nothing observed; drift names it gone
            continue
        interval = secret.interval_days if secret.interval_days is not None else secret.schedule
        last = secret.last_rotated or secret.created
        age = None if last is None else round((now - last).total_seconds() / 86400, 1)
        out += [Fact(where, "rotation enabled", secret.rotation_enabled, True, secret.rotation_enabled),
                Fact(where, "rotation interval days", interval, f"<= {section.rotation_days}",
                     None if secret.interval_days is None else secret.interval_days <= section.rotation_days),
                Fact(where, "days since last rotation", age, f"<= {section.rotation_days}",
                     None if age is None else age <= section.rotation_days, volatile=True)]
    keys = [k for k in found if k.kind == "kms-key"]
    for ref in section.kms_keys:
        key = next((k for k in keys if ref in (k.name, *k.aliases) or k.name.endswith(f"/{ref}")), None)
        where = f"KMS key {ref}"
        out += [] if key is None else [
            Fact(where, "rotation enabled", key.rotation_enabled, True, key.rotation_enabled),
            Fact(where, "rotation period days", key.interval_days, "<= 365",
                 None if key.interval_days is None else key.interval_days <= 365)]
    return out


def vault_facts(expected: KeyVaultExpectation, vaults: list[VaultProtection], secrets: list[SecretRotation],
                now: dt.datetime) -> list[Fact]:
    """SECRETS drift: one Key Vault's soft delete, its retention and purge protection, and per enabled secret
    whether it expires in the future (days left are volatile, so only the verdict is kept)."""
    where = f"key vault {expected.name}"
    vault = next((v for v in vaults if v.name == expected.name), None)
    if vault is None:
        return []
    out = [Fact(where, "soft delete", vault.soft_delete, True, vault.soft_delete),
           Fact(where, "soft delete days", vault.soft_delete_days, f">= {expected.min_soft_delete_days}",
                None if vault.soft_delete_days is None else vault.soft_delete_days >= expected.min_soft_delete_days),
           Fact(where, "purge protection", vault.purge_protection, True, vault.purge_protection)]
    for secret in (s for s in secrets if s.kind == "key-vault-secret" and s.store == vault.name and s.enabled):
        expires = secret.expires is not None and secret.expires > now
        out.append(Fact(f"{where} secret {secret.name}", "expires in the future", expires,
                        True if expected.secrets_expire else None, expires if expected.secrets_expire else None))
    return out


def vault_problems(expected: KeyVaultExpectation, vaults: list[VaultProtection], secrets: list[SecretRotation],
                   now: dt.datetime) -> list[str]:
    """One Key Vault: soft delete and purge protection on (runbook 002 line 280), its secrets expire."""
    return vault_verdict(expected, vaults, secrets, now)[0]


def vault_verdict(expected: KeyVaultExpectation, vaults: list[VaultProtection], secrets: list[SecretRotation],
                  now: dt.datetime, all_read: bool = True) -> tuple[list[str], list[BlindSpot]]:
    """``vault_problems`` and the blind spots: the vault unseen behind a failed read, enableSoftDelete not
    returned. (A vault whose secrets could not be listed is a blind spot the provider's records carry.)"""
    vault = next((v for v in vaults if v.name == expected.name), None)
    if vault is None:
        return _unseen(f"key vault {expected.name}", all_read, f"key vault {expected.name}: does not exist")
    out: list[str] = []
    blind: list[BlindSpot] = []
    if vault.soft_delete is None:
        blind.append(_not_returned("enableSoftDelete", f"key vault {vault.name}", vault.source or "Key Vault"))
    elif vault.soft_delete is False:
        out.append(f"key vault {vault.name}: soft delete is off (enableSoftDelete false); runbook 002 asks for it")
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
    return out, blind


# --- LOG-RETENTION ---------------------------------------------------------------------------------------------
def retention_problems(section: LogRetentionSection, found: list[LogRetention]) -> tuple[list[LogRetention], list[str]]:
    """The log stores the profile names (those judged, and every problem)."""
    judged, problems, _ = retention_verdict(section, found)
    return judged, problems


def retention_verdict(section: LogRetentionSection, found: list[LogRetention], all_read: bool = True,
                      ) -> tuple[list[LogRetention], list[str], list[BlindSpot]]:
    """The log stores the profile names: those judged, every problem, and the blind spots (a store unseen
    behind a failed read, a retention the API did not return where its absence means nothing documented)."""
    out: list[str] = []
    blind: list[BlindSpot] = []
    groups = {r.name: r for r in found if r.kind == "log-group"}
    spaces = {r.name: r for r in found if r.kind == "workspace"}
    judged: list[LogRetention] = []

    def unseen(what: str, missing: str) -> None:
        finding, spot = _unseen(what, all_read, missing)
        out.extend(finding)
        blind.extend(spot)

    for name in section.log_groups:
        if name in groups:
            judged.append(groups[name])
        else:
            unseen(f"log group {name}", f"log group {name}: does not exist")
    for prefix in section.log_group_prefixes:
        matching = [g for n, g in sorted(groups.items()) if n.startswith(prefix)]
        if not matching:
            unseen(f"log groups starting with {prefix!r}", f"no log group starts with {prefix!r}")
        judged += [g for g in matching if g not in judged]
    for name in section.workspaces:
        if name in spaces:
            judged.append(spaces[name])
        else:
            unseen(f"Log Analytics workspace {name}", f"Log Analytics workspace {name}: does not exist")
    for store in judged:
        what = "log group" if store.kind == "log-group" else "Log Analytics workspace"
        if store.never_expires:
            if not section.allow_never_expire:
                out.append(f"{what} {store.name}: retention is never expire; runbook 002 asks for "
                           f"{section.min_days} days and the profile does not allow never-expiring logs")
        elif store.retention_days is None:
            blind.append(_not_returned("retentionInDays", f"{what} {store.name}", store.source or "the API"))
        elif store.retention_days < section.min_days:
            out.append(f"{what} {store.name}: retention is {store.retention_days} days; runbook 002 asks for at "
                       f"least {section.min_days}")
    return judged, out, blind


def retention_targets(section: LogRetentionSection, found: Records) -> list[tuple[str, LogRetentionSection, Records]]:
    """(where, the section as it applies there, that target's log stores) per target (issue 18). Log groups,
    prefixes and workspaces may be addressed ``<target>[/<region>]/<name>`` ("prod-eu//ecs/api"); a target
    whose stores are all workspaces is not asked for log groups, nor the reverse. One target: ("", section,
    found)."""
    every = targets.wheres(found)
    if every == [""]:
        return [("", section, found)]
    out = []
    for where in every:
        mine = targets.part(found, where, every)
        kinds = {r.kind for r in mine} or {"log-group", "workspace"}
        update = {key: targets.names(getattr(section, key), where, every) if kind in kinds else []
                  for key, kind in (("log_groups", "log-group"), ("log_group_prefixes", "log-group"),
                                    ("workspaces", "workspace"))}
        out.append((where, section.model_copy(update=update), mine))
    return out


def retention_facts(section: LogRetentionSection, judged: list[LogRetention]) -> list[Fact]:
    """LOG-RETENTION drift: per log group/workspace the profile names, its retention in days (or never expires)."""
    out = []
    for store in judged:
        where = f"{'log group' if store.kind == 'log-group' else 'Log Analytics workspace'} {store.name}"
        days = "never expires" if store.never_expires else store.retention_days
        ok = (section.allow_never_expire if store.never_expires else
              None if store.retention_days is None else store.retention_days >= section.min_days)
        out.append(Fact(where, "retention", days, f">= {section.min_days} days", ok))
    return out
