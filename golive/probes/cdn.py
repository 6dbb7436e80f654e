"""CDN probe: fetch a static asset twice; the second answer must come from the cache with its policy.

Two GETs per asset, no more (the first may warm the cache). ``problems`` judges the second answer (pure).
Cache-Control is parsed with werkzeug's ``parse_cache_control_header``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import httpx
from werkzeug.datastructures import ResponseCacheControl
from werkzeug.http import parse_cache_control_header

from golive.probes.http import describe_error
from golive.verdict import CouldNotObserve, Fact

REQUESTS_PER_ASSET = 2
RUNBOOK = "runbook 000 (lines 597-601)"


@dataclass(frozen=True)
class Fetch:
    attempt: int
    status: int
    headers: tuple[tuple[str, str], ...]
    elapsed_ms: float

    def value(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass(frozen=True)
class CdnObservation:
    """Both answers for one asset, in order."""

    name: str
    url: str
    fetches: tuple[Fetch, ...]

    @property
    def second(self) -> Fetch:
        return self.fetches[-1]


def observe(client: httpx.Client, name: str, url: str) -> CdnObservation:
    fetches = []
    for attempt in range(1, REQUESTS_PER_ASSET + 1):
        started = time.perf_counter()
        try:
            response = client.get(url, follow_redirects=False)
            response.read()
        except httpx.HTTPError as exc:
            raise CouldNotObserve(f"CDN asset {name} ({url})", describe_error(exc)) from None
        fetches.append(Fetch(attempt, response.status_code,
                             tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw),
                             round((time.perf_counter() - started) * 1000, 1)))
    return CdnObservation(name, url, tuple(fetches))


def problems(obs: CdnObservation, section) -> list[str]:
    """Every way the second answer is not a cache hit with the profile's policy. ``section``: CdnSection."""
    second = obs.second
    if second.status != 200:
        return [f"second request answered HTTP {second.status}, expected 200 from the cache"]
    found: list[str] = []
    statuses = {h: second.value(h) for h in section.cache_status_headers}
    present = {h: v for h, v in statuses.items() if v is not None}
    if not present:
        found.append(f"no {' or '.join(section.cache_status_headers)} header on the second request; {RUNBOOK} "
                     f"expects X-Cache: Hit from cloudfront (or Azure CDN)")
    elif not any(re.search(section.hit_pattern, v) for v in present.values()):
        said = ", ".join(f"{h}: {v}" for h, v in present.items())
        found.append(f"second request not served from cache ({said}); {RUNBOOK} expects a Hit")
    age = second.value("Age")
    if section.require_age:
        if age is None:
            found.append(f"no Age header on the second request; {RUNBOOK} expects Age on a cached answer")
        elif not age.strip().isdigit():
            found.append(f"Age is {age!r}, not a number of seconds")
    if section.min_max_age_s is not None:
        raw = second.value("Cache-Control")
        policy = parse_cache_control_header(raw, cls=ResponseCacheControl)
        lifetime = policy.s_maxage if policy.s_maxage is not None else policy.max_age
        if raw is None:
            found.append(f"no Cache-Control; the profile's cache policy requires max-age >= {section.min_max_age_s} s")
        elif policy.no_store or lifetime is None or lifetime < section.min_max_age_s:
            found.append(f"Cache-Control is {raw!r}; the profile's cache policy requires max-age >= "
                         f"{section.min_max_age_s} s")
    return found


def facts(obs: CdnObservation, section) -> list[Fact]:
    """CDN drift (live half): per asset (by the profile's name, never its URL or port) the second answer's status,
    cache status and Cache-Control; the Age it carries moves on its own (volatile: present and a number or not)."""
    second = obs.second
    present = {h: v for h in section.cache_status_headers if (v := second.value(h)) is not None}
    hit = any(re.search(section.hit_pattern, v) for v in present.values())
    age = second.value("Age")
    control = second.value("Cache-Control")
    policy = parse_cache_control_header(control, cls=ResponseCacheControl)
    lifetime = policy.s_maxage if policy.s_maxage is not None else policy.max_age
    return [Fact(obs.name, "second request status", second.status, 200, second.status == 200),
            Fact(obs.name, "cache status", "; ".join(f"{h}: {v}" for h, v in present.items()) or None,
                 section.hit_pattern, hit),
            Fact(obs.name, "Age", age, "present" if section.require_age else None,
                 (age is not None and age.strip().isdigit()) if section.require_age else None, volatile=True),
            Fact(obs.name, "Cache-Control", control,
                 None if section.min_max_age_s is None else f"max-age >= {section.min_max_age_s}",
                 None if section.min_max_age_s is None else (control is not None and not policy.no_store
                                                             and lifetime is not None
                                                             and lifetime >= section.min_max_age_s))]
