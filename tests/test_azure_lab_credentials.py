"""No lab-only token switch: a lab profile's gate takes the lab's token from DefaultAzureCredential's managed
identity (the emulator's App Service endpoint, IDENTITY_ENDPOINT set by golive for lab profiles only); any other
profile gets the plain chain, which here finds no credential and fails closed."""

from __future__ import annotations

import http.cookiejar  # noqa: F401  (before pytester's in-process runs: see tests/monitoring_profiles.py)
import os

import azure.mgmt.frontdoor  # noqa: F401
import pytest
import requests  # noqa: F401

from gate import profile_dict, run_gate
from golive.lab.components.azure import COMPONENT, profile_block
from golive.lab.runtime import LabRuntime
from waf_gate import ITEM, NA

pytestmark = pytest.mark.xdist_group("shared-lab-ports")
CLASSIC = {"protects": "classic.silenttalk.example", "acl": "silenttalkclassicwaf", "managed_groups": ["DefaultRuleSet"]}


@pytest.fixture(scope="module")
def on_lab_ports(tmp_path_factory):
    """The ARM emulator on the shared lab's fixed ports (ARM 18510, managed identity 18511)."""
    rt = LabRuntime(tmp_path_factory.mktemp("azure-fixed"))
    try:
        yield COMPONENT.start(rt, "compliant", dict(COMPONENT.lab_ports))
    finally:
        rt.stop_all()


def _gate(pytester, started, lab: bool):
    profile = profile_dict({ITEM: {"configuration": CLASSIC, "live": NA}}, lab=lab,
                           providers={"azure": {**profile_block(started), "max_retries": 0, "timeout_s": 5}})
    return run_gate(pytester, profile, "waf_429", args=("--no-lab",))


def test_a_lab_profile_reads_the_lab_token_through_the_standard_chain(pytester, on_lab_ports, monkeypatch):
    for name in [n for n in os.environ if n.startswith(("AZURE_", "IDENTITY_", "MSI_"))]:
        monkeypatch.delenv(name)
    result = _gate(pytester, on_lab_ports, lab=True)
    assert result.verdict(ITEM) == "passed", result.output
    assert "IDENTITY_ENDPOINT" not in os.environ  # set for that run only


def test_another_profile_gets_no_lab_token(pytester, on_lab_ports, monkeypatch):
    for name in [n for n in os.environ if n.startswith(("AZURE_", "IDENTITY_", "MSI_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential")  # no IMDS probe, no az subprocess
    result = _gate(pytester, on_lab_ports, lab=False)
    assert result.verdict(ITEM) == "could-not-observe", result.output
