"""Log Analytics workspaces (retentionInDays)."""

from __future__ import annotations

from typing import Any


def workspaces(az: Any) -> list[dict]:
    return az.read("loganalytics", "Log Analytics workspaces",
                   lambda c: c.workspaces.list_by_resource_group(az.resource_group))
