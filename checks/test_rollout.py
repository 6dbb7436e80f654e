"""ROLLOUT: every workload fully rolled out, healthy and running the release the change ships.

Runbook 004 step 5 "Check pod status": every pod 1/1 Running with 0 restarts, and ``"version": "1.2.3"``;
runbook 003: ``kubectl rollout status`` of each service. Kubernetes Deployments/StatefulSets updated = ready =
available = desired with no pod unready, crash-looping or restarting; ECS services' PRIMARY deployment COMPLETED
with running = desired; App Service sites Running. Every replica runs one version, the release (the gate's
``--release``, else the profile's), and so does every answer of the health endpoints whose body carries the
version (a bounded number of requests each, to meet more than one replica behind a load balancer). What an API
did not return is a blind spot, never a pass.
"""

import re

from golive.compare import rollout
from golive.probes import health
from golive.probes.http import caps as http_caps
from golive.probes.http import client
from golive.profile.base import NotApplicable
from golive.profile.items.rollout import VERSION


def test_every_workload_is_rolled_out_on_the_release(section, profile, providers, evidence, judge, pytestconfig):
    release = pytestconfig.getoption("--release", default=None)
    if release is not None and not re.match(VERSION, release):
        judge.blind_to("the release to compare with", f"--release {release!r} is not an image tag (e.g. 1.2.3); "
                                                      f"pass the tag the change ships")
        release = None
    found = judge.saw(providers.gather("rollouts"))
    if not found and not judge.blind and not section.health_endpoints:
        judge.blind_to("the workloads' rollouts", "no provider returned any workload (rollouts); check the "
                       "providers' namespaces/region/resource group in the profile and read permissions")
    rows, problems, unseen = rollout.assess(found, section, release)
    judge.find(problems)
    judge.blind.extend(unseen)
    judge.record(rollout.facts(rows))
    evidence.json("workloads judged (counts, state, versions per container)", rows)
    versions = _health_versions(section, profile, release, judge)
    evidence.json("health bodies' versions (answers per endpoint, each maybe another replica)", versions)
    evidence.json("caps per health answer", {**http_caps(section.timeout_s),
                                             "requests per endpoint": {e.name: e.requests for e in section.health_endpoints}})
    evidence.text("release", f"expected release: {release or section.release or '(none given)'} "
                             f"({'--release' if release else 'profile'}); per workload/scope: {dict(section.releases)}")
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(judge.findings)} rollout problem(s) on profile {profile.name} ({len(found)} workloads "
                   f"read, {sum('answers' in r for r in versions)} health endpoint(s) answered)")


def _health_versions(section, profile, release, judge):
    """Runbook 004 step 5: each health endpoint answers ``requests`` times (bounded, in the profile); every
    answer's version field must be the release. Each endpoint is judged on its own; one unreachable is blind."""
    rows: list[dict] = []
    if not section.health_endpoints:
        return [{"not applicable": section.health.not_applicable}] if isinstance(section.health, NotApplicable) \
            else rows
    with client(profile.trust.ca_bundle, section.timeout_s) as http:
        for endpoint in section.health_endpoints:
            with judge.observing():
                seen = [health.observe(http, str(endpoint.url), endpoint.name) for _ in range(endpoint.requests)]
                answers = [(0 if o.timed_out else o.status, o.body_json) for o in seen]
                expected = section.expected(endpoint.name, "", release)
                row, problems, unseen = rollout.health_versions(endpoint.name, endpoint.field, answers, expected)
                rows.append(row)
                judge.find(problems)
                for what in unseen:
                    judge.blind_to(what, "the health body did not name a version, so not judged")
                judge.record(rollout.health_facts(row))
    return rows
