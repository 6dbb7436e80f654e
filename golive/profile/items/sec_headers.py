"""Profile section of SEC-HEADERS: the origins whose 200, 404 and HTTP->HTTPS redirect carry the headers.

An origin that serves HTTPS only (no listener on port 80, or 80 closed at the load balancer) declares its
redirect half ``http_url: {not_applicable: "HTTPS only: no listener on 80"}``: the redirect is then not probed
(shown with the reason), and its page and error page are still judged.
"""

from __future__ import annotations

from pydantic import Field, HttpUrl

from golive.profile.base import YEAR_S, NotApplicable, Section


class HeaderOrigin(Section):
    name: str = Field(min_length=1)
    url: HttpUrl = Field(description="an https page of the origin that answers 200")
    http_url: HttpUrl | NotApplicable | None = Field(
        default=None, description="the plain-HTTP URL that must redirect to https; default: url with http:// on "
                                  "port 80. An HTTPS-only origin (nothing listening on plain HTTP) declares "
                                  "{not_applicable: <reason>}: the redirect is not probed, the 200 and 404 are "
                                  "still judged; a declared (or default) URL that does not answer is a blind spot")
    not_found_path: str = Field(default="/golive-check-404-not-a-page", pattern=r"^/",
                                description="a path the origin answers with an error (404)")


class SecHeadersSection(Section):
    origins: list[HeaderOrigin] = Field(min_length=1, max_length=32)
    hsts_min_max_age_s: int = Field(default=31536000, ge=0, le=2 * YEAR_S, description="runbook 000 line 550: max-age=31536000")
    hsts_include_subdomains: bool = Field(default=False, description="also require includeSubDomains")
    frame_ancestors_allowed: bool = Field(default=False, description="accept CSP frame-ancestors 'none' in place "
                                                                     "of X-Frame-Options: DENY")
    csp_unsafe_scripts_waived: bool = Field(default=False, description="do not fail on 'unsafe-inline'/"
                                                                       "'unsafe-eval' for scripts")
    headers_on_redirect: bool = Field(default=True, description="the HTTP->HTTPS redirect carries nosniff, the "
                                      "frame rule and CSP too (HSTS over plain HTTP is ignored by browsers)")
    timeout_s: float = Field(default=5.0, gt=0, le=30)
