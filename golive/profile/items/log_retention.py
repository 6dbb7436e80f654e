"""Profile section of LOG-RETENTION: log groups and workspaces that must keep logs at least ``min_days``.

Runbook 000 lines 719/727 and 002 lines 314-315: CloudWatch Logs and Log Analytics with 30-day retention.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from golive.profile.base import TEN_YEARS_DAYS, Section


class LogRetentionSection(Section):
    min_days: int = Field(default=30, gt=0, le=TEN_YEARS_DAYS, description="retention at least (runbook 002: 30 days)")
    allow_never_expire: bool = Field(default=False, description="a log group without retention (never expires) "
                                                                "passes; off by default: unbounded logs are a "
                                                                "cost and data-protection decision, not a default")
    log_groups: list[str] = Field(default_factory=list, description="CloudWatch log group names")
    log_group_prefixes: list[str] = Field(default_factory=list, description="every log group whose name starts so; "
                                                                            "a prefix matching none fails")
    workspaces: list[str] = Field(default_factory=list, description="Log Analytics workspace names")

    @model_validator(mode="after")
    def _something(self) -> LogRetentionSection:
        if not (self.log_groups or self.log_group_prefixes or self.workspaces):
            raise ValueError("name at least one log group, prefix or workspace (or declare the item not_applicable)")
        return self
