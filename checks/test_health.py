"""HEALTH: every service's health endpoints answer 200 within the timeout with their runbook's JSON contract.

Runbook 000: /health -> {"status":"healthy","database":"connected","redis":"connected"};
runbook 003: eight services on 3001-3008 with /health; runbook 004: /health, /health/live, /health/ready.
"""

from golive.probes import health
from golive.probes.http import client
from golive.verdict import require


def test_health_endpoints_answer_their_contract(section, profile, evidence):
    observations, problems = [], []
    with client(profile.trust.ca_bundle, section.timeout_s) as http:
        for endpoint in section.endpoints:
            seen = health.observe(http, str(endpoint.url))
            observations.append({"name": endpoint.name, "contract": endpoint.contract, **seen.__dict__})
            problems += [f"{endpoint.name} ({seen.url}): {p}" for p in health.contract_problems(endpoint.contract, seen)]
    evidence.json("health endpoints observed", observations)
    require(problems, f"{len(problems)} health contract breach(es) on profile {profile.name}")
