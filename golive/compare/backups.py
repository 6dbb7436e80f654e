"""BACKUPS: schedules, retention, coverage, recovery points and jobs compared with the profile.

Pure: the providers' records (BackupSchedule, RecoveryPoint, BackupJob, DataProtection) and a time in, one
sentence per breach out, each naming the resource, the plan/rule, the API field and the value seen.

How a resource passes (runbooks 000/002: every 6 h, kept 30 days; 001: last backup < 24 h):
- some schedule covers it (AWS Backup selection, Data Protection backup instance, Velero includedNamespaces);
- the schedules covering it that keep backups >= retention_days, taken together, leave no gap > interval_h
  (a daily 35-day rule next to a 6-hourly 30-day rule is fine; a 6-hourly 7-day rule does not count);
- its newest completed recovery point is younger than interval_h + grace_h (and max_age_h);
- where the profile asks for cross-region copies, a covering schedule copies to another region;
- its service-level protections hold (PITR, versioning, backup retention days, geo-redundant backup);
and no backup job failed or expired within failed_jobs_window_h.

Partial observation (issue 13): ``assess`` returns findings and blind spots apart. A rule whose schedule or
retention was not returned, or cannot be read, is a blind spot and the resources it covers are not judged on
schedules; a listed resource or schedule not found, or a recovery point missing or old, is a blind spot instead
of a breach when the read that would have shown it failed (the records carry ``.blind``, golive.verdict.Records);
a protection setting not returned (None) is a blind spot naming it.

Several targets (issue 18): each target is judged on its own records and its findings name it
("prod-eu/eu-west-1: silenttalk-db: ..."); a profile name applies in every target, ``<target>/<name>`` or
``<target>/<region>/<name>`` only in that one. A target that returned no BACKUPS record at all is not judged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from golive import schedules
from golive.compare import targets
from golive.profile.items.backups import BackupsSection
from golive.providers.records import BackupJob, BackupSchedule, DataProtection, RecoveryPoint
from golive.verdict import BlindSpot, Fact

GOOD_POINT = frozenset({"COMPLETED", "AVAILABLE"})
BAD_JOB = frozenset({"FAILED", "EXPIRED", "ABORTED", "PARTIAL", "PARTIALLYFAILED", "FAILEDVALIDATION",
                     "CANCELLED", "CANCELED", "COMPLETEDWITHWARNINGS"})


@dataclass(frozen=True)
class Observed:
    """Everything the providers returned for BACKUPS."""

    schedules: Sequence[BackupSchedule] = ()
    points: Sequence[RecoveryPoint] = ()
    jobs: Sequence[BackupJob] = ()
    protections: Sequence[DataProtection] = ()


@dataclass(frozen=True)
class Parsed:
    record: BackupSchedule
    schedule: schedules.Schedule
    gap: schedules.Gap

    @property
    def name(self) -> str:
        return f"{self.record.plan}/{self.record.rule}" if self.record.rule else self.record.plan


@dataclass
class _Judge:
    seen: Observed
    section: BackupsSection
    now: dt.datetime
    parsed: dict[int, Parsed] = field(default_factory=dict)


def split(records: Sequence[BackupSchedule], now: dt.datetime) -> tuple[list[Parsed], list[tuple[BackupSchedule, str]]]:
    """Every schedule parsed with its largest gap, and the rules that cannot be judged (field not returned,
    expression golive cannot interpret) with why."""
    out, unread = [], []
    for rec in records:
        if rec.unknown:
            unread.append((rec, f"{', '.join(rec.unknown)} not returned ({rec.source}); absent is unknown"))
            continue
        try:
            parsed = schedules.parse(rec.expression, rec.timezone)
        except schedules.ScheduleError as exc:
            unread.append((rec, f"its expression cannot be interpreted: {exc}"))
            continue
        out.append(Parsed(rec, parsed, schedules.largest_gap(parsed, now)))
    return out, unread


def parse_all(records: Sequence[BackupSchedule], now: dt.datetime) -> list[Parsed]:
    """The schedules that can be judged (see ``split`` for the others)."""
    return split(records, now)[0]


def _rule_name(rec: BackupSchedule) -> str:
    return f"{rec.plan}/{rec.rule}" if rec.rule else rec.plan


def _read_blind(records: Any) -> bool:
    """A read of this kind failed somewhere (Records.blind): what is absent may sit behind it."""
    return bool(getattr(records, "blind", ()))


def _days(value: float | None) -> str:
    return "never deleted" if value is None else f"{value:g} days"


def _age_h(when: dt.datetime, now: dt.datetime) -> float:
    return (now - when).total_seconds() / 3600


def _kept(rec: BackupSchedule, section: BackupsSection) -> bool:
    return rec.retention_days is None or rec.retention_days >= section.retention_days


def problems(seen: Observed, section: BackupsSection, now: dt.datetime) -> list[str]:
    """One sentence per breach; empty when nothing breaches (see ``assess`` for what was not observed)."""
    return assess(seen, section, now)[0]


def per_target(seen: Observed, section: BackupsSection) -> list[tuple[str, Observed, BackupsSection]]:
    """Each target's records and the section as it applies there (several targets, golive.compare.targets);
    one ("", seen, section) for a single target."""
    kinds = (seen.schedules, seen.points, seen.jobs, seen.protections)
    every = targets.wheres(*kinds)
    if every == [""]:
        return [("", seen, section)]
    out = []
    for where in every:
        mine = Observed(*(targets.part(kind, where, every) for kind in kinds))
        here = section.model_copy(update={key: targets.names(getattr(section, key), where, every)
                                          for key in ("resources", "schedules", "cross_region")})
        out.append((where, mine, here))
    return out


def assess(seen: Observed, section: BackupsSection, now: dt.datetime) -> tuple[list[str], list[BlindSpot]]:
    """Findings (breaches seen) and blind spots (what could not be judged, and why), per target: each target's
    findings start with its name ("prod-eu/eu-west-1: ...")."""
    out: list[str] = []
    blind: list[BlindSpot] = []
    for where, mine, here in per_target(seen, section):
        found, unseen = _assess(mine, here, now)
        out += [targets.named(where, f) for f in found]
        blind += [targets.spot(where, b) for b in unseen]
    return out, blind


def _assess(seen: Observed, section: BackupsSection, now: dt.datetime) -> tuple[list[str], list[BlindSpot]]:
    parsed, unread = split(seen.schedules, now)
    blind = [BlindSpot(f"backup schedule {_rule_name(rec)}", why) for rec, why in unread]
    schedules_blind = _read_blind(seen.schedules)
    out: list[str] = []
    for name in section.schedules:
        if any(name in (p.record.plan, p.record.rule) for p in parsed) or not schedules_blind:
            continue
        if not any(name in (rec.plan, rec.rule) for rec, _ in unread):
            blind.append(BlindSpot(f"backup schedule {name}", "named in the profile, not returned by the reads that "
                                                              "succeeded (it may be behind a blind read)"))
    out += _named_schedules(parsed, section, unread, schedules_blind)
    for resource in section.resources:
        unsure = [_rule_name(rec) for rec, _ in unread if resource in rec.covers]
        covered = any(resource in p.record.covers for p in parsed)
        if unsure:
            blind.append(BlindSpot(f"{resource} backup schedules", f"covered by {', '.join(unsure)}, which could not "
                                                                    f"be read, so its schedules are not judged"))
        elif not covered and schedules_blind:
            blind.append(BlindSpot(f"{resource} backup coverage", "no schedule covering it among the reads that "
                                   "succeeded; one behind a blind read may cover it"))
        else:
            out += _resource_schedules(resource, parsed, section)
            if resource in section.cross_region:
                out += _copies(resource, parsed)
        points = _recovery_point(resource, seen.points, section, now)
        if points and _read_blind(seen.points):
            blind += [BlindSpot(f"{resource} recovery points", f"{p.split(': ', 1)[-1]} among the reads that "
                                f"succeeded; a newer one may be behind a blind read") for p in points]
        else:
            out += points
        found, unseen = _protections(resource, seen.protections, section)
        out += found
        blind += unseen
    out += _failed_jobs(seen.jobs, section, now)
    return out, blind


def _named_schedules(parsed: list[Parsed], section: BackupsSection, unread: list[tuple[BackupSchedule, str]],
                     schedules_blind: bool) -> list[str]:
    out = []
    for name in section.schedules:
        found = [p for p in parsed if name in (p.record.plan, p.record.rule)]
        if not found and (schedules_blind or any(name in (rec.plan, rec.rule) for rec, _ in unread)):
            continue  # unseen, not missing: a blind spot (assess)
        if not found:
            known = ", ".join(sorted({p.name for p in parsed})) or "none"
            out.append(f"backup schedule {name}: not found (schedules seen: {known}); the profile names it")
            continue
        for p in found:  # a named schedule that backs up none of the profile's resources is judged on its own
            if set(p.record.covers) & set(section.resources):
                continue
            out += _rule_breaches(f"backup schedule {p.name}", [p], section)
    return out


def _rule_breaches(who: str, rules: list[Parsed], section: BackupsSection) -> list[str]:
    out = []
    kept = [p for p in rules if _kept(p.record, section)]
    for p in rules:
        if not _kept(p.record, section):
            out.append(f"{who}: {p.name} keeps backups {_days(p.record.retention_days)} ({p.record.source}); "
                       f"runbooks 000/002 require >= {section.retention_days:g} days")
    if kept:
        gap = schedules.largest_gap([p.schedule for p in kept], kept[0].gap.start)
        if gap.hours is None or gap.hours > section.interval_h:
            rules_text = "; ".join(f"{p.name} schedule {p.record.expression!r}"
                                   f"{'' if p.record.timezone in ('UTC', 'Etc/UTC') else ' in ' + p.record.timezone} "
                                   f"({p.gap.describe()})" for p in kept)
            out.append(f"{who}: backups kept >= {section.retention_days:g} days run at most every "
                       f"{schedules.fmt_hours(gap.hours)} ({rules_text}; {kept[0].record.source}); runbooks "
                       f"000/002 require a backup at least every {schedules.fmt_hours(section.interval_h)}")
    return out


def _resource_schedules(resource: str, parsed: list[Parsed], section: BackupsSection) -> list[str]:
    covering = [p for p in parsed if resource in p.record.covers]
    if not covering:
        where = ", ".join(sorted({p.name for p in parsed})) or "no backup schedule was found"
        return [f"{resource}: not covered by any backup schedule (selection/backup instance/included namespaces "
                f"of: {where}); runbooks 000/002 require every data resource to be backed up"]
    kept = [p for p in covering if _kept(p.record, section)]
    if kept:  # shorter-lived rules beside a compliant one are fine (e.g. hourly kept 1 day)
        return _rule_breaches(resource, kept, section)
    return _rule_breaches(resource, covering, section)


def _recovery_point(resource: str, points: Sequence[RecoveryPoint], section: BackupsSection,
                    now: dt.datetime) -> list[str]:
    mine = [p for p in points if p.resource == resource]
    done = [p for p in mine if p.status.upper() in GOOD_POINT and p.completed_at is not None]
    limit = section.recent_h
    rule = (f"runbook 001 requires < {section.max_age_h:g} h" if section.max_age_h is not None
            and section.max_age_h <= section.interval_h + section.grace_h else
            f"runbooks 000/002 require < {schedules.fmt_hours(section.interval_h)} + "
            f"{schedules.fmt_hours(section.grace_h)} grace")
    if not done:
        states = sorted({p.status for p in mine})
        return [f"{resource}: no completed recovery point found"
                f"{' (states seen: ' + ', '.join(states) + ')' if states else ''}; {rule}"]
    newest = max(done, key=lambda p: p.completed_at)
    age = _age_h(newest.completed_at, now)
    if age > limit:
        also = (f"; runbook 001 requires < {section.max_age_h:g} h" if section.max_age_h is not None
                and age > section.max_age_h and "runbook 001" not in rule else "")
        return [f"{resource}: newest completed recovery point is {age:.1f} h old "
                f"({newest.completed_at:%Y-%m-%d %H:%M} UTC, {newest.source}); {rule}{also}"]
    return []


def _copies(resource: str, parsed: list[Parsed]) -> list[str]:
    covering = [p for p in parsed if resource in p.record.covers]
    if not covering or any(p.record.copies_to for p in covering):
        return []
    names = ", ".join(f"{p.name} ({p.record.source})" for p in covering)
    return [f"{resource}: no backup rule covering it copies to another region ({names} copy nowhere); "
            f"runbook 002 requires geo-redundant backups to a secondary region"]


def _protections(resource: str, protections: Sequence[DataProtection],
                 section: BackupsSection) -> tuple[list[str], list[BlindSpot]]:
    out, blind = [], []
    for rec in (p for p in protections if p.resource == resource):
        s = rec.settings
        asked = {"point_in_time_recovery": section.point_in_time_recovery, "versioning": section.versioning,
                 "backup_retention_days": True, "geo_redundant_backup": resource in section.cross_region}
        blind += [BlindSpot(f"{resource}: {key}", f"not returned by {rec.source} (absent is unknown, not off)")
                  for key, wanted in asked.items() if wanted and key in s and s[key] is None]
        if section.point_in_time_recovery and s.get("point_in_time_recovery") is False:
            out.append(f"{resource}: point-in-time recovery is off ({rec.source}); runbook 002 requires it enabled "
                       f"for databases")
        if section.versioning and s.get("versioning") is False:
            out.append(f"{resource}: versioning is {s.get('versioning_status') or 'off'} ({rec.source}); runbook "
                       f"002 requires versioning on S3/Blob storage")
        days = s.get("backup_retention_days")
        if isinstance(days, int | float) and days < section.retention_days:
            out.append(f"{resource}: backup retention is {days:g} days ({rec.source}); runbooks 000/002 "
                       f"require >= {section.retention_days:g} days")
        if resource in section.cross_region and s.get("geo_redundant_backup") is False:
            out.append(f"{resource}: geo-redundant backup is off ({rec.source}); runbook 002 requires "
                       f"geo-redundant backups to a secondary region")
    return out, blind


def _failed_jobs(jobs: Sequence[BackupJob], section: BackupsSection, now: dt.datetime) -> list[str]:
    since = now - dt.timedelta(hours=section.failed_jobs_window_h)
    bad = sorted((j for j in jobs if j.state.upper().replace("_", "") in BAD_JOB and j.at >= since),
                 key=lambda j: j.at, reverse=True)
    return [f"{j.resource}: backup job {j.state} {_age_h(j.at, now):.1f} h ago ({j.at:%Y-%m-%d %H:%M} UTC; "
            f"{j.source}); runbook 000 requires no failed backup jobs in the last "
            f"{section.failed_jobs_window_h:g} h" for j in bad]


# --- drift ------------------------------------------------------------------------------------------------
def facts(seen: Observed, section: BackupsSection, now: dt.datetime) -> list[Fact]:
    """BACKUPS drift: each schedule's expression and retention, each resource's coverage, largest gap, newest
    recovery point age (volatile) and protections, and the failed jobs in the window (volatile); per target,
    each fact's resource prefixed with its target when there are several."""
    return [replace(f, resource=targets.named(where, f.resource))
            for where, mine, here in per_target(seen, section) for f in _facts(mine, here, now)]


def _facts(seen: Observed, section: BackupsSection, now: dt.datetime) -> list[Fact]:
    parsed = parse_all(seen.schedules, now)
    out: list[Fact] = []
    for rec in seen.schedules:
        where = f"schedule {_rule_name(rec)}"
        out += [Fact(where, "expression", rec.expression), Fact(where, "timezone", rec.timezone),
                Fact(where, "retention_days", rec.retention_days, f">= {section.retention_days:g}",
                     None if "retention" in " ".join(rec.unknown) else _kept(rec, section)),
                Fact(where, "covers", sorted(rec.covers)), Fact(where, "copies_to", sorted(rec.copies_to))]
    for resource in section.resources:
        covering = [p for p in parsed if resource in p.record.covers]
        kept = [p for p in covering if _kept(p.record, section)]
        gap = schedules.largest_gap([p.schedule for p in kept], now).hours if kept else None
        out += [Fact(resource, "covered by", sorted(p.name for p in covering), "a schedule", bool(covering)),
                Fact(resource, "largest gap h (rules kept long enough)", gap, f"<= {section.interval_h:g}",
                     gap is not None and gap <= section.interval_h)]
        done = [p.completed_at for p in seen.points if p.resource == resource and p.status.upper() in GOOD_POINT
                and p.completed_at is not None]
        age = round(_age_h(max(done), now), 1) if done else None
        out.append(Fact(resource, "newest recovery point age h", age, f"< {section.recent_h:g}",
                        age is not None and age <= section.recent_h, volatile=True))
        for rec in (p for p in seen.protections if p.resource == resource):
            out += [_protection_fact(resource, key, value, section) for key, value in sorted(rec.settings.items())]
    since = now - dt.timedelta(hours=section.failed_jobs_window_h)
    failed = sorted({j.resource for j in seen.jobs
                     if j.at >= since and j.state.upper().replace("_", "") in BAD_JOB})
    out.append(Fact("backup jobs", f"failed in the last {section.failed_jobs_window_h:g} h", failed, "none",
                    not failed, volatile=True))
    return out


def _protection_fact(resource: str, key: str, value: object, section: BackupsSection) -> Fact:
    """One service-level protection setting, against what the profile asks of it (if anything)."""
    asked = {"point_in_time_recovery": section.point_in_time_recovery, "versioning": section.versioning,
             "geo_redundant_backup": resource in section.cross_region}
    if key == "backup_retention_days" and isinstance(value, int | float):
        return Fact(resource, key, value, f">= {section.retention_days:g}", value >= section.retention_days)
    if asked.get(key) and value is not None:
        return Fact(resource, key, value, True, value is not False)
    return Fact(resource, key, value)


# --- evidence ---------------------------------------------------------------------------------------------
def evidence(seen: Observed, section: BackupsSection, now: dt.datetime) -> dict[str, Any]:
    """What was observed, as the change board reads it: schedules with their gaps, coverage, newest points."""
    parsed = parse_all(seen.schedules, now)
    by_expr = {id(p.record): p for p in parsed}
    since = now - dt.timedelta(hours=section.failed_jobs_window_h)
    resources = []
    for resource in section.resources:
        done = [p for p in seen.points if p.resource == resource and p.status.upper() in GOOD_POINT
                and p.completed_at is not None]
        newest = max(done, key=lambda p: p.completed_at) if done else None
        covering = [p for p in parsed if resource in p.record.covers]
        kept = [p for p in covering if _kept(p.record, section)]
        gap = schedules.largest_gap([p.schedule for p in kept], now) if kept else None
        resources.append({
            "resource": resource, "covered_by": [p.name for p in covering],
            "largest_gap_h_of_rules_kept_long_enough": gap.hours if gap else None,
            "copies_to": sorted({c for p in covering for c in p.record.copies_to}),
            "newest_completed_recovery_point": newest.completed_at.isoformat() if newest else None,
            "newest_age_h": round(_age_h(newest.completed_at, now), 2) if newest else None,
            "recovery_points_seen": sum(1 for p in seen.points if p.resource == resource),
            "protections": [{"settings": p.settings, "source": p.source} for p in seen.protections
                            if p.resource == resource]})
    return {
        "observed_at": now.isoformat(timespec="seconds"),
        "required": {"interval_h": section.interval_h, "retention_days": section.retention_days,
                     "newest_recovery_point_younger_than_h": section.recent_h,
                     "failed_jobs_window_h": section.failed_jobs_window_h, "cross_region": section.cross_region,
                     "schedules": section.schedules},
        "schedules": [{
            "plan": rec.plan, "rule": rec.rule, "expression": rec.expression, "timezone": rec.timezone,
            "parsed_as": by_expr[id(rec)].schedule.kind if id(rec) in by_expr else "unreadable",
            "not_returned": list(rec.unknown),
            "largest_gap_h": by_expr[id(rec)].gap.hours if id(rec) in by_expr else None,
            "gap_window": by_expr[id(rec)].gap.describe() if id(rec) in by_expr else None,
            "retention_days": rec.retention_days, "covers": list(rec.covers), "copies_to": list(rec.copies_to),
            "source": rec.source} for rec in seen.schedules],
        "resources": resources,
        "jobs_in_window": {"total": sum(1 for j in seen.jobs if j.at >= since),
                           "failed": [{"resource": j.resource, "state": j.state, "at": j.at.isoformat(),
                                       "source": j.source} for j in seen.jobs
                                      if j.at >= since and j.state.upper().replace("_", "") in BAD_JOB]},
    }
