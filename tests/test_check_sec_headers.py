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


# --- HTTPS-only origins (issue 13): the redirect half declared not applicable; partial observation ------------
HTTPS_ONLY = {"not_applicable": "HTTPS only: no listener on 80"}


def _https_only(site, lab_rt, http_url=None, **section) -> dict:
    lab_rt.ca()
    origin = {"name": "https-only", "url": f"{site.endpoints['https']}/", "http_url": http_url or HTTPS_ONLY}
    return profile_dict({ITEM: {"origins": [origin], **section}}, trust={"ca_bundle": str(lab_rt.ca_file)})


def test_https_only_origin_passes_with_the_redirect_declared_not_applicable(pytester, lab, lab_rt):
    result = run_gate(pytester, _https_only(lab("nginx", "https-only"), lab_rt), "sec_headers")
    assert result.verdict(ITEM) == "passed", result.output
    evidence = result.attachments()
    assert "https-only page (" in evidence and "https-only error page (" in evidence
    assert "HTTP->HTTPS redirect not applicable: HTTPS only: no listener on 80" in evidence
    assert "https-only HTTP->HTTPS redirect (" not in evidence


def test_https_only_origin_with_header_defects_names_each_defect(pytester, lab, lab_rt):
    result = run_gate(pytester, _https_only(lab("nginx", "https-only-weak-headers"), lab_rt), "sec_headers")
    assert result.verdict(ITEM) == "non-compliant", result.output
    assert result.ret == 1
    messages = result.messages(ITEM)
    for defect in ("HSTS max-age is 300 s", "no X-Content-Type-Options", "X-Frame-Options is SAMEORIGIN",
                   "CSP lets scripts use 'unsafe-inline'"):
        for probe in ("https-only page (", "https-only error page ("):
            assert any(line.strip().startswith(f"- {probe}") and defect in line for line in messages.splitlines()), \
                (probe, defect)
    assert "HTTP->HTTPS redirect" not in messages and "Not observed" not in messages


def test_a_declared_redirect_nobody_answers_is_blind_and_the_fetched_headers_still_count(pytester, lab, lab_rt):
    """The plain-HTTP URL is declared but nothing listens: that probe is a blind spot; the defects on the 200 and
    404 already fetched are findings (non-compliant, exit 1, both named)."""
    site = lab("nginx", "https-only-weak-headers")
    result = run_gate(pytester, _https_only(site, lab_rt, http_url=f"{site.endpoints['http_closed']}/"),
                      "sec_headers")
    assert result.verdict(ITEM) == "non-compliant", result.output
    assert result.ret == 1
    messages = result.messages(ITEM)
    assert "HSTS max-age is 300 s" in messages
    assert "Not observed (1)" in messages and "https-only HTTP->HTTPS redirect (http://" in messages
    assert "connection failed" in messages
    assert result.summary["items"][ITEM]["blind_spots"]


def test_a_declared_redirect_nobody_answers_on_a_compliant_origin_is_could_not_observe(pytester, lab, lab_rt):
    site = lab("nginx", "https-only")
    result = run_gate(pytester, _https_only(site, lab_rt, http_url=f"{site.endpoints['http_closed']}/"),
                      "sec_headers")
    assert result.verdict(ITEM) == "could-not-observe", result.output
    assert "HTTP->HTTPS redirect" in result.messages(ITEM)


def test_several_origins_each_judged_a_blind_one_never_stops_the_loop(pytester, lab, lab_rt):
    """First origin down (blind), second HTTPS only with defects (findings), third compliant: non-compliant
    naming the second's defects and the first as not observed."""
    from golive.lab.runtime import free_port
    lab_rt.ca()
    port = free_port()
    weak, good = lab("nginx", "https-only-weak-headers"), lab("nginx", "https-only")
    origins = [{"name": "down", "url": f"https://127.0.0.1:{port}/", "http_url": f"http://127.0.0.1:{port}/"},
               {"name": "weak", "url": f"{weak.endpoints['https']}/", "http_url": HTTPS_ONLY},
               {"name": "good", "url": f"{good.endpoints['https']}/", "http_url": HTTPS_ONLY}]
    profile = profile_dict({ITEM: {"origins": origins}}, trust={"ca_bundle": str(lab_rt.ca_file)})
    result = run_gate(pytester, profile, "sec_headers")
    assert result.verdict(ITEM) == "non-compliant", result.output
    messages = result.messages(ITEM)
    assert "weak page (" in messages and "no X-Content-Type-Options" in messages
    assert "down page (" in messages and "Not observed (3)" in messages
    assert "good page (" not in messages
    assert "good page (" in result.attachments()


def test_the_default_redirect_url_hints_at_https_only(pytester, lab, lab_rt):
    """No http_url: the redirect is probed on port 80 of the page's host; refused there, the blind spot says how to
    declare an HTTPS-only origin."""
    lab_rt.ca()
    site = lab("nginx", "https-only")
    profile = profile_dict({ITEM: {"origins": [{"name": "o", "url": f"{site.endpoints['https']}/"}]}},
                           trust={"ca_bundle": str(lab_rt.ca_file)})
    result = run_gate(pytester, profile, "sec_headers")
    assert result.verdict(ITEM) == "could-not-observe", result.output
    assert "declare http_url: {not_applicable: <reason>}" in result.messages(ITEM)


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
