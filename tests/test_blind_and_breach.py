"""Partial observation, whole verdict (issue 13), for every checklist item: one blind read or target beside one
breach is **non-compliant** (exit 1), naming the breach and the blind spot; never could-not-observe, never a pass.

Generated from the registry like the fail-closed matrix: an item without a case here fails, so a new check is
covered when it lands. Cloud items read a configuration-only profile (tests/test_config_only.py) from one broken
emulated cloud and one cloud whose API is down; live items judge a broken lab server beside a closed port.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Imported before pytester's in-process runs (see tests/test_check_multi_az.py for why).
import azure.core.pipeline.transport  # noqa: F401
import pytest
import requests  # noqa: F401

import lab_providers
from gate import profile_dict, run_gate
from golive.lab.runtime import free_port
from golive.registry import ITEMS
from test_config_only import config_only


@dataclass(frozen=True)
class Cloud:
    """The breach comes from ``broken`` (cloud, variant); ``blind`` is a cloud whose API is down."""

    broken: tuple[str, str]
    blind: str
    says: str  # a piece of the finding's text


@dataclass(frozen=True)
class Live:
    variant: tuple[str, str]
    says: str


CASES: dict[str, Cloud | Live] = {
    "MULTI-AZ": Cloud(("kubernetes", "nodes-two-zones"), "aws", "Kubernetes nodes: 2 zones"),
    "ROLLOUT": Cloud(("kubernetes", "rollout-pod-not-ready"), "aws", "4 of 5 replicas ready"),
    "BACKUPS": Cloud(("azure", "backup-retention-7d"), "aws", "7"),
    "ALARMS": Cloud(("azure", "alerts-no-actions"), "aws", "action"),
    "DASHBOARDS": Cloud(("azure", "portal-dashboard-no-5xx"), "aws", "does not chart Http5xx"),
    "SECRETS": Cloud(("azure", "kv-no-purge-protection"), "aws", "urge"),
    "LOG-RETENTION": Cloud(("azure", "logs-retention-7d"), "aws", "7 days"),
    "LOGS-FLOWING": Cloud(("kubernetes", "logs-errors"), "aws", "are error-level"),
    "AUTOSCALING": Cloud(("kubernetes", "hpa-target-90"), "aws", "90"),
    "WAF-429": Cloud(("aws", "waf-plain-block"), "azure", "403"),
    "CDN": Cloud(("azure", "afd-route-no-cache"), "aws", "cach"),
    "TLS-ONLY": Cloud(("azure", "app-tls12"), "aws", "1.2"),
    "TURN": Cloud(("azure", "nsg-ssh-world"), "aws", "22"),
    "HEALTH": Live(("nginx", "health-wrong-status"), "HTTP"),
    "SEC-HEADERS": Live(("nginx", "no-hsts"), "Strict-Transport-Security"),
    "LATENCY-P95": Live(("latency", "slow"), "p95"),
    "WEBSOCKET": Live(("websocket", "no-pong"), "no pong"),
    "SMOKE": Live(("smoke", "wrong-status"), "expected 201"),
}


def _down(lab, cloud: str) -> dict[str, Any]:
    """A providers block for ``cloud`` with its credentials, whose API nobody answers (a closed loopback port)."""
    closed = free_port()
    if cloud == "aws":
        return lab_providers.aws(lab("aws"), endpoint_url=f"http://127.0.0.1:{closed}", timeout_s=2)
    if cloud == "azure":
        return lab_providers.azure(lab("azure"), arm_endpoint=f"https://127.0.0.1:{closed}", timeout_s=2)
    raise AssertionError(f"no 'down' block for {cloud}")


def _cloud_profile(lab, case: Cloud) -> dict[str, Any]:
    cloud, variant = case.broken
    broken = getattr(lab_providers, cloud)(lab(cloud, variant))
    return config_only({**broken, **_down(lab, case.blind)})


def _live_profile(lab, lab_rt, item_id: str, case: Live) -> dict[str, Any]:
    lab_rt.ca()
    site = lab(*case.variant)
    closed = f"https://127.0.0.1:{free_port()}"
    https_only = {"not_applicable": "HTTPS only: no listener on 80"}
    sections = {
        "HEALTH": {"timeout_s": 2.0, "endpoints": [
            {"name": "down", "url": f"{closed}/health", "contract": "silenttalk-api"},
            {"name": "broken", "url": f"{site.endpoints.get('https')}/health", "contract": "silenttalk-api"}]},
        "SEC-HEADERS": {"timeout_s": 2.0, "origins": [
            {"name": "down", "url": f"{closed}/", "http_url": https_only},
            {"name": "broken", "url": f"{site.endpoints.get('https')}/", "http_url": https_only}]},
        "LATENCY-P95": {"endpoints": [{"name": "down", "url": f"{closed}/api"},
                                      {"name": "broken", "url": site.endpoints.get("api")}],
                        "rate_per_s": 20, "duration_s": 1.0, "max_requests": 200, "timeout_s": 2.0},
        "WEBSOCKET": {"timeout_s": 1.0, "connections": 1, "endpoints": [
            {"name": "down", "url": f"wss://127.0.0.1:{free_port()}/ws"},
            {"name": "broken", "url": site.endpoints.get("wss", "wss://127.0.0.1:1/ws")}]},
        "SMOKE": {"chains": [
            {"name": "down", "steps": [{"name": "list", "url": f"{closed}/v1/users"}]},
            {"name": "broken", "steps": [
                {"name": "register", "method": "POST", "url": f"{site.endpoints.get('https')}/api/auth/register",
                 "status": 201, "writes": True, "reason": "the lab app keeps nothing"}]}]},
    }
    return profile_dict({item_id: sections[item_id]}, runbooks=["000", "001", "003"],
                        trust={"ca_bundle": str(lab_rt.ca_file)})


@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_one_blind_read_beside_one_breach_is_non_compliant_naming_both(item, pytester, lab, lab_rt):
    case = CASES.get(item.id)
    assert case is not None, f"add a blind-and-breach case for {item.id} to {Path(__file__).name}"
    profile = _cloud_profile(lab, case) if isinstance(case, Cloud) else _live_profile(lab, lab_rt, item.id, case)
    result = run_gate(pytester, profile, Path(item.module).name)
    messages = result.messages(item.id)
    assert result.verdict(item.id) == "non-compliant", f"{item.id}: {result.verdict(item.id)}\n{messages}\n" + \
        result.output[-3000:]
    assert result.ret == 1, result.output[-2000:]
    assert case.says in messages, messages
    assert "Not observed" in messages, messages  # the blind spot is named beside the breach
    assert result.summary["items"][item.id]["blind_spots"], result.summary["items"][item.id]
