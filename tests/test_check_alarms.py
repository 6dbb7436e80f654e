"""ALARMS proven both ways on the emulated clouds: the runbook alarms of profiles/local.yaml pass on the compliant
SilentTalk AWS and Azure shapes and the social platform's PrometheusRules, and fail naming the field on each
broken variant; API errors are could-not-observe."""

from __future__ import annotations

import pytest

from gate import run_gate
from golive.lab.runtime import free_port
from monitoring_profiles import PROVIDERS, profile, section

COMPONENT = {"aws": "aws", "azure": "azure", "kubernetes": "kubernetes"}


def _run(pytester, lab, cloud, variant="compliant", **over):
    started = lab(COMPONENT[cloud], variant)
    body = section("ALARMS", cloud, profile="social-platform" if cloud == "kubernetes" else "local", **over)
    return run_gate(pytester, profile("ALARMS", body, PROVIDERS[cloud](started)), "alarms")


@pytest.mark.parametrize("cloud", ["aws", "azure", "kubernetes"])
def test_passes_on_the_compliant_shapes(pytester, lab, cloud):
    result = _run(pytester, lab, cloud)
    assert result.verdict("ALARMS") == "passed", result.output
    assert "runbook alarms judged" in result.attachments()


#: each broken variant and every field its faults must be named by (alarms-broken has one fault per alarm)
BROKEN = [
    ("aws", "alarms-broken", (
        "aws memory (Memory > 80% for 5 minutes): missing: no alarm on MemoryUtilization",
        "silenttalk-production-high-cpu: threshold is > 90 (looser); runbook 000 says > 70",
        "silenttalk-production-5xx-errors: window (Period 300 s x EvaluationPeriods 3) is 900 s; runbook 000 says 300 s",
        "silenttalk-production-low-disk: comparison is > 1.61061e+10; runbook 000 says < 15 % of",
        "silenttalk-production-unhealthy-hosts: actions: none")),
    ("aws", "alarm-topic-no-subscription", ("sns-topic has no confirmed subscription",)),
    ("azure", "alerts-cpu-80", ("threshold is > 80 (looser); runbook 000 says > 70",)),
    ("azure", "alerts-no-memory", ("azure memory (Memory > 80% for 5 minutes): missing",)),
    ("azure", "alerts-5xx-15m", ("period is 900 s; runbook 000 says 300 s",)),
    ("azure", "alerts-disabled", ("silenttalk-production-db-disk: alarm is disabled",)),
    ("azure", "alerts-no-actions", ("actions: none",)),
    ("azure", "action-group-no-receivers", ("action-group has no confirmed receiver",)),
    ("kubernetes", "prom-cpu-threshold-90", ("threshold is > 0.9 (looser); runbook 003 says > 0.8",)),
    ("kubernetes", "prom-cpu-for-1m", ("window (for: 1m) is 60 s; runbook 003 says 300 s",)),
    ("kubernetes", "prom-error-rate-missing", ("error-rate (Error rate > 1%): missing",)),
]


@pytest.mark.parametrize(("cloud", "variant", "reasons"), BROKEN, ids=[v for _, v, _ in BROKEN])
def test_fails_naming_the_field_on_each_broken_variant(pytester, lab, cloud, variant, reasons):
    result = _run(pytester, lab, cloud, variant)
    assert result.verdict("ALARMS") == "non-compliant", result.output
    for reason in reasons:
        assert reason in result.messages("ALARMS"), result.messages("ALARMS")


def test_unrouted_prometheus_rules_notify_nobody(pytester, lab):
    result = _run(pytester, lab, "kubernetes", alertmanager_route={"severity": "page"})
    assert result.verdict("ALARMS") == "non-compliant"
    assert "labels lack severity=page" in result.messages("ALARMS")


def test_a_firing_alarm_is_a_warning_with_evidence_unless_the_profile_fails_it(pytester, lab):
    result = _run(pytester, lab, "aws", "alarm-cpu-firing")
    assert result.verdict("ALARMS") == "passed", result.output
    assert "silenttalk-production-high-cpu is in state ALARM" in result.attachments()
    assert "1 alarm(s) firing now" in result.output
    strict = _run(pytester, lab, "aws", "alarm-cpu-firing", fail_when_firing=True)
    assert strict.verdict("ALARMS") == "non-compliant"
    assert "the profile fails the item on a firing alarm" in strict.messages("ALARMS")


def test_api_errors_and_an_unreachable_api_are_could_not_observe(pytester, lab):
    faults = lab("faults", "server-error")
    aws = PROVIDERS["aws"](lab("aws"))
    aws["aws"]["endpoint_url"] = faults.endpoints["http"]
    result = run_gate(pytester, profile("ALARMS", section("ALARMS", "aws"), aws), "alarms")
    assert result.verdict("ALARMS") == "could-not-observe", result.output
    assert "cloudwatch:DescribeAlarms" in result.messages("ALARMS")
    aws["aws"]["endpoint_url"] = f"http://127.0.0.1:{free_port()}"
    result = run_gate(pytester, profile("ALARMS", section("ALARMS", "aws"), aws), "alarms")
    assert result.verdict("ALARMS") == "could-not-observe"
    assert result.ret == 6


def test_a_cloud_the_profile_lacks_is_could_not_observe(pytester, lab):
    result = run_gate(pytester, profile("ALARMS", section("ALARMS", "azure"), PROVIDERS["aws"](lab("aws"))), "alarms")
    assert result.verdict("ALARMS") == "could-not-observe"
    assert "no providers.azure" in result.messages("ALARMS")
