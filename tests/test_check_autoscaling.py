"""AUTOSCALING proven both ways: the live half against the lab scaler (gunicorn workers scaled by CPU),
the configuration half's comparison against hand-made provider records, and fail-closed paths."""

from __future__ import annotations

import json

import matplotlib
import pytest

from gate import profile_dict, run_gate
from golive.probes.scaling import policy_problems, policy_unseen
from golive.profile.items.autoscaling import ScalingExpectation
from golive.providers.records_scaling import ScalingPolicy

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402,F401  (numpy loads once per process; pytester's in-process runs unload it)

CAPS = {"users": 10, "spawn_rate": 10, "max_rps": 30, "max_requests": 1500, "max_duration_s": 20}


def _live(site, **overrides):
    live = {"target_url": site.endpoints["app"], "locustfile": "load/silenttalk.py", "user_classes": ["ApiUser"],
            "scaler": {"kind": "http-json", "url": site.endpoints["status"]}, "resource": "lab-scaler",
            "min_capacity": 1, "max_capacity": 4, "target_cpu": 70, **CAPS, "deadline_s": 6, "hold_s": 3,
            "scale_in_s": 8, "poll_s": 0.5, **overrides}
    return profile_dict({"AUTOSCALING": {"runbook": "002", "live": live}}, runbooks=["002"])


def _attached(result, key: str) -> dict:
    for path in result.allure_dir.glob("*-attachment.json"):
        data = json.loads(path.read_text())
        if isinstance(data, dict) and key in data:
            return data
    raise AssertionError(f"no attachment with {key!r}")


def test_passes_on_the_compliant_scaler_and_load_stays_within_its_caps(pytester, lab):
    result = run_gate(pytester, _live(lab("scaler", "compliant")), "autoscaling")
    assert result.verdict("AUTOSCALING") == "passed", result.output
    tl = _attached(result, "peak_rps")
    assert tl["scaled_out_at"] is not None and tl["max_replicas_seen"] <= 4
    assert 0 < tl["sent"] <= CAPS["max_requests"]
    assert tl["sent"] <= CAPS["max_rps"] * tl["load_stopped_at"] + CAPS["users"]  # rate cap, one burst of slack
    assert tl["load_stopped_at"] <= CAPS["max_duration_s"] + 2
    assert tl["back_to_min_at"] is not None, "scale-in is recorded"
    assert any(p.suffix == ".png" for p in result.allure_dir.iterdir())


@pytest.mark.parametrize(("variant", "reason"), [
    ("never-scales", "scale-out never happened"),
    ("exceeds-max", "above the maximum 4"),
    ("wrong-target", "target is 90 %; runbook 002 requires 70 % CPU"),
])
def test_fails_with_the_reason_on_each_broken_scaler(pytester, lab, variant, reason):
    result = run_gate(pytester, _live(lab("scaler", variant)), "autoscaling")
    assert result.verdict("AUTOSCALING") == "non-compliant", result.output
    assert reason in result.messages("AUTOSCALING")


def test_fails_closed_when_the_scaler_cannot_be_observed(pytester, lab):
    from golive.lab.runtime import free_port
    profile = _live(lab("scaler", "compliant"), scaler={"kind": "http-json",
                                                     "url": f"http://127.0.0.1:{free_port()}/status"})
    result = run_gate(pytester, profile, "autoscaling")
    assert result.verdict("AUTOSCALING") == "could-not-observe", result.output
    assert "the scaler status" in result.messages("AUTOSCALING")


def test_configuration_fails_closed_when_the_providers_return_nothing(pytester):
    profile = profile_dict({"AUTOSCALING": {"policies": [
        {"resource": "service/silenttalk-production/silenttalk-production-server", "platform": "ecs",
         "min_capacity": 3, "max_capacity": 10, "target": 70}]}}, runbooks=["002"])
    result = run_gate(pytester, profile, "autoscaling")
    assert result.verdict("AUTOSCALING") == "could-not-observe", result.output


ECS = ScalingExpectation(resource="service/prod/api", platform="ecs", min_capacity=3, max_capacity=10, target=70)
AZURE = ScalingExpectation(resource="silenttalk-autoscale", platform="azure-autoscale", min_capacity=3,
                           max_capacity=10, target=70, scale_in_threshold=30, window_s=300)
HPA = ScalingExpectation(resource="production/api", platform="kubernetes-hpa", min_capacity=5, max_capacity=50,
                         behavior={"scaleDown": {"stabilizationWindowSeconds": 300}})


def _ecs(**changes) -> ScalingPolicy:
    base = {"resource": "service/prod/api", "platform": "ecs", "min_capacity": 3, "max_capacity": 10,
            "metric": "cpu", "target": 70.0, "source": "application-autoscaling:DescribeScalingPolicies"}
    return ScalingPolicy(**{**base, **changes})


def test_capacity_not_returned_or_a_scaler_behind_a_blind_read_is_unseen_not_wrong():
    absent = [_ecs(max_capacity=None)]
    assert policy_problems(ECS, absent, "002") == []
    assert [b.what for b in policy_unseen(ECS, absent, reads_blind=False)] == ["service/prod/api (ecs) max capacity"]
    assert [b.what for b in policy_unseen(ECS, [], reads_blind=True)] == ["scaler service/prod/api"]
    assert policy_unseen(ECS, [], reads_blind=False) == []  # every read succeeded: "no scaler" is a finding


@pytest.mark.parametrize(("want", "records", "reason"), [
    (ECS, [_ecs()], None),
    (ECS, [_ecs(target=50.0)], "target is 50 %; runbook 002 requires 70 % CPU"),
    (ECS, [_ecs(min_capacity=1)], "min capacity is 1; runbook 002 requires 3"),
    (ECS, [_ecs(max_capacity=20)], "max capacity is 20; runbook 002 requires 10"),
    (ECS, [_ecs(metric="ALBRequestCountPerTarget")], "scales on 'ALBRequestCountPerTarget'"),
    (ECS, [_ecs(resource="service/prod/other")], "service/prod/api: no scaler configured"),
    (AZURE, [_ecs(resource="silenttalk-autoscale", platform="azure-autoscale", scale_in_threshold=30, window_s=300)],
     None),
    (AZURE, [_ecs(resource="silenttalk-autoscale", platform="azure-autoscale", scale_in_threshold=20, window_s=600)],
     "scale-in threshold is 20 %; runbook 002 requires 30 %"),
    (AZURE, [_ecs(resource="silenttalk-autoscale", platform="azure-autoscale", scale_in_threshold=30, window_s=600)],
     "evaluation window is 600 s; runbook 002 requires 300 s"),
    (HPA, [_ecs(resource="production/api", platform="kubernetes-hpa", min_capacity=5, max_capacity=50,
                behavior={"scaleDown": {"stabilizationWindowSeconds": 300}})], None),
    (HPA, [_ecs(resource="production/api", platform="kubernetes-hpa", min_capacity=5, max_capacity=50)],
     "behavior.scaleDown.stabilizationWindowSeconds is None"),
])
def test_configuration_comparison_on_hand_made_records(want, records, reason):
    problems = policy_problems(want, records, "002")
    if reason is None:
        assert problems == []
    else:
        assert any(reason in p for p in problems), problems
