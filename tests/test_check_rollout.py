"""ROLLOUT proven both ways on the emulated clouds: the compliant Kubernetes workloads (1.2.3 / 2.14.0), ECS services
and App Service sites (1.0.0) pass; a pod not ready, a crash-looping pod, a pod on the old image, an ECS service
mid-deployment or on an old task definition, a stopped or old site fail naming the workload; a --release the
workloads do not run fails; a blind cloud beside a breach is non-compliant naming both."""

from __future__ import annotations

# Imported before pytester's in-process runs (see tests/test_check_multi_az.py for why).
import azure.core.pipeline.transport  # noqa: F401
import pytest
import requests  # noqa: F401

import lab_providers
from gate import profile_dict, run_gate
from golive.compare import rollout
from golive.profile.items.rollout import RolloutSection
from golive.providers.records_rollout import PodState, Rollout
from monitoring_profiles import section

ITEM = "ROLLOUT"


def _run(pytester, providers, *args, **over):
    body = section(ITEM, **{"health": [], **over})  # the clouds only; the health bodies are proven below
    return run_gate(pytester, profile_dict({ITEM: body}, providers=providers), "rollout", args=args)


@pytest.mark.parametrize("cloud", ["kubernetes", "aws", "azure"])
def test_passes_on_the_compliant_clouds(pytester, lab, cloud):
    result = _run(pytester, getattr(lab_providers, cloud)(lab(cloud)))
    assert result.verdict(ITEM) == "passed", result.output[-3000:]


BROKEN = [
    ("kubernetes", "rollout-pod-not-ready", ("Deployment production/auth-service: 4 of 5 replicas ready",
                                             "not Ready; runbook 004 step 5 expects every pod 1/1 Running")),
    ("kubernetes", "rollout-crashloop", ("container org-service: CrashLoopBackOff", "restarted 7 times")),
    ("kubernetes", "rollout-old-image", ("Deployment production/user-service: 4 of 5 replicas updated",
                                         "user-service runs 1.2.2; the release is 1.2.3",
                                         "replicas run different versions of user-service")),
    ("aws", "ecs-rollout-in-progress", ("silenttalk-production-cluster/silenttalk-production-server: PRIMARY "
                                        "deployment rolloutState is IN_PROGRESS", "2 of 3 replicas running")),
    ("aws", "ecs-old-release", ("server runs 0.9.0; the release is 1.0.0",)),
    ("azure", "app-stopped", ("App Service silenttalk-production-api: state is Stopped",)),
    ("azure", "app-slot-stopped", ("App Service silenttalk-production-api/staging: state is Stopped",)),
    ("azure", "app-old-release", ("App Service silenttalk-production-client: silenttalk-production-client runs "
                                  "0.9.0; the release is 1.0.0",)),
]


@pytest.mark.parametrize(("cloud", "variant", "reasons"), BROKEN, ids=[v for _, v, _ in BROKEN])
def test_fails_naming_the_workload_on_each_broken_variant(pytester, lab, cloud, variant, reasons):
    result = _run(pytester, getattr(lab_providers, cloud)(lab(cloud, variant)))
    assert result.verdict(ITEM) == "non-compliant", result.output[-3000:]
    for reason in reasons:
        assert reason in result.messages(ITEM), result.messages(ITEM)


def test_the_gate_release_option_overrides_the_profile(pytester, lab):
    result = _run(pytester, lab_providers.kubernetes(lab("kubernetes"), namespaces=("production",)),
                  "--release", "1.2.4")
    assert result.verdict(ITEM) == "non-compliant", result.output[-3000:]
    assert "auth-service runs 1.2.3; the release is 1.2.4" in result.messages(ITEM)


def test_an_unreachable_cloud_is_could_not_observe(pytester, lab):
    faults = lab("faults", "server-error")
    result = _run(pytester, lab_providers.azure(lab("azure"), arm_endpoint=faults.endpoints["https"]))
    assert result.verdict(ITEM) == "could-not-observe" and result.ret == 6, result.output[-3000:]


def test_comparison_without_a_network():
    pods = (PodState("a-1", True, (("api", "r/api:1.2.3"),)), PodState("a-2", None, (("api", "r/api@sha256:00"),)))
    found = [Rollout("kubernetes", "Deployment", "ns/a", "ns", desired=2, updated=2, ready=2, available=2,
                     images=(("api", "r/api:v1.2.3"),), pods=pods),
             Rollout("aws", "ECS service", "c/s", "c", desired=3, ready=3, updated=3, state=None,
                     unknown=("ECS service c/s PRIMARY deployment rolloutState",))]
    rows, problems, blind = rollout.assess(found, RolloutSection(release="1.2.3"))
    assert problems == [] and len(rows) == 2
    assert [b.what for b in blind] == ["Deployment ns/a pod a-2 condition Ready",
                                       "Deployment ns/a container api: image without a tag (a-2), its version is "
                                       "unknown", "ECS service c/s PRIMARY deployment rolloutState"]
    assert rollout.version_of("registry:5000/r/api:1.2.3") == "1.2.3"
    assert rollout.version_of("registry:5000/r/api") is None


def _run_health(pytester, lab, lab_rt, variant, path="/v1/health", *args):
    """The production namespace's workloads (release 1.2.3) and runbook 004's /v1/health on a lab nginx variant."""
    site = lab("nginx", variant)
    body = section(ITEM, health=[{"name": "enterprise-api", "url": f"{site.endpoints['https']}{path}"}])
    providers = lab_providers.kubernetes(lab("kubernetes"), namespaces=("production",))
    return run_gate(pytester, profile_dict({ITEM: body}, providers=providers,
                                           trust={"ca_bundle": str(lab_rt.ca_file)}), "rollout", args=args)


def test_the_health_body_names_the_release_on_every_answer(pytester, lab, lab_rt):
    result = _run_health(pytester, lab, lab_rt, "compliant")
    assert result.verdict(ITEM) == "passed", result.output[-3000:]


@pytest.mark.parametrize(("variant", "reason"), [
    ("health-old-version", "enterprise-api health body says version 1.2.2; the release is 1.2.3"),
    ("health-mixed-versions", "enterprise-api health: answers name different versions (version): 1.2.2 (2 of 5); "
                              "1.2.3 (3 of 5)"),
])
def test_a_health_body_off_the_release_fails_naming_the_versions(pytester, lab, lab_rt, variant, reason):
    result = _run_health(pytester, lab, lab_rt, variant)
    assert result.verdict(ITEM) == "non-compliant" and result.ret == 1, result.output[-3000:]
    assert reason in result.messages(ITEM), result.messages(ITEM)


def test_a_health_body_without_the_version_is_blind_not_a_pass(pytester, lab, lab_rt):
    result = _run_health(pytester, lab, lab_rt, "compliant", "/health")  # runbook 000's body: no version
    assert result.verdict(ITEM) == "could-not-observe" and result.ret == 6, result.output[-3000:]
    assert "health body field 'version': not carried by 5 of 5 answers (no such field)" in result.messages(ITEM)


def test_health_versions_without_a_network():
    answers = [(200, {"build": {"version": "v1.2.3"}}), (200, {"build": {"version": "1.2.3"}}), (503, None),
               (0, None), (200, "not json")]
    row, problems, unseen = rollout.health_versions("api", "build.version", answers, "1.2.3")
    assert problems == [] and row["versions"] == {"1.2.3": 2}
    assert unseen == ["api health body field 'build.version': not carried by 3 of 5 answers (HTTP 503, body not "
                      "JSON, timed out)"]
    _, problems, _ = rollout.health_versions("api", "version", [(200, {"version": "1.2.2"})] * 2, "1.2.3")
    assert problems == ['api health body says version 1.2.2; the release is 1.2.3 (runbook 004: "version": '
                        '"1.2.3" in /v1/health after the rollout)']
    assert rollout.version_at({"version": True}, "version") is None
    assert [f.observed for f in rollout.health_facts(row)] == [["1.2.3"]]
