"""TLS-ONLY: every TLS endpoint accepts TLS 1.3 and refuses SSL 2/3, TLS 1.0, 1.1 and 1.2; its certificate
is more than 30 days from expiry, chains to the trust store and names the host; the declared policies
(ALB SslPolicy, CloudFront, App Service, Front Door, Redis, PostgreSQL) say the same as the live scan.

Runbook 000 line 533 "Should not connect with TLS 1.2", 001 line 47 "SSL certificates valid (>30 days
remaining)", 002 line 252 "TLS 1.3 enforced", 003 line 228 "All communications must use TLS 1.3".
"""

import pytest

from golive.probes import tls, tls_policy
from golive.verdict import CouldNotObserve, require


def _scan(section, profile, evidence):
    """One handshake per protocol version per endpoint, endpoints concurrently (bounded)."""
    targets = [tls.Target(e.name, e.host, e.port, e.server_name) for e in section.endpoints]
    tls.trust_store_file(profile.trust.ca_bundle)  # a missing trust store is blindness, before any traffic
    seen, blind = tls.observe_many(targets, ca_bundle=profile.trust.ca_bundle, timeout_s=section.timeout_s,
                                   max_parallel=section.max_parallel_hosts)
    evidence.json("caps", {"handshakes per endpoint": len(tls.PROTOCOLS), "timeout per handshake s": section.timeout_s,
                           "endpoints at once": section.max_parallel_hosts, "connections per endpoint at once": 1,
                           "endpoints": len(targets)})
    evidence.text("protocols offered per endpoint", "\n".join(tls.verdict_line(o) for o in seen))
    evidence.json("TLS handshakes and certificates observed", seen)
    return seen, blind


def test_tls13_only_and_certificates(section, profile, evidence):
    seen, blind = _scan(section, profile, evidence)
    problems = [f"{obs.target}: {p}" for obs in seen for p in tls.problems(obs, section.min_days_to_expiry)]
    undecided = [f"{obs.target}: {h.protocol} {h.detail}" for obs in seen for h in obs.inconclusive]
    if blind or undecided:
        causes = [exc.args[0] for exc in blind] + [f"handshake inconclusive on {u}" for u in undecided]
        also = f"; on the endpoints observed: {'; '.join(problems)}" if problems else ""
        raise CouldNotObserve("TLS endpoints", "; ".join(causes) + also)
    offered = "; ".join(f"{o.name} {'+'.join(o.offered) or 'nothing'}" for o in seen)
    require(problems, f"TLS 1.3 only / certificates on profile {profile.name} (offered: {offered})")


def test_configured_policies_allow_tls13_only_and_match_the_live_scan(section, profile, providers, evidence):
    if not section.check_configured:
        pytest.skip(f"configured TLS policies not applicable on {profile.name}: TLS-ONLY.check_configured is false "
                    f"(the live handshakes are checked)")
    policies = providers.gather("tls_policies")
    evidence.json("declared TLS policies", policies)
    if not policies:
        raise CouldNotObserve("declared TLS policies", "no configured provider returned any (providers' "
                              "tls_policies(): ALB/NLB listeners, CloudFront, App Service, Front Door, Redis, "
                              "PostgreSQL); without them the live scan cannot be reconciled")
    seen, blind = _scan(section, profile, evidence)
    if blind:
        raise CouldNotObserve("TLS endpoints", "; ".join(exc.args[0] for exc in blind))
    evidence.json("live endpoints no declared policy names", tls_policy.unmatched_hosts(policies, seen))
    problems = tls_policy.policy_problems(policies) + tls_policy.disagreements(policies, seen)
    require(problems, f"declared TLS policies on profile {profile.name}")
