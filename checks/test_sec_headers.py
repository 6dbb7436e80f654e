"""SEC-HEADERS: on every origin, the page, an error page and the HTTP->HTTPS redirect carry HSTS
(max-age >= 31536000), X-Content-Type-Options: nosniff, X-Frame-Options: DENY and a CSP that does not let
scripts use unsafe-inline/unsafe-eval; the plain-HTTP URL redirects to https (unless the origin is declared
HTTPS only: ``http_url: {not_applicable: reason}``). Every origin and every probe that answered is judged; one that did not is a named blind spot.

Runbook 000 lines 545-553: Strict-Transport-Security: max-age=31536000, X-Content-Type-Options: nosniff,
X-Frame-Options: DENY, Content-Security-Policy.
"""

from golive.probes import headers
from golive.probes.http import caps as http_caps
from golive.probes.http import client
from golive.profile.base import NotApplicable


def test_security_headers_on_page_error_and_redirect(section, profile, evidence, judge):
    seen, not_applicable = [], {}
    with client(profile.trust.ca_bundle, section.timeout_s) as http:
        for origin in section.origins:  # every origin and every probe judged; a blind one never stops the loop
            https_only = isinstance(origin.http_url, NotApplicable)
            if https_only:
                not_applicable[origin.name] = f"HTTP->HTTPS redirect not applicable: {origin.http_url.not_applicable}"
            http_url = None if https_only or origin.http_url is None else str(origin.http_url)
            for kind, target in headers.targets(str(origin.url), http_url, origin.not_found_path, not https_only):
                with judge.observing():
                    response = headers.fetch(http, origin.name, kind, target, declared=http_url is not None)
                    seen.append(response)
                    unseen = headers.error_page_unseen(response)
                    if unseen:
                        judge.blind_to(f"{origin.name} error page", unseen)
                    judge.find(f"{response.label}: {p}" for p in headers.problems(response, section))
                    judge.record(headers.facts(response, section))
    evidence.json("caps", {"requests per origin": headers.REQUESTS_PER_ORIGIN, **http_caps(section.timeout_s),
                           "redirects followed": 0})
    evidence.text("headers seen per response", "\n\n".join(
        f"{r.label} {r.elapsed_ms} ms\n" + "\n".join(f"  {k}: {v}" for k, v in r.headers) for r in seen))
    evidence.json("responses observed", seen)
    if not_applicable:
        evidence.json("declared not applicable (HTTPS-only origins)", not_applicable)
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(judge.findings)} security header problem(s) on profile {profile.name}")
