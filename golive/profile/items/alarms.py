"""Profile section of ALARMS: the runbook's alarms, each as the alarm that must watch it.

Every alarm names its cloud and the metric on a resource; golive finds the alarm (by ``alarm`` name when given,
else by metric and resource) and compares metric, namespace, dimensions, statistic, comparison, threshold,
period, window (period x evaluation periods / windowSize / ``for:``) and missing-data treatment. Fields the
runbook does not state are left out (None) and then only shown in evidence, never judged.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from golive.profile.base import DAY_S, Section

MissingData = Literal["breaching", "notBreaching", "ignore", "missing"]


class ExpectedAlarm(Section):
    name: str = Field(min_length=1, description="what the runbook calls it, in messages (cpu, 5xx, error-rate)")
    says: str = Field(min_length=1, description="the runbook's words (\"CPU > 70% for 5 minutes\")")
    runbook: str | None = Field(default=None, pattern=r"^\d{3}$", description="runbook number; the section's when absent")
    cloud: Literal["aws", "azure", "kubernetes"]
    alarm: str | None = Field(default=None, description="the alarm / alert / rule name; when absent, any alarm on "
                                                        "the metric and resource")
    metric: str = Field(min_length=1, description="MetricName / metricName / a metric the PromQL expression reads")
    namespace: str | None = Field(default=None, description="CloudWatch Namespace / Azure metricNamespace")
    resource: str | None = Field(default=None, description="the resource watched (dimension value such as the ALB's "
                                                           "name, Azure scope name)")
    dimensions: dict[str, str] = Field(default_factory=dict, description="dimensions / label matchers that must be set")
    statistic: str | None = Field(default=None, description="Statistic / timeAggregation (Average, Sum, Total...)")
    comparison: Literal[">", ">=", "<", "<=", "=="]
    threshold: float = Field(ge=-1e12, le=1e12, description="the alarm's threshold (units of its metric)")
    of_maximum: float | None = Field(default=None, gt=0, le=1e15, description="the threshold is a percentage of this absolute "
                                                                     "maximum (DB connections > 80 % of "
                                                                     "max_connections when the metric is a count)")
    period_s: int | None = Field(default=None, gt=0, le=DAY_S, description="aggregation period (Period / windowSize / PromQL range)")
    window_s: int | None = Field(default=None, ge=0, le=DAY_S, description="time the condition holds before it fires (Period x "
                                                                 "EvaluationPeriods / windowSize / for:)")
    missing_data: list[MissingData] | None = Field(default=None, description="allowed TreatMissingData (AWS)")

    @property
    def absolute_threshold(self) -> float:
        """The threshold in the metric's unit (a percentage of ``of_maximum`` when that is given)."""
        return self.threshold * self.of_maximum / 100 if self.of_maximum is not None else self.threshold


class AlarmsSection(Section):
    runbook: str = Field(pattern=r"^\d{3}$", description="runbook the alarms come from (per-alarm override: runbook)")
    alarms: list[ExpectedAlarm] = Field(min_length=1)
    require_actions: bool = Field(default=True, description="every alarm must notify someone (SNS topic with a "
                                                            "confirmed subscription, action group with a receiver)")
    alertmanager_route: dict[str, str] = Field(
        default_factory=lambda: {"severity": "critical"},
        description="labels a Prometheus rule must carry for Alertmanager to route it to the on-call receiver")
    fail_when_firing: bool = Field(default=False, description="an alarm in ALARM state fails the item (default: a "
                                                              "warning with evidence)")

    @model_validator(mode="after")
    def _unique_names(self) -> AlarmsSection:
        names = [(a.cloud, a.name) for a in self.alarms]
        if len(names) != len(set(names)):
            raise ValueError("two alarms of one cloud share a name; give each a distinct name")
        return self
