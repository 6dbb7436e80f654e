"""AUTOSCALING configuration proven both ways through the three providers, against the lab's emulators.

The expectations are profiles/local.yaml's AUTOSCALING policies (ECS services, the Azure autoscale setting, the
enterprise API's HPAs), so what `golive run --profile local` asks is what is proven here. Only the
configuration test of checks/test_autoscaling.py runs (``-k``); the live half is tests/test_check_autoscaling.py.
"""

from __future__ import annotations

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
    e = started.endpoints
    return {"subscription_id": e["subscription_id"], "resource_group": e["resource_group"], "base_url": e["arm"],
            "ca_bundle": e["ca_bundle"], "lab_token": True, "max_retries": 0, "timeout_s": 3, **over}


def _kube_block(started, **over):
    return {"kubeconfig": started.endpoints["kubeconfig"], "context": started.endpoints["context"],
            "namespaces": ["production"], "max_attempts": 1, "timeout_s": 3, **over}


def _gate(pytester, platform, **providers):
    profile = profile_dict({ITEM: {"runbook": "002", "policies": _policies(platform)}},
                           runbooks=["000", "002", "004"], providers=providers)
    return run_gate(pytester, profile, "autoscaling", args=ONLY_CONFIGURATION)


def _fails_with(result, reasons):
    assert result.verdict(ITEM) == "non-compliant", result.output
    for reason in reasons:
        assert reason in result.messages(ITEM), result.messages(ITEM)


def test_passes_on_the_compliant_lab_as_the_local_profile_states_it(pytester, lab):
    result = _gate(pytester, None, aws=_aws_block(lab("aws")), azure=_azure_block(lab("azure")),
                   kubernetes=_kube_block(lab("kubernetes")))
    assert result.verdict(ITEM) == "passed", result.output
    seen = result.attachments()
    for fragment in ("TargetTrackingScalingPolicyConfiguration",
                     '"scale_in_threshold": 30.0', '"stabilizationWindowSeconds": 300', AZURE_SETTING):
        assert fragment in seen


# --- AWS: ECS services via Application Auto Scaling ---------------------------------------------------------
@pytest.mark.xdist_group("autoscaling-aws")
@pytest.mark.parametrize(("variant", "reasons"), [
    ("ecs-cpu-target-90", [f"{SERVER} (ecs, application-autoscaling:", "target is 90 %; runbook 002 requires 70 % CPU"]),
    ("ecs-min-1-max-20", ["min capacity is 1; runbook 002 requires 3", "max capacity is 20; runbook 002 requires 10"]),
    ("ecs-scales-on-memory", ["scales on 'ECSServiceAverageMemoryUtilization'; runbook 002 requires average CPU",
                              "target is not set"]),
])
def test_fails_naming_the_field_on_broken_aws(pytester, lab, variant, reasons):
    result = _gate(pytester, "ecs", aws=_aws_block(lab("aws", variant)))
    _fails_with(result, reasons)
    assert "silenttalk-production-client" not in result.messages(ITEM)  # only the broken service is named


@pytest.mark.xdist_group("autoscaling-aws")
def test_aws_unreachable_is_could_not_observe(pytester, lab):
    result = _gate(pytester, "ecs", aws=_aws_block(lab("aws"), endpoint_url=f"http://127.0.0.1:{free_port()}"))
    assert result.verdict(ITEM) == "could-not-observe", result.output
    assert "application-autoscaling:DescribeScalableTargets" in result.messages(ITEM)


# --- Azure: autoscale settings ------------------------------------------------------------------------------
@pytest.mark.xdist_group("autoscaling-azure")
@pytest.mark.parametrize(("variant", "reason"), [
    ("autoscale-out-at-80", "target is 80 %; runbook 002 requires 70 % CPU"),
    ("autoscale-min-1", "min capacity is 1; runbook 002 requires 3"),
    ("autoscale-in-at-20", "scale-in threshold is 20 %; runbook 002 requires 30 %"),
    ("autoscale-window-10m", "evaluation window is 600 s; runbook 002 requires 300 s"),
    ("autoscale-in-window-1m", "behavior.scaleIn.timeWindow is 'PT1M'; the profile requires 'PT5M'"),
])
def test_fails_naming_the_field_on_broken_azure(pytester, lab, variant, reason):
    result = _gate(pytester, "azure-autoscale", azure=_azure_block(lab("azure", variant)))
    _fails_with(result, [f"{AZURE_SETTING} (azure-autoscale, Microsoft.Insights/autoscalesettings", reason])


@pytest.mark.xdist_group("autoscaling-azure")
def test_azure_unreachable_is_could_not_observe(pytester, lab):
    result = _gate(pytester, "azure-autoscale",
                   azure=_azure_block(lab("azure"), base_url=f"https://127.0.0.1:{free_port()}"))
    assert result.verdict(ITEM) == "could-not-observe", result.output
    assert "autoscale settings" in result.messages(ITEM) and "could not be reached" in result.messages(ITEM)


# --- Kubernetes: autoscaling/v2 HPAs ------------------------------------------------------------------------
@pytest.mark.xdist_group("autoscaling-kubernetes")
@pytest.mark.parametrize(("variant", "reasons"), [
    ("hpa-target-90", ["production/auth-service (kubernetes-hpa", "target is 90 %; runbook 004 requires 70 % CPU"]),
    ("hpa-min-1-max-20", ["production/org-service (kubernetes-hpa", "min capacity is 1; runbook 004 requires 5",
                          "max capacity is 20; runbook 004 requires 50"]),
    ("hpa-no-behavior", ["production/user-service (kubernetes-hpa",
                         "behavior.scaleDown.stabilizationWindowSeconds is None; the profile requires 300"]),
])
def test_fails_naming_the_field_on_broken_kubernetes(pytester, lab, variant, reasons):
    _fails_with(_gate(pytester, "kubernetes-hpa", kubernetes=_kube_block(lab("kubernetes", variant))), reasons)


@pytest.mark.xdist_group("autoscaling-kubernetes")
def test_kubernetes_unreachable_is_could_not_observe(pytester, lab, tmp_path):
    started = lab("kubernetes")
    config = yaml.safe_load(Path(started.endpoints["kubeconfig"]).read_text())
    config["clusters"][0]["cluster"]["server"] = f"https://127.0.0.1:{free_port()}"
    (tmp_path / "down").write_text(yaml.safe_dump(config))
    result = _gate(pytester, "kubernetes-hpa", kubernetes=_kube_block(started, kubeconfig=str(tmp_path / "down")))
    assert result.verdict(ITEM) == "could-not-observe", result.output
    assert "cannot reach the API server" in result.messages(ITEM)


# --- scaling_status: what the live watch reads from a cloud scaler ------------------------------------------
def test_scaling_status_reads_each_cloud_and_ignores_the_others_resources(lab):
    providers = CloudProviders(Providers(aws=_aws_block(lab("aws")), azure=_azure_block(lab("azure")),
                                         kubernetes=_kube_block(lab("kubernetes"))))
    (ecs,) = providers.gather("scaling_status", SERVER)
    assert (ecs.desired, ecs.replicas) == (3, 0)  # moto starts no tasks: desired 3, running 0
    (hpa,) = providers.gather("scaling_status", "production/auth-service")
    assert (hpa.replicas, hpa.desired, hpa.cpu_percent) == (5, 5, 41.0)
    (plan,) = providers.gather("scaling_status", AZURE_SETTING)
    assert plan.replicas == 3 and plan.cpu_percent is None and "CpuPercentage not readable" in plan.source
    assert providers.gather("scaling_status", "production/no-such-hpa-namespace/x") == []
