"""WAF-429: rate limiting configured (2000 req/5 min per IP, 1000 on /api) and answering 429 to a bounded burst.

Runbook 002 lines 257-267 give the limits; runbook 000 line 537 the burst, expecting 429 Too Many Requests.

The live burst blocks the caller's IP for the rule's window, so it runs only when the profile says
``waf_burst: true`` or the run passes ``--waf-burst``, and only against a target the profile declares
``burstable: true``; at most once per target per run, within the caps the profile section computes
(requests: limit x 1.5 + margin by default; duration; both shown in evidence). When the burst is not allowed
the live test fails closed as "could not observe" (the 429 answer is unproven), while the configuration test
still runs: a production profile that must not be burst says ``live: {not_applicable: <reason>}`` instead,
which the report shows with its reason, and then the configuration alone proves the item.
"""

from dataclasses import replace

import pytest

from golive import waf_rules
from golive.compare.targets import named
from golive.probes import burst, traffic
from golive.profile.base import NotApplicable
from golive.verdict import CouldNotObserve


@pytest.fixture
def burst_ledger(run_cache) -> burst.BurstLedger:
    """The targets burst in this run; kept in the run cache, so one run (even under xdist) bursts a target once."""
    return burst.BurstLedger(run_cache)


def test_waf_rate_rules_block_with_429(section, profile, providers, evidence, judge):
    expected = section.configuration
    if isinstance(expected, NotApplicable):
        pytest.skip(f"WAF-429 configuration not applicable on {profile.name}: {expected.not_applicable}")
    acls = judge.saw(providers.gather("waf_acls"))
    evidence.json("web ACLs as read", acls)
    if not acls:
        judge.blind_to(f"the web ACL protecting {expected.protects}",
                       "no provider returned any web ACL / WAF policy (waf_acls); check the provider's "
                       "credentials and permissions, or that this provider reads WAF configuration")
    else:
        for where, mine, here in waf_rules.per_target(acls, expected):  # each target on its own (issue 18)
            found, unseen = waf_rules.verdict(mine, here, all_read=not mine.blind)
            judge.record([replace(f, resource=named(where, f.resource))
                          for f in waf_rules.facts(mine, here, found)])
            found, unseen = waf_rules.named(where, found, unseen)
            evidence.json("fields that break the profile" + (f" ({where})" if where else ""), found)
            judge.find([f.message for f in found])
            judge.blind.extend(unseen)
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"WAF rate limiting for {expected.protects} on profile {profile.name}")


def test_waf_answers_429_to_a_bounded_burst(section, profile, evidence, judge, pytestconfig, burst_ledger, request):
    target = section.live
    if isinstance(target, NotApplicable):
        pytest.skip(f"WAF-429 live burst not applicable on {profile.name}: {target.not_applicable}")
    url = str(target.url)
    plan = burst.BurstPlan(url, target.rate_per_s, target.request_cap, target.duration_cap_s, target.stop_after,
                           target.expected_limit, target.window_s, target.earliest, target.latest)
    evidence.json("burst plan and hard caps", plan)
    refused = []
    if not target.burstable:
        refused.append("refused: the profile does not declare this target burstable (live.burstable: true)")
    if not (profile.waf_burst or pytestconfig.getoption("--waf-burst")):
        refused.append(f"not run: the burst is disabled (profile waf_burst: false, no --waf-burst), so the 429 "
                       f"answer is unproven; run with --waf-burst from an IP that may be blocked for "
                       f"{target.window_s} s, or declare live: {{not_applicable: <reason>}}")
    if refused:
        raise CouldNotObserve(f"the live WAF burst on {url}", "; ".join(refused))
    earlier = burst_ledger.claim(url, request.node.nodeid)
    if earlier is not None:
        raise CouldNotObserve(f"the live WAF burst on {url}", f"refused: {earlier} already burst "
                                                              f"{burst.plan_origin(url)} in this run")
    with traffic.client(profile.trust.ca_bundle, target.timeout_s) as http:
        seen = burst.run(http, plan)
    evidence.json("burst observed", seen)
    if seen.error is None:
        judge.find(burst.problems(seen))
    else:  # what the answered requests already prove still counts; the rest of the burst is a blind spot
        judge.find(burst.problems_before_error(seen))
        judge.blind_to(url, f"{seen.error} after {seen.sent} answered request(s)")
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"WAF rate limit on {url} (profile {profile.name})")
