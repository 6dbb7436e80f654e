"""HEALTH probe: fetch a health endpoint and judge its body against the runbook's JSON contract."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from golive.probes.http import DeadlineExceeded, describe_error
from golive.verdict import CouldNotObserve, Fact


@dataclass(frozen=True)
class HealthObservation:
    """What one health endpoint answered: status, content type, body (JSON when it parsed), time taken."""

    url: str
    status: int
    content_type: str
    body_text: str
    body_json: Any
    elapsed_ms: float
    timed_out: bool = False


def observe(client: httpx.Client, url: str, name: str | None = None) -> HealthObservation:
    """GET the endpoint once. Connecting that fails is 'could not observe'; a server that accepts the
    connection but does not answer in time is observed as timed out (a breach, not blindness). ``name``: the
    profile's name for the endpoint, in the blind spot."""
    started = time.perf_counter()
    try:
        response = client.get(url)
    except (httpx.ReadTimeout, DeadlineExceeded):  # slow, or dripping: not an answer in time
        elapsed = (time.perf_counter() - started) * 1000
        return HealthObservation(url, 0, "", "", None, round(elapsed, 1), timed_out=True)
    except httpx.HTTPError as exc:
        raise CouldNotObserve(f"{name} ({url})" if name else url, describe_error(exc)) from None
    elapsed = (time.perf_counter() - started) * 1000
    try:
        parsed = json.loads(response.text)
    except ValueError:
        parsed = None
    return HealthObservation(url, response.status_code, response.headers.get("content-type", ""),
                             response.text[:2000], parsed, round(elapsed, 1))


def _deps_down(deps: Any, up: set[str], where: str) -> list[str]:
    if not isinstance(deps, dict) or not deps:
        return [f"{where} is missing or empty"]
    problems = []
    for name, state in deps.items():
        value = state.get("status") if isinstance(state, dict) else state
        if value not in up:
            problems.append(f"{where}.{name} is {value!r}, expected one of {sorted(up)}")
    return problems


def contract_problems(contract: str, obs: HealthObservation) -> list[str]:
    """Every way the answer breaks the named contract (runbooks 000, 003 and 004); empty when it holds."""
    if obs.timed_out:
        return [f"no complete answer within {obs.elapsed_ms / 1000:.1f} s (the profile's timeout)"]
    if obs.status != 200:
        return [f"answered HTTP {obs.status}, expected 200"]
    if contract == "silenttalk-client":
        return [] if obs.body_text.strip() == "healthy" else [f"body is {obs.body_text[:60]!r}, expected 'healthy'"]
    body = obs.body_json
    if not isinstance(body, dict):
        return [f"body is not a JSON object (content-type {obs.content_type or 'none'}): {obs.body_text[:60]!r}"]
    expected_status = {"silenttalk-api": {"healthy"}, "enterprise-health": {"healthy"}, "enterprise-live": {"ok"},
                       "enterprise-ready": {"ready"}, "status-ok": {"ok", "healthy", "up", "pass", "ready"}}[contract]
    problems = []
    if body.get("status") not in expected_status:
        problems.append(f"status is {body.get('status')!r}, expected {' or '.join(sorted(expected_status))}")
    if contract == "silenttalk-api":
        deps = {k: body.get(k) for k in ("database", "redis")}
        problems += _deps_down(deps, {"connected"}, "body")
    elif contract == "enterprise-health":
        problems += _deps_down(body.get("services"), {"healthy"}, "services")
    elif contract == "enterprise-ready":
        problems += _deps_down(body.get("checks"), {"connected"}, "checks")
    return problems


def facts(name: str, contract: str, obs: HealthObservation) -> list[Fact]:
    """HEALTH drift: per endpoint (by the profile's name, never its URL or port) the status answered, the body's
    status and dependency states, and whether the contract held; the time taken is volatile."""
    held = not contract_problems(contract, obs)
    out = [Fact(name, "HTTP status", "timed out" if obs.timed_out else obs.status, 200,
                not obs.timed_out and obs.status == 200),
           Fact(name, "contract", contract, "holds", held),
           Fact(name, "elapsed ms", obs.elapsed_ms, "within the timeout", not obs.timed_out, volatile=True)]
    body = obs.body_json
    if contract == "silenttalk-client" or not isinstance(body, dict):
        return out + [Fact(name, "body", obs.body_text.strip()[:60] if obs.status == 200 else None)]
    out.append(Fact(name, "body status", body.get("status")))
    deps = {"silenttalk-api": {k: body.get(k) for k in ("database", "redis")},
            "enterprise-health": body.get("services"), "enterprise-ready": body.get("checks")}.get(contract)
    for dep, state in sorted(deps.items()) if isinstance(deps, dict) else ():
        out.append(Fact(name, f"dependency {dep}", state.get("status") if isinstance(state, dict) else state))
    return out
