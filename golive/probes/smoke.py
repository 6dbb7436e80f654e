"""SMOKE probe: run one chain of profile-declared requests, each judged on status, JSON fields and time limit.

A step's ``extract`` takes values from its JSON answer by a small JSON path (``$.access_token``) for later steps'
``{placeholders}``; credentials fill placeholders from secret references. Values (credentials, tokens) never
enter an observation: it keeps the URL template, the answer's top-level keys and which paths were found.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

import httpx

from golive.probes.http import DeadlineExceeded, client, describe_error
from golive.profile.items.smoke import PLACEHOLDER, SmokeChain, SmokeStep
from golive.verdict import CouldNotObserve, Fact

_SEGMENT = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]")
_MISSING = object()


@dataclass(frozen=True)
class StepObservation:
    """What one step's request got: status, time, the answer's top-level keys, paths missing, values extracted."""

    chain: str
    step: str
    method: str
    url: str  # the template: placeholders stay unresolved, so no token or credential is kept
    status: int | None
    elapsed_ms: float
    timed_out: bool
    json_keys: tuple[str, ...]
    missing: tuple[str, ...]  # expected fields and extract paths absent from the answer
    extracted: tuple[str, ...]  # names extracted (never the values)
    writes: str | None  # the reason, when the step writes


def find(doc: Any, path: str) -> Any:
    """The value at ``path`` ($.a.b[0]) in ``doc``, or _MISSING."""
    node = doc
    for key, index in _SEGMENT.findall(path[1:]):
        if key and isinstance(node, dict) and key in node:
            node = node[key]
        elif index and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
        else:
            return _MISSING
    return node


def fill(node: Any, values: dict[str, str]) -> Any:
    """``node`` (a string, or a JSON body) with every {name} replaced by its value."""
    if isinstance(node, str):
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], node)
    if isinstance(node, dict):
        return {k: fill(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [fill(v, values) for v in node]
    return node


def credentials(chain: SmokeChain) -> dict[str, str]:
    """The chain's secrets; one that resolves to nothing makes the chain unobservable, naming where it looked."""
    values = {}
    for name, ref in chain.credentials.items():
        value = ref.value()
        if value is None:
            raise CouldNotObserve(f"smoke chain {chain.name}", f"credential {name} is not set ({ref.describe()})")
        values[name] = value
    return values


def run_step(chain: str, step: SmokeStep, values: dict[str, str], ca_bundle) -> tuple[StepObservation, dict]:
    """Send the step once within its time limit; returns the observation and the values it extracted."""
    started = time.perf_counter()
    body = None if step.body is None else fill(step.body, values)
    try:
        with client(ca_bundle, step.time_limit_s) as http:
            response = http.request(step.method, fill(step.url, values), json=body,
                                    headers={k: fill(v, values) for k, v in step.headers.items()})
    except (httpx.ReadTimeout, DeadlineExceeded):
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        return StepObservation(chain, step.name, step.method, step.url, None, elapsed, True, (), (), (),
                               step.reason if step.writes else None), {}
    except httpx.HTTPError as exc:
        raise CouldNotObserve(f"smoke chain {chain} step {step.name} ({step.url})", describe_error(exc)) from None
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    try:
        doc = json.loads(response.text) if response.text else None
    except ValueError:
        doc = None
    wanted = [*step.fields, *step.extract.values()]
    missing = tuple(p for p in wanted if find(doc, p) is _MISSING)
    extracted = {name: str(v) for name, path in step.extract.items() if (v := find(doc, path)) is not _MISSING}
    keys = tuple(sorted(doc)) if isinstance(doc, dict) else ()
    return StepObservation(chain, step.name, step.method, step.url, response.status_code, elapsed, False, keys,
                           missing, tuple(sorted(extracted)), step.reason if step.writes else None), extracted


def problems(step: SmokeStep, seen: StepObservation) -> list[str]:
    """Every way the answer breaks the step: late, wrong status, fields missing."""
    if seen.timed_out:
        return [f"no complete answer within {step.time_limit_s:g} s (the step's time limit)"]
    found = []
    if seen.status != step.status:
        found.append(f"answered HTTP {seen.status}, expected {step.status}")
    if seen.missing:
        found.append(f"JSON field(s) missing: {', '.join(seen.missing)} (answer has {', '.join(seen.json_keys) or 'no JSON object'})")
    return found


def facts(step: SmokeStep, seen: StepObservation) -> list[Fact]:
    """SMOKE drift: per chain and step (by the profile's names, never a URL, token or port) the status answered
    and the JSON fields missing; the time taken is volatile (compared by whether it was within the limit)."""
    where = f"{seen.chain} / {seen.step}"
    return [Fact(where, "HTTP status", "timed out" if seen.timed_out else seen.status, step.status,
                 not seen.timed_out and seen.status == step.status),
            Fact(where, "JSON fields missing", sorted(seen.missing), [], not seen.missing),
            Fact(where, "elapsed ms", seen.elapsed_ms, f"<= {step.time_limit_s * 1000:g}", not seen.timed_out,
                 volatile=True)]
