"""SEC-HEADERS proven both ways against real lab nginx variants (page, 404 and HTTP->HTTPS redirect)."""

from __future__ import annotations

import pytest

from gate import profile_dict, run_gate
from golive.probes import headers

ITEM = "SEC-HEADERS"


def _profile(site, lab_rt, **section) -> dict:
    lab_rt.ca()
    origin = {"name": "origin", "url": f"{site.endpoints['https']}/", "http_url": f"{site.endpoints['http']}/"}
    return profile_dict({ITEM: {"origins": [origin], **section}}, trust={"ca_bundle": str(lab_rt.ca_file)})


def test_passes_on_the_compliant_site_and_lists_every_header(pytester, lab, lab_rt):
    result = run_gate(pytester, _profile(lab("nginx"), lab_rt, hsts_include_subdomains=True), "sec_headers")
    assert result.verdict(ITEM) == "passed", result.output
    evidence = result.attachments()
    for seen in ("origin page (", "origin error page (", "-> 404", "origin HTTP->HTTPS redirect (", "-> 301",
                 "Strict-Transport-Security: max-age=31536000; includeSubDomains", "Location: https://"):
        assert seen in evidence, seen


@pytest.mark.parametrize(("variant", "section", "reason"), [
    ("no-hsts", {}, "no Strict-Transport-Security; runbook 000"),
    ("weak-hsts", {}, "HSTS max-age is 300 s; runbook 000 (lines 550-553) requires >= 31536000 s"),
    ("weak-hsts", {"hsts_min_max_age_s": 300, "hsts_include_subdomains": True}, "lacks includeSubDomains"),
    ("no-nosniff", {}, "no X-Content-Type-Options"),
    ("no-frame-options", {}, "no X-Frame-Options; runbook 000 (lines 550-553) requires DENY"),
    ("frame-sameorigin", {"frame_ancestors_allowed": True}, "X-Frame-Options is SAMEORIGIN; runbook 000"),
    ("no-csp", {}, "no Content-Security-Policy"),
    ("csp-unsafe-inline", {}, "CSP lets scripts use 'unsafe-inline'"),
    ("csp-unsafe-eval", {}, "CSP lets scripts use 'unsafe-eval'"),
    ("headers-not-on-errors", {}, "origin error page ("),
    ("no-redirect", {}, "answered HTTP 200, not a redirect to https"),
])
def test_fails_with_the_reason_on_each_broken_variant(pytester, lab, lab_rt, variant, section, reason):
    result = run_gate(pytester, _profile(lab("nginx", variant), lab_rt, **section), "sec_headers")
    assert result.verdict(ITEM) == "non-compliant", result.output
    assert reason in result.messages(ITEM)


def test_headers_missing_only_on_errors_names_only_the_error_page(pytester, lab, lab_rt):
    result = run_gate(pytester, _profile(lab("nginx", "headers-not-on-errors"), lab_rt), "sec_headers")
    assert "origin page (" not in result.messages(ITEM) and "redirect (" not in result.messages(ITEM)


def test_profile_may_accept_frame_ancestors_none_instead_of_x_frame_options(pytester, lab, lab_rt):
    result = run_gate(pytester, _profile(lab("nginx", "no-frame-options"), lab_rt, frame_ancestors_allowed=True),
                      "sec_headers")
    assert result.verdict(ITEM) == "passed", result.output


def test_fails_closed_when_the_origin_is_down(pytester, lab_rt):
    from golive.lab.runtime import free_port
    lab_rt.ca()
    port = free_port()
    profile = profile_dict({ITEM: {"origins": [{"name": "down", "url": f"https://127.0.0.1:{port}/",
                                                "http_url": f"http://127.0.0.1:{port}/"}]}},
                           trust={"ca_bundle": str(lab_rt.ca_file)})
    result = run_gate(pytester, profile, "sec_headers")
    assert result.verdict(ITEM) == "could-not-observe", result.output
    assert "connection failed" in result.messages(ITEM)


# --- parsing (pure) -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "max_age", "subdomains", "error"), [
    ("max-age=31536000; includeSubDomains", 31536000, True, None),
    ('MAX-AGE="63072000";INCLUDESUBDOMAINS; preload', 63072000, True, None),
    ("includeSubDomains", None, True, "max-age is missing"),
    ("max-age=1; max-age=2", None, False, "appears twice"),
    ("max-age=abc", None, False, "not a number"),
])
def test_hsts_grammar(value, max_age, subdomains, error):
    hsts = headers.parse_hsts(value)
    assert (hsts.max_age, hsts.include_subdomains) == (max_age, subdomains)
    assert (error is None and hsts.error is None) or (error in (hsts.error or ""))


@pytest.mark.parametrize(("policies", "unsafe"), [
    (["default-src 'self'; script-src 'self'"], []),
    (["default-src 'self' 'unsafe-inline'"], ["'unsafe-inline'"]),
    (["script-src 'nonce-abc' 'strict-dynamic' 'unsafe-inline'"], []),  # ignored beside a nonce (CSP 2+)
    (["img-src 'self'"], ["'unsafe-inline'", "'unsafe-eval'"]),  # scripts not restricted at all
    (["script-src 'unsafe-inline'", "script-src 'self'"], []),  # two policies: the stricter wins
    (["script-src 'self' 'unsafe-eval'"], ["'unsafe-eval'"]),
])
def test_unsafe_script_keywords_follow_csp_semantics(policies, unsafe):
    from werkzeug.http import parse_csp_header
    parsed = [{k.lower(): v for k, v in parse_csp_header(p).items()} for p in policies]
    assert headers.unsafe_script_keywords(parsed) == unsafe
