"""A profile's ``providers`` block for a started lab emulator (AWS, Azure, Kubernetes), with short timeouts and
no retries, so a self-test that points one at a closed port fails closed quickly."""

from __future__ import annotations

from typing import Any

from golive.lab.components.aws import profile_block
from golive.lab.components.azure import profile_block as azure_block


def aws(started: Any, **over: Any) -> dict[str, Any]:
    return {"aws": {**profile_block(started), "max_attempts": 1, "timeout_s": 5, **over}}


def azure(started: Any, **over: Any) -> dict[str, Any]:
    return {"azure": {**azure_block(started), "max_retries": 0, "timeout_s": 5, **over}}


def kubernetes(started: Any, namespaces: tuple[str, ...] = ("social-platform-production", "production"),
               **over: Any) -> dict[str, Any]:
    e = started.endpoints
    return {"kubernetes": {"kubeconfig": e["kubeconfig"], "context": e["context"], "namespaces": list(namespaces),
                           "max_attempts": 1, **over}}
