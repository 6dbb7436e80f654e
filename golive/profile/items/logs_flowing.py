"""Profile section of LOGS-FLOWING: the named log groups and namespaces received events in the last minutes, and
the error-level share of those events is under the threshold.

Runbook 000 line 624 "Verify logs flowing" (``aws logs tail /ecs/silenttalk-production-server``); runbook 004 step
5.4 ``kubectl logs deployment/auth-service -n production --tail=100``; Log Analytics ``ContainerLog | limit 10``
(runbook 000 line 624); the error share bound is runbook 004's
rollback trigger (error rate > 5 %). Reads are bounded: ``max_events`` per stream or pod.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from golive.profile.base import Section

ERROR_LEVEL = r'\b(ERROR|FATAL|CRITICAL|PANIC)\b|"level"\s*:\s*"(error|fatal|critical|panic)"'


class LogsFlowingSection(Section):
    window_min: int = Field(default=15, gt=0, le=1440, description="events within the last N minutes")
    max_error_share: float = Field(default=0.05, ge=0.0, le=1.0,
                                   description="error-level events / events in the window (runbook 004: 5 %)")
    error_pattern: str = Field(default=ERROR_LEVEL, max_length=500, description="regex of an error-level line")
    max_events: int = Field(default=200, gt=0, le=10_000, description="events read per stream or pod (tail)")
    log_groups: list[str] = Field(default_factory=list, max_length=100, description="CloudWatch log group names")
    namespaces: list[str] = Field(default_factory=list, max_length=50, description="Kubernetes namespaces whose "
                                                                                   "pods' logs must flow")
    workspaces: list[str] = Field(default_factory=list, max_length=20,
                                  description="Log Analytics workspace names (providers.azure resource group) whose "
                                              "ContainerLog must flow; errors are counted by golive's fixed KQL terms "
                                              "(error, fatal, critical, panic, exception), not error_pattern")

    @field_validator("error_pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"error_pattern is not a regular expression: {exc}") from None
        return value

    @model_validator(mode="after")
    def _something(self) -> LogsFlowingSection:
        if not (self.log_groups or self.namespaces or self.workspaces):
            raise ValueError("name at least one log group, namespace or Log Analytics workspace (or declare the item "
                             "not_applicable)")
        return self
