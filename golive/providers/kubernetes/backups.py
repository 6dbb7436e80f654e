"""Kubernetes BACKUPS records: Velero Schedules and Backups (velero.io/v1) in the profile's velero namespace.

A Velero backup covers namespaces, so the resources are namespaces: a Schedule covers its template's
``includedNamespaces`` (empty or ``*``: every namespace of the profile) minus ``excludedNamespaces``, and a
Completed Backup is a recovery point of each namespace it includes. Two list calls per run. A Schedule without
``spec.schedule`` (or with a ttl golive cannot read) is recorded as not returned: a blind spot, not a breach;
a template without ttl keeps Velero's documented default (720h).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from golive.providers.kubernetes import provides
from golive.providers.records import BackupJob, BackupSchedule, RecoveryPoint

DEFAULT_TTL = "720h0m0s"  # Velero's default when a schedule's template sets none


def _when(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def _namespaces(kube: Any, spec: dict[str, Any]) -> tuple[str, ...]:
    included = list(spec.get("includedNamespaces") or [])
    if not included or "*" in included:
        included = list(kube.namespaces)
    excluded = set(spec.get("excludedNamespaces") or [])
    return tuple(ns for ns in dict.fromkeys(included) if ns not in excluded)


@provides
def backup_schedules(kube: Any) -> list[BackupSchedule]:
    from golive.schedules import ScheduleError, go_duration_days

    out = []
    for item in kube.velero_schedules():
        spec, name = item.get("spec") or {}, item["metadata"]["name"]
        template = spec.get("template") or {}
        ttl = template.get("ttl") or DEFAULT_TTL
        unknown = ["spec.schedule"] if not spec.get("schedule") else []
        try:
            days: float | None = go_duration_days(ttl)
        except ScheduleError:
            days, unknown = None, [*unknown, f"spec.template.ttl (unreadable: {ttl!r})"]
        paused = bool(spec.get("paused"))
        out.append(BackupSchedule(
            plan=name, rule="", expression=spec.get("schedule") or "", retention_days=days,
            covers=() if paused else _namespaces(kube, template), unknown=tuple(unknown),
            source=f"velero.io/v1 Schedule {kube.config.velero_namespace}/{name}: spec.schedule, "
                   f"spec.template.ttl {ttl}, spec.template.includedNamespaces"
                   + (", spec.paused true (covers nothing)" if paused else "")))
    return out


@provides
def recovery_points(kube: Any) -> list[RecoveryPoint]:
    out = []
    for item in kube.velero_backups():
        status, name = item.get("status") or {}, item["metadata"]["name"]
        for ns in _namespaces(kube, item.get("spec") or {}):
            out.append(RecoveryPoint(ns, _when(status.get("completionTimestamp")), status.get("phase") or "New",
                                     source=f"velero.io/v1 Backup {name}: status.phase, status.completionTimestamp"))
    return out


@provides
def backup_jobs(kube: Any) -> list[BackupJob]:
    out = []
    for item in kube.velero_backups():
        meta, status = item["metadata"], item.get("status") or {}
        at = (_when(status.get("completionTimestamp")) or _when(status.get("startTimestamp"))
              or _when(meta.get("creationTimestamp")))
        if at is None:
            continue
        errors = f" ({status['errors']} errors)" if status.get("errors") else ""
        out.append(BackupJob(", ".join(_namespaces(kube, item.get("spec") or {})), status.get("phase") or "New", at,
                             source=f"velero.io/v1 Backup {meta['name']}: status.phase{errors}"))
    return out
