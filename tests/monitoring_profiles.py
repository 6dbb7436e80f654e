"""Profiles for the ALARMS, SECRETS and LOG-RETENTION self-tests: the sections of profiles/local.yaml (what the
lab seeds) and social-platform.yaml, with providers pointed at a started lab variant."""

from __future__ import annotations

import copy
import http.cookiejar  # noqa: F401  (imported before pytester's in-process runs, which forget later imports:
from typing import Any  # the Azure SDK's requests session would otherwise meet a second http.cookiejar)

import azure.mgmt.keyvault  # noqa: F401
import azure.mgmt.loganalytics  # noqa: F401
import azure.mgmt.monitor  # noqa: F401
import requests  # noqa: F401
import yaml

from gate import ROOT, profile_dict
from golive.lab.components.aws import profile_block
from golive.lab.components.azure import profile_block as azure_block

PROFILES = {name: yaml.safe_load((ROOT / "profiles" / f"{name}.yaml").read_text())["items"]
            for name in ("local", "social-platform")}


def section(item: str, cloud: str | None = None, profile: str = "local", **over: Any) -> dict[str, Any]:
    """``item``'s section of a profile; for ALARMS only the alarms of ``cloud``."""
    found = copy.deepcopy(PROFILES[profile][item])
    if cloud is not None and item == "ALARMS":
        found["alarms"] = [a for a in found["alarms"] if a["cloud"] == cloud]
    return {**found, **over}


def aws(started) -> dict[str, Any]:
    return {"aws": {**profile_block(started), "max_attempts": 1, "timeout_s": 5}}


def azure(started) -> dict[str, Any]:
    return {"azure": {**azure_block(started), "max_retries": 0, "timeout_s": 5}}


def kubernetes(started) -> dict[str, Any]:
    return {"kubernetes": {"kubeconfig": started.endpoints["kubeconfig"], "context": started.endpoints["context"],
                           "namespaces": ["social-platform-production", "production"], "max_attempts": 1}}


PROVIDERS = {"aws": aws, "azure": azure, "kubernetes": kubernetes}


def aws_restricted(started, deny: list[str]) -> dict[str, Any]:
    """providers.aws reading ``started``'s account as a reader denied the calls ``deny`` names (403 AccessDenied)."""
    from golive.lab.aws.restricted import restricted_reader
    found = aws(started)
    found["aws"].update(restricted_reader(started, deny))
    return found


def profile(item: str, body: dict[str, Any], providers: dict[str, Any], runbooks: tuple[str, ...] = ("000",)):
    return profile_dict({item: body}, providers=providers, runbooks=list(runbooks))
