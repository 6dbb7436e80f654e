"""TLS-ONLY: every TLS endpoint accepts TLS 1.3 and refuses SSL 2/3, TLS 1.0, 1.1 and 1.2; its certificate
is more than 30 days from expiry, chains to the trust store and names the host; the declared policies
(ALB SslPolicy, CloudFront, App Service, Front Door, Redis, PostgreSQL, ingress) allow TLS 1.3 only and say
the same as the live scan.

Runbook 000 line 533 "Should not connect with TLS 1.2", 001 line 47 "SSL certificates valid (>30 days
remaining)", 002 line 252 "TLS 1.3 enforced", 003 line 228 "All communications must use TLS 1.3".

Two halves, each standing alone (either may be ``{not_applicable: reason}``): the live handshakes, and the
declared policies. Every endpoint and every read that succeeded is judged; each one that failed is a blind spot.
"""

import pytest

from golive.probes import tls, tls_policy
from golive.profile import NotApplicable


def _scan(live, profile, evidence, judge) -> list[tls.TlsObservation]:
    """One handshake per protocol version per endpoint, endpoints concurrently (bounded). An endpoint that
    cannot be reached, or whose handshake was inconclusive, is a blind spot; the others are returned."""
    targets = [tls.Target(e.name, e.host, e.port, e.server_name) for e in live.endpoints]
    evidence.json("caps", {"handshakes per endpoint": len(tls.PROTOCOLS), "timeout per handshake s": live.timeout_s,
                           "endpoints at once": live.max_parallel_hosts, "connections per endpoint at once": 1,
                           "endpoints": len(targets)})
    with judge.observing():
        _, store = tls.trust_store_file(profile.trust.ca_bundle)  # a missing trust store blinds the live half
        evidence.text("trust store (profile trust.ca_bundle, the one trust setting of every probe)", store)
        seen, blind = tls.observe_many(targets, ca_bundle=profile.trust.ca_bundle, timeout_s=live.timeout_s,
                                       max_parallel=live.max_parallel_hosts)
        for exc in blind:
            judge.blind_to(exc)
        for obs in seen:
            for shake in obs.inconclusive:
                judge.blind_to(f"{obs.target} {shake.protocol} handshake", f"inconclusive: {shake.detail}")
        evidence.text("protocols offered per endpoint", "\n".join(tls.verdict_line(o) for o in seen))
        evidence.json("TLS handshakes and certificates observed", seen)
        notes = [f"{o.target}: {n}" for o in seen if o.certificate for n in o.certificate.strict_notes]
        if notes:
            evidence.text("certificate notes (stricter than the runbooks; not judged)", "\n".join(notes))
        return seen
    return []


def test_tls13_only_and_certificates(section, profile, evidence, judge):
    live = section.live
    if isinstance(live, NotApplicable):
        pytest.skip(f"TLS-ONLY live handshakes not applicable on {profile.name}: {live.not_applicable}")
    seen = _scan(live, profile, evidence, judge)
    for obs in seen:
        judge.find(f"{obs.target}: {p}" for p in tls.problems(obs, live.min_days_to_expiry))
        judge.record(tls.facts(obs, live.min_days_to_expiry))
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    offered = "; ".join(f"{o.name} {'+'.join(o.offered) or 'nothing'}" for o in seen)
    judge.conclude(f"TLS 1.3 only / certificates on profile {profile.name} (offered: {offered or 'nothing seen'})")


def test_configured_policies_allow_tls13_only_and_match_the_live_scan(section, profile, providers, evidence, judge):
    if isinstance(section.configuration, NotApplicable):
        pytest.skip(f"TLS-ONLY configured policies not applicable on {profile.name}: "
                    f"{section.configuration.not_applicable}")
    policies = judge.saw(providers.gather("tls_policies"))
    evidence.json("declared TLS policies", policies)
    if not policies and not judge.blind:
        judge.blind_to("declared TLS policies", "no configured provider returned any (providers' tls_policies(): "
                       "ALB/NLB listeners, CloudFront, App Service, Front Door, Redis, PostgreSQL, ingress); check "
                       "the providers' credentials, region/resource group/namespaces and read permissions")
    judge.find(tls_policy.policy_problems(policies))  # the declared policies are judged on their own
    judge.record(tls_policy.policy_facts(policies))
    if isinstance(section.live, NotApplicable):
        evidence.text("reconciliation with the live scan", f"not made: the live half is not applicable on "
                      f"{profile.name} ({section.live.not_applicable}); the declared policies were judged alone")
    elif policies:
        seen = _scan(section.live, profile, evidence, judge)  # what it cannot see is blind, not a reason to stop
        judged = [o for o in seen if not o.inconclusive]
        evidence.json("live endpoints no declared policy names", tls_policy.unmatched_hosts(policies, judged))
        judge.find(tls_policy.disagreements(policies, judged))
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"declared TLS policies on profile {profile.name}")
