"""ROLLOUT: every workload fully rolled out, healthy and running the release the change ships.

Runbook 004 step 5 "Check pod status": every pod 1/1 Running with 0 restarts, and ``"version": "1.2.3"``;
runbook 003: ``kubectl rollout status`` of each service. Kubernetes Deployments/StatefulSets updated = ready =
available = desired with no pod unready, crash-looping or restarting; ECS services' PRIMARY deployment COMPLETED
with running = desired; App Service sites Running. Every replica runs one version, the release (the gate's
``--release``, else the profile's). What an API did not return is a blind spot, never a pass.
"""

import re

from golive.compare import rollout
from golive.profile.items.rollout import VERSION


def test_every_workload_is_rolled_out_on_the_release(section, profile, providers, evidence, judge, pytestconfig):
    release = pytestconfig.getoption("--release", default=None)
    if release is not None and not re.match(VERSION, release):
        judge.blind_to("the release to compare with", f"--release {release!r} is not an image tag (e.g. 1.2.3); "
                                                      f"pass the tag the change ships")
        release = None
    found = judge.saw(providers.gather("rollouts"))
    if not found and not judge.blind:
        judge.blind_to("the workloads' rollouts", "no provider returned any workload (rollouts); check the "
                       "providers' namespaces/region/resource group in the profile and read permissions")
    rows, problems, unseen = rollout.assess(found, section, release)
    judge.find(problems)
    judge.blind.extend(unseen)
    judge.record(rollout.facts(rows))
    evidence.json("workloads judged (counts, state, versions per container)", rows)
    evidence.text("release", f"expected release: {release or section.release or '(none given)'} "
                             f"({'--release' if release else 'profile'}); per workload/scope: {dict(section.releases)}")
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(problems)} rollout problem(s) on profile {profile.name} ({len(found)} workloads read)")
