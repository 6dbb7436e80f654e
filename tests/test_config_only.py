"""A configuration-only profile (issue 13): every item's cloud half, no live endpoint, for the pre-traffic go-live
review. Built from the `local` profile by declaring each live half `{not_applicable: reason}` (and the items that
are live only), it passes on the compliant emulated clouds and names every broken field on broken ones."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

# Imported before pytester's in-process runs (see tests/test_check_multi_az.py for why).
import azure.core.pipeline.transport  # noqa: F401
import requests  # noqa: F401

import lab_providers
from gate import profile_dict, run_gate
from golive.profile.load import load_profile
from golive.registry import ITEMS

BEFORE_TRAFFIC = "configuration-only review before traffic: no live endpoint yet"
LIVE_ONLY = ("HEALTH", "SEC-HEADERS", "LATENCY-P95", "WEBSOCKET", "SMOKE")
LIVE_HALF = {"TLS-ONLY": "live", "CDN": "assets", "WAF-429": "live", "TURN": "live", "AUTOSCALING": "live",
             "ROLLOUT": "health", "DASHBOARDS": "grafana"}


def config_only(providers: dict[str, Any]) -> dict[str, Any]:
    """The `local` profile's items with every live half declared not applicable, read from ``providers``."""
    items = copy.deepcopy(load_profile("local").raw["items"])
    for item_id in LIVE_ONLY:
        items[item_id] = {"not_applicable": BEFORE_TRAFFIC}
    for item_id, half in LIVE_HALF.items():
        items[item_id][half] = {"not_applicable": BEFORE_TRAFFIC}
    return profile_dict(items, runbooks=["000", "001", "002", "003", "004"], providers=providers)


def _providers(lab, aws: str = "compliant", azure: str = "compliant", kubernetes: str = "compliant") -> dict:
    return {**lab_providers.aws(lab("aws", aws)), **lab_providers.azure(lab("azure", azure)),
            **lab_providers.kubernetes(lab("kubernetes", kubernetes))}


def _modules() -> list[str]:
    return [Path(item.module).name for item in ITEMS]


def test_a_configuration_only_profile_passes_on_the_compliant_clouds(pytester, lab):
    result = run_gate(pytester, config_only(_providers(lab)), *_modules())
    verdicts = {item.id: result.verdict(item.id) for item in ITEMS}
    assert {i: v for i, v in verdicts.items() if i in LIVE_ONLY} == dict.fromkeys(LIVE_ONLY, "not-applicable")
    assert {i: v for i, v in verdicts.items() if i not in LIVE_ONLY} == \
        {i: "passed" for i in verdicts if i not in LIVE_ONLY}, result.output[-4000:]
    assert result.ret == 0


def test_a_configuration_only_profile_names_every_broken_field(pytester, lab):
    result = run_gate(pytester, config_only(_providers(lab, aws="alarms-broken", azure="logs-retention-7d",
                                                       kubernetes="nodes-two-zones")), *_modules())
    assert result.ret == 1, result.output[-4000:]
    assert result.verdict("ALARMS") == "non-compliant"
    assert "threshold is > 90" in result.messages("ALARMS") and "MemoryUtilization" in result.messages("ALARMS")
    assert result.verdict("LOG-RETENTION") == "non-compliant" and "7 days" in result.messages("LOG-RETENTION")
    assert result.verdict("MULTI-AZ") == "non-compliant" and "Kubernetes nodes: 2 zones" in result.messages("MULTI-AZ")
    assert result.verdict("HEALTH") == "not-applicable"
