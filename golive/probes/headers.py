"""SEC-HEADERS probe: the headers of an origin's 200, its 404 and its HTTP->HTTPS redirect, and the rules.

``targets`` names at most three requests per origin (two when the origin is declared HTTPS only); ``fetch``
makes one (no redirects followed) and returns every header seen, or CouldNotObserve for that probe alone;
``problems`` judges one response against the profile section (pure). CSP is parsed with werkzeug's
``parse_csp_header``; HSTS with the RFC 6797 grammar below (the library parsers at hand, sslyze's
included, are case- and quote-sensitive).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from werkzeug.http import parse_csp_header

from golive.probes.http import describe_error
from golive.verdict import CouldNotObserve, Fact

Kind = Literal["200", "404", "redirect"]
REQUESTS_PER_ORIGIN = 3
RUNBOOK = "runbook 000 (lines 550-553)"
REDIRECTS = (301, 302, 303, 307, 308)
_WHAT: dict[str, str] = {"200": "page", "404": "error page", "redirect": "HTTP->HTTPS redirect"}


@dataclass(frozen=True)
class SeenResponse:
    """One response: which probe it was, its status, every header in order, where it redirects."""

    origin: str
    kind: Kind
    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    location: str | None
    elapsed_ms: float

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def label(self) -> str:
        return f"{self.origin} {_WHAT[self.kind]} ({self.url} -> {self.status})"


def default_http_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("http", parts.hostname or "", "/", "", ""))


def targets(url: str, http_url: str | None, not_found_path: str, redirect: bool = True) -> list[tuple[Kind, str]]:
    """What is probed on one origin: the page, a path that does not exist, and (unless the profile declares the
    origin HTTPS only, ``redirect=False``) the plain-HTTP URL."""
    found: list[tuple[Kind, str]] = [("200", url), ("404", urljoin(url, not_found_path))]
    if redirect:
        found.append(("redirect", http_url or default_http_url(url)))
    return found


def fetch(client: httpx.Client, origin: str, kind: Kind, target: str, declared: bool = True) -> SeenResponse:
    """One GET, no redirects followed. A request that gets no answer is CouldNotObserve naming this probe alone
    (the origin's other probes still count); ``declared``: the plain-HTTP URL was given in the profile."""
    started = time.perf_counter()
    try:
        response = client.get(target, follow_redirects=False)
    except httpx.HTTPError as exc:
        hint = "" if kind != "redirect" or declared else (
            " (the default plain-HTTP URL, port 80; if the origin serves HTTPS only, declare http_url: "
            "{not_applicable: <reason>})")
        raise CouldNotObserve(f"{origin} {_WHAT[kind]} ({target})", describe_error(exc) + hint) from None
    location = response.headers.get("location")
    return SeenResponse(origin, kind, target, response.status_code,
                        tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw),
                        urljoin(target, location) if location else None,
                        round((time.perf_counter() - started) * 1000, 1))


# --- parsing ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hsts:
    max_age: int | None
    include_subdomains: bool
    preload: bool
    error: str | None = None


_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def parse_hsts(value: str) -> Hsts:
    """RFC 6797 section 6.1: directives separated by ';', names case-insensitive, values token or
    quoted-string, each directive at most once, max-age required."""
    seen: dict[str, str | None] = {}
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        name, _, raw = part.partition("=")
        name = name.strip().lower()
        if not _TOKEN.match(name):
            return Hsts(None, False, False, f"malformed directive {part!r}")
        if name in seen:
            return Hsts(None, False, False, f"directive {name} appears twice (RFC 6797: the header is invalid)")
        raw = raw.strip()
        seen[name] = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else (raw if "=" in part else None)
    max_age = seen.get("max-age")
    if max_age is None or not max_age.isdigit():
        return Hsts(None, "includesubdomains" in seen, "preload" in seen,
                    "max-age is missing" if max_age is None else f"max-age {max_age!r} is not a number")
    return Hsts(int(max_age), "includesubdomains" in seen, "preload" in seen)


def csp_policies(response: SeenResponse) -> list[dict[str, str]]:
    """Every enforced policy: each Content-Security-Policy header, each comma-separated policy in it."""
    out = []
    for value in response.values("Content-Security-Policy"):
        for policy in value.split(","):
            if policy.strip():
                out.append({k.lower(): v for k, v in parse_csp_header(policy).items()})
    return out


def _script_sources(policy: dict[str, str]) -> list[str] | None:
    """The sources that govern scripts (script-src, else default-src); None when the policy does not
    restrict scripts at all."""
    value = policy.get("script-src", policy.get("default-src"))
    return None if value is None else value.lower().split()


def unsafe_script_keywords(policies: Sequence[dict[str, str]]) -> list[str]:
    """What the enforced policies together still let scripts do: a keyword is in effect only if every
    policy allows it (a policy without script-src/default-src allows everything). 'unsafe-inline' beside
    a nonce or hash is ignored by CSP level 2+ browsers and is not counted."""
    effective = []
    for keyword in ("'unsafe-inline'", "'unsafe-eval'"):
        def allows(policy: dict[str, str], keyword: str = keyword) -> bool:
            sources = _script_sources(policy)
            if sources is None:
                return True
            if keyword == "'unsafe-inline'" and any(s.startswith(("'nonce-", "'sha")) for s in sources):
                return False
            return keyword in sources
        if policies and all(allows(p) for p in policies):
            effective.append(keyword)
    return effective


# --- comparing ----------------------------------------------------------------------------------------------
def problems(response: SeenResponse, section) -> list[str]:
    """Every rule this response breaks. ``section`` is the SecHeadersSection (thresholds and waivers)."""
    found: list[str] = []
    if response.kind == "redirect":
        if response.status not in REDIRECTS:
            return [f"answered HTTP {response.status}, not a redirect to https; {RUNBOOK} and the "
                    f"checklist require HTTP to redirect to HTTPS"]
        if not response.location or urlsplit(response.location).scheme != "https":
            found.append(f"redirects to {response.location or 'nowhere (no Location)'}, not to https")
        if not section.headers_on_redirect:
            return found
    else:
        found += _hsts_problems(response, section)
    found += _nosniff_problems(response)
    policies = csp_policies(response)
    found += _frame_problems(response, policies, section)
    found += _csp_problems(response, policies, section)
    return found


def _hsts_problems(response: SeenResponse, section) -> list[str]:
    values = response.values("Strict-Transport-Security")
    if not values:
        return [f"no Strict-Transport-Security; {RUNBOOK} requires max-age >= {section.hsts_min_max_age_s} s"]
    hsts = parse_hsts(values[0])  # RFC 6797 8.1: only the first header is processed
    if hsts.error:
        return [f"Strict-Transport-Security {values[0]!r} is invalid ({hsts.error}); browsers ignore it"]
    found = []
    if hsts.max_age is not None and hsts.max_age < section.hsts_min_max_age_s:
        found.append(f"HSTS max-age is {hsts.max_age} s; {RUNBOOK} requires >= {section.hsts_min_max_age_s} s")
    if section.hsts_include_subdomains and not hsts.include_subdomains:
        found.append(f"HSTS {values[0]!r} lacks includeSubDomains, which the profile requires")
    return found


def _nosniff_problems(response: SeenResponse) -> list[str]:
    values = response.values("X-Content-Type-Options")
    if not values:
        return [f"no X-Content-Type-Options; {RUNBOOK} requires nosniff"]
    if values[0].strip().lower() != "nosniff":
        return [f"X-Content-Type-Options is {values[0]!r}; {RUNBOOK} requires nosniff"]
    return []


def _frame_problems(response: SeenResponse, policies: list[dict[str, str]], section) -> list[str]:
    values = [v.strip() for value in response.values("X-Frame-Options") for v in value.split(",") if v.strip()]
    if values and all(v.upper() == "DENY" for v in values):
        return []
    if section.frame_ancestors_allowed and any(p.get("frame-ancestors", "").strip().lower() == "'none'"
                                               for p in policies):
        return []
    seen = f"X-Frame-Options is {', '.join(values)}" if values else "no X-Frame-Options"
    alternative = " (or CSP frame-ancestors 'none', which the profile allows)" if section.frame_ancestors_allowed else ""
    return [f"{seen}; {RUNBOOK} requires DENY{alternative}"]


def _csp_problems(response: SeenResponse, policies: list[dict[str, str]], section) -> list[str]:
    if not policies:
        only_report = " (only Content-Security-Policy-Report-Only, which enforces nothing)" if response.values(
            "Content-Security-Policy-Report-Only") else ""
        return [f"no Content-Security-Policy{only_report}; {RUNBOOK} requires one"]
    if section.csp_unsafe_scripts_waived:
        return []
    unsafe = unsafe_script_keywords(policies)
    if unsafe:
        said = " | ".join(response.values("Content-Security-Policy"))
        return [f"CSP lets scripts use {' and '.join(unsafe)} ({said!r}); scripts must not allow unsafe-inline "
                f"or unsafe-eval"]
    return []


def facts(response: SeenResponse, section) -> list[Fact]:
    """SEC-HEADERS drift: per origin and probe (never its URL or port) each header judged and whether it held."""
    where = f"{response.origin} {_WHAT[response.kind]}"

    def first(name: str) -> str | None:
        return (response.values(name) or [None])[0]

    if response.kind == "redirect":
        to_https = bool(response.location) and urlsplit(response.location or "").scheme == "https"
        out = [Fact(where, "status", response.status, "3xx", response.status in REDIRECTS),
               Fact(where, "redirects to https", to_https, True, to_https)]
        if not section.headers_on_redirect:
            return out
    else:
        out = [Fact(where, "status", response.status),
               Fact(where, "Strict-Transport-Security", first("Strict-Transport-Security"),
                    f"max-age >= {section.hsts_min_max_age_s}", not _hsts_problems(response, section))]
    policies = csp_policies(response)
    return out + [
        Fact(where, "X-Content-Type-Options", first("X-Content-Type-Options"), "nosniff",
             not _nosniff_problems(response)),
        Fact(where, "X-Frame-Options", first("X-Frame-Options"), "DENY",
             not _frame_problems(response, policies, section)),
        Fact(where, "Content-Security-Policy", " | ".join(response.values("Content-Security-Policy")) or None,
             "present, no unsafe-inline/unsafe-eval in script-src", not _csp_problems(response, policies, section))]


def error_page_unseen(response: SeenResponse) -> str | None:
    """Why the error-page probe saw no error page (the profile's not_found_path answered < 400)."""
    if response.kind == "404" and response.status < 400:
        return (f"{response.url} answered {response.status}, not an error page; set not_found_path to a path the "
                f"origin answers with 404")
    return None
