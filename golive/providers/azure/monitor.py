"""Azure Monitor: metric alert rules and action groups."""

from __future__ import annotations

from typing import Any


def metric_alerts(az: Any) -> list[dict]:
    return az.read("monitor", "metric alert rules",
                   lambda c: c.metric_alerts.list_by_resource_group(az.resource_group))


def action_groups(az: Any) -> list[dict]:
    return az.read("monitor", "action groups", lambda c: c.action_groups.list_by_resource_group(az.resource_group))
