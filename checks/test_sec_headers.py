"""SEC-HEADERS: on every origin, the page, an error page and the HTTP->HTTPS redirect carry HSTS
(max-age >= 31536000), X-Content-Type-Options: nosniff, X-Frame-Options: DENY and a CSP that does not let
scripts use unsafe-inline/unsafe-eval; the plain-HTTP URL redirects to https.

Runbook 000 lines 545-553: Strict-Transport-Security: max-age=31536000, X-Content-Type-Options: nosniff,
X-Frame-Options: DENY, Content-Security-Policy.
"""

from golive.probes import headers
from golive.probes.http import client
from golive.verdict import CouldNotObserve, require


def test_security_headers_on_page_error_and_redirect(section, profile, evidence):
    seen, problems, unseen = [], [], []
    with client(profile.trust.ca_bundle, section.timeout_s) as http:
        for origin in section.origins:
            responses = headers.observe(http, origin.name, str(origin.url),
                                        str(origin.http_url) if origin.http_url else None, origin.not_found_path)
            seen += responses
            for response in responses:
                unseen += [u for u in [headers.error_page_unseen(response)] if u]
                problems += [f"{response.label}: {p}" for p in headers.problems(response, section)]
    evidence.json("caps", {"requests per origin": headers.REQUESTS_PER_ORIGIN, "timeout per request s": section.timeout_s,
                           "redirects followed": 0})
    evidence.text("headers seen per response", "\n\n".join(
        f"{r.label} {r.elapsed_ms} ms\n" + "\n".join(f"  {k}: {v}" for k, v in r.headers) for r in seen))
    evidence.json("responses observed", seen)
    if unseen:
        raise CouldNotObserve("error pages", "; ".join(unseen))
    require(problems, f"{len(problems)} security header problem(s) on profile {profile.name}")
