"""HEALTH: every service's health endpoints answer 200 within the timeout with their runbook's JSON contract.

Runbook 000: /health -> {"status":"healthy","database":"connected","redis":"connected"};
runbook 003: eight services on 3001-3008 with /health; runbook 004: /health, /health/live, /health/ready.
Every endpoint is judged on its own: one that cannot be reached is a named blind spot, and the others' breaches
still make the item non-compliant.
"""

from golive.probes import health
from golive.probes.http import caps as http_caps
from golive.probes.http import client


def test_health_endpoints_answer_their_contract(section, profile, evidence, judge):
    observations = []
    with client(profile.trust.ca_bundle, section.timeout_s) as http:
        for endpoint in section.endpoints:  # each judged; one that cannot be reached is a blind spot, not a stop
            with judge.observing():
                seen = health.observe(http, str(endpoint.url), endpoint.name)
                observations.append({"name": endpoint.name, "contract": endpoint.contract, **seen.__dict__})
                judge.find(f"{endpoint.name} ({seen.url}): {p}" for p in health.contract_problems(endpoint.contract, seen))
                judge.record(health.facts(endpoint.name, endpoint.contract, seen))
    evidence.json("caps per answer", http_caps(section.timeout_s))
    evidence.json("health endpoints observed", observations)
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(judge.findings)} health contract breach(es) on profile {profile.name}")
