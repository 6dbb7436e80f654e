"""Profile section of BACKUPS: backups every 6 h kept 30 days, proven by recent recovery points.

Runbook 000 (AWS Backup: every 6 h at 0, 6, 12, 18 UTC, 30 days; RDS, S3), runbook 002 (snapshots every
6 h, 30 days for all backups, point-in-time recovery, versioning on S3/Blob, geo-redundant backups to a
secondary region, RPO 6 h), runbook 001 (last backup verified < 24 h old).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from golive.profile.base import Section


class BackupsSection(Section):
    interval_h: float = Field(default=6, gt=0, le=168, description="largest gap allowed between backups kept "
                                                                    "retention_days (runbooks 000/002: 6 h)")
    retention_days: float = Field(default=30, gt=0, le=3650, description="days every backup is kept (runbooks "
                                                                          "000/002: 30)")
    grace_h: float = Field(default=1, ge=0, le=24, description="how late the newest recovery point may be beyond "
                                                               "interval_h (start window plus backup duration)")
    max_age_h: float | None = Field(default=None, gt=0, le=720, description="newest completed backup younger "
                                                                            "than this, when stricter than "
                                                                            "interval + grace (runbook 001: 24)")
    failed_jobs_window_h: float = Field(default=24, gt=0, le=48, description="no failed/expired backup job in "
                                                                             "this many hours")
    resources: list[str] = Field(min_length=1, description="the data resources that must be backed up, by the "
                                                           "name the platform gives them (RDS identifier, S3 "
                                                           "bucket, Azure server name, Kubernetes namespace)")
    schedules: list[str] = Field(default_factory=list, description="backup plans/policies/schedules that must "
                                                                   "exist by name (AWS Backup plan, Data "
                                                                   "Protection policy, Velero Schedule)")
    cross_region: list[str] = Field(default_factory=list, description="resources whose backups must be copied "
                                                                      "to another region (runbook 002: "
                                                                      "geo-redundant backups)")
    point_in_time_recovery: bool = Field(default=True, description="databases keep point-in-time recovery on "
                                                                   "(runbook 002)")
    versioning: bool = Field(default=True, description="object storage keeps versioning on (runbook 002)")

    @model_validator(mode="after")
    def _cross_region_is_covered(self) -> BackupsSection:
        unknown = sorted(set(self.cross_region) - set(self.resources))
        if unknown:
            raise ValueError(f"cross_region names {', '.join(unknown)}, which resources does not list")
        return self

    @property
    def recent_h(self) -> float:
        """How old the newest completed recovery point may be."""
        limit = self.interval_h + self.grace_h
        return min(limit, self.max_age_h) if self.max_age_h is not None else limit
