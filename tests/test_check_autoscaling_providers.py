"""AUTOSCALING configuration proven both ways through the three providers, against the lab's emulators.

The expectations are profiles/local.yaml's AUTOSCALING policies (ECS services, the Azure autoscale setting, the
enterprise API's HPAs), so what `golive run --profile local` asks is what is proven here. Only the
configuration test of checks/test_autoscaling.py runs (``-k``); the live half is tests/test_check_autoscaling.py.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# Imported before pytester's in-process runs (see tests/test_check_multi_az.py): a run drops the modules it
# imported, and the Azure SDK's transport would then meet a second copy of requests' cookie classes. Keeping
# the SDKs loaded also spares every run seconds of imports (golive's own provider modules must not be kept:
# their registries would see each area twice).
import azure.core.pipeline.transport  # noqa: F401
import azure.mgmt.monitor  # noqa: F401
import azure.mgmt.web  # noqa: F401
import boto3  # noqa: F401
import kubernetes.client  # noqa: F401
import pytest
import requests  # noqa: F401
import yaml

from gate import ROOT, profile_dict, run_gate
from golive.lab.components.aws import profile_block
from golive.lab.components.azure import profile_block as azure_block
from golive.lab.runtime import free_port
from golive.profile.model import Providers
from golive.providers import CloudProviders

ITEM = "AUTOSCALING"
ONLY_CONFIGURATION = ("-k", "scaling_policies")
LOCAL = yaml.safe_load((ROOT / "profiles" / "local.yaml").read_text(encoding="utf-8"))["items"][ITEM]["policies"]
SERVER = "service/silenttalk-production-cluster/silenttalk-production-server"
AZURE_SETTING = "silenttalk-production-autoscale"


def _policies(platform: str | None = None) -> list[dict]:
    return [p for p in LOCAL if platform is None or p["platform"] == platform]


def _aws_block(started, **over):
    return {**profile_block(started), "max_attempts": 1, "timeout_s": 3, **over}


def _azure_block(started, **over):
    return {**azure_block(started), "max_retries": 0, "timeout_s": 3, **over}


def _kube_block(started, **over):
    return {"kubeconfig": started.endpoints["kubeconfig"], "context": started.endpoints["context"],
            "namespaces": ["production"], "max_attempts": 1, "timeout_s": 3, **over}


def _gate(pytester, platform=None, **providers):
    profile = profile_dict({ITEM: {"runbook": "002", "policies": _policies(platform)}},
                           runbooks=["000", "002", "004"], providers=providers)
    return run_gate(pytester, profile, "autoscaling", args=ONLY_CONFIGURATION)


BLOCKS = {"aws": _aws_block, "azure": _azure_block, "kubernetes": _kube_block}
PLATFORM = {"aws": "ecs", "azure": "azure-autoscale", "kubernetes": "kubernetes-hpa"}

#: one broken variant per cloud in each run: (variants, [(resource, reason)...]); nothing else may be named
ROUNDS = {
    "wrong-target": ({"aws": "ecs-cpu-target-90", "azure": "autoscale-out-at-80", "kubernetes": "hpa-target-90"}, [
        (SERVER, "target is 90 %; runbook 002 requires 70 % CPU"),
        (AZURE_SETTING, "target is 80 %; runbook 002 requires 70 % CPU"),
        ("production/auth-service", "target is 90 %; runbook 004 requires 70 % CPU")]),
    "min-max-off": ({"aws": "ecs-min-1-max-20", "azure": "autoscale-min-1", "kubernetes": "hpa-min-1-max-20"}, [
        (SERVER, "min capacity is 1; runbook 002 requires 3"), (SERVER, "max capacity is 20; runbook 002 requires 10"),
        (AZURE_SETTING, "min capacity is 1; runbook 002 requires 3"),
        ("production/org-service", "min capacity is 1; runbook 004 requires 5"),
        ("production/org-service", "max capacity is 20; runbook 004 requires 50")]),
    "metric-scale-in-behavior": (
        {"aws": "ecs-scales-on-memory", "azure": "autoscale-in-at-20", "kubernetes": "hpa-no-behavior"}, [
            (SERVER, "scales on 'ECSServiceAverageMemoryUtilization'; runbook 002 requires average CPU utilization"),
            (SERVER, "target is not set; runbook 002 requires 70 % CPU"),
            (AZURE_SETTING, "scale-in threshold is 20 %; runbook 002 requires 30 %"),
            ("production/user-service", "behavior.scaleDown.stabilizationWindowSeconds is None; the profile "
                                        "requires 300")]),
    "azure-scale-out-window": ({"azure": "autoscale-window-10m"}, [
        (AZURE_SETTING, "evaluation window is 600 s; runbook 002 requires 300 s")]),
    "azure-scale-in-window": ({"azure": "autoscale-in-window-1m"}, [
        (AZURE_SETTING, "behavior.scaleIn.timeWindow is 'PT1M'; the profile requires 'PT5M'")]),
}


@pytest.fixture(scope="module")
def started(lab):
    """Every variant this module uses, started once. The broken AWS accounts (seconds of seeding each, no new
    process) are seeded in a thread while the other emulators start here: a lab process dies with the thread
    that spawned it."""
    wanted = {(cloud, v) for variants, _ in ROUNDS.values() for cloud, v in variants.items()}
    lab("aws")
    with ThreadPoolExecutor(1) as pool:
        aws = pool.submit(lambda: [lab(c, v) for c, v in sorted(wanted) if c == "aws"])
        for c, v in sorted(wanted | {("azure", "compliant"), ("kubernetes", "compliant")}):
            if c != "aws":
                lab(c, v)
        aws.result()
    return lambda cloud, variant="compliant": lab(cloud, variant)


def test_passes_on_the_compliant_lab_as_the_local_profile_states_it(pytester, started):
    result = _gate(pytester, **{cloud: block(started(cloud)) for cloud, block in BLOCKS.items()})
    assert result.verdict(ITEM) == "passed", result.output
    seen = result.attachments()
    for fragment in ("TargetTrackingScalingPolicyConfiguration", '"scale_in_threshold": 30.0',
                     '"stabilizationWindowSeconds": 300', AZURE_SETTING):
        assert fragment in seen


@pytest.mark.parametrize("name", ROUNDS)
def test_fails_naming_resource_and_field_on_each_broken_variant(pytester, started, name):
    variants, expected = ROUNDS[name]
    result = _gate(pytester, None if len(variants) > 1 else PLATFORM[next(iter(variants))],
                   **{cloud: BLOCKS[cloud](started(cloud, variant)) for cloud, variant in variants.items()})
    assert result.verdict(ITEM) == "non-compliant", result.output
    lines = result.messages(ITEM).splitlines()
    for resource, reason in expected:
        assert any(line.strip().startswith(f"- {resource} (") and reason in line for line in lines), \
            f"{resource}: {reason!r} not in\n" + "\n".join(lines)
    assert f"{len(expected)} scaling setting(s) differ" in result.messages(ITEM)  # nothing else is named


@pytest.mark.parametrize(("cloud", "down", "reason"), [
    ("aws", {"endpoint_url": "http://127.0.0.1:{port}"}, "application-autoscaling:DescribeScalableTargets"),
    ("azure", {"arm_endpoint": "https://127.0.0.1:{port}"}, "could not be reached"),
    ("kubernetes", None, "cannot reach the API server"),
])
def test_unreachable_api_is_could_not_observe(pytester, started, tmp_path, cloud, down, reason):
    if down is None:  # the kubeconfig names the server
        config = yaml.safe_load(Path(started(cloud).endpoints["kubeconfig"]).read_text())
        config["clusters"][0]["cluster"]["server"] = f"https://127.0.0.1:{free_port()}"
        (tmp_path / "down").write_text(yaml.safe_dump(config))
        down = {"kubeconfig": str(tmp_path / "down")}
    down = {k: v.format(port=free_port()) for k, v in down.items()}
    result = _gate(pytester, PLATFORM[cloud], **{cloud: BLOCKS[cloud](started(cloud), **down)})
    assert result.verdict(ITEM) == "could-not-observe", result.output
    assert reason in result.messages(ITEM)


# --- scaling_status: what the live watch reads from a cloud scaler ------------------------------------------
def test_scaling_status_reads_each_cloud_and_ignores_the_others_resources(started):
    providers = CloudProviders(Providers(**{cloud: block(started(cloud)) for cloud, block in BLOCKS.items()}))
    (ecs,) = providers.gather("scaling_status", SERVER)
    assert (ecs.desired, ecs.replicas) == (3, 3)  # the lab's steady service runs its desired count (extensions.py)
    (hpa,) = providers.gather("scaling_status", "production/auth-service")
    assert (hpa.replicas, hpa.desired, hpa.cpu_percent) == (5, 5, 41.0)
    (plan,) = providers.gather("scaling_status", AZURE_SETTING)
    assert plan.replicas == 3 and plan.cpu_percent is None and "CpuPercentage: no datapoint" in plan.source  # the lab serves metrics, none for the plan
    assert providers.gather("scaling_status", "production/no-such-hpa-namespace/x") == []


def test_the_scaler_resource_may_be_addressed_to_one_of_several_targets(started):
    """Two accounts hold the same service: read bare it is found in both (the check then asks which); addressed
    ``<target>/<resource>`` only that target is read (issue 18)."""
    block = _aws_block(started("aws"))
    providers = CloudProviders(Providers(aws_targets=[{**block, "name": "a"}, {**block, "name": "b"}]))
    both = providers.gather("scaling_status", addressed=("resource",), resource=SERVER)
    assert sorted(s.where for s in both) == ["a/us-east-1", "b/us-east-1"]
    (one,) = providers.gather("scaling_status", addressed=("resource",), resource=f"b/{SERVER}")
    assert one.where == "b/us-east-1" and (one.desired, one.replicas) == (3, 3)
