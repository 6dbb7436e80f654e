"""ALARMS proven both ways on the emulated clouds: the runbook alarms of profiles/local.yaml pass on the compliant
SilentTalk AWS and Azure shapes and the social platform's PrometheusRules, and fail naming the field on each
broken variant; API errors are could-not-observe."""

from __future__ import annotations

import pytest

from gate import run_gate
from golive.lab.runtime import free_port
from monitoring_profiles import PROVIDERS, aws_restricted, profile, section

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


def _restricted(pytester, lab, variant, deny):
    return run_gate(pytester, profile("ALARMS", section("ALARMS", "aws"), aws_restricted(lab("aws", variant), deny)), "alarms")


def test_a_reader_denied_one_call_still_reports_the_breaches_it_can_see(pytester, lab):
    result = _restricted(pytester, lab, "alarms-broken", ["sns:ListSubscriptions"])
    text = result.messages("ALARMS")
    assert result.verdict("ALARMS") == "non-compliant" and result.ret == 1, result.output
    assert "silenttalk-production-high-cpu: threshold is > 90 (looser)" in text, text
    assert "silenttalk-production-unhealthy-hosts: actions: none" in text, text
    assert "sns:ListSubscriptions" in text and "Not observed" in text, text
    assert any("ListSubscriptions" in b for b in result.summary["items"]["ALARMS"]["blind_spots"])


def test_a_reader_denied_the_subscriptions_on_a_compliant_account_is_could_not_observe(pytester, lab):
    result = _restricted(pytester, lab, "compliant", ["sns:ListSubscriptions"])
    assert result.verdict("ALARMS") == "could-not-observe" and result.ret == 6, result.output
    assert "sns:ListSubscriptions" in result.messages("ALARMS")


def test_fields_the_api_does_not_return_are_blind_spots_not_verdicts():
    from golive import monitoring
    from golive.profile.items.alarms import AlarmsSection
    from golive.providers.records_monitoring import AlarmRule
    body = section("ALARMS", "aws")
    alarms = AlarmsSection.model_validate(body)
    expected = alarms.alarms[0]
    bare = AlarmRule(cloud="aws", kind="metric-alarm", name="bare", metrics=(expected.metric,),
                     namespace=expected.namespace, resources=(expected.resource,) if expected.resource else (),
                     dimensions=dict(expected.dimensions), enabled=None, source="cloudwatch:DescribeAlarms")
    rule, problems, blind = monitoring.alarm_verdict(expected, [bare], {}, alarms)
    assert rule is bare and problems == [], problems
    named = " ".join(b.what for b in blind)
    assert "Threshold of aws alarm bare" in named and "ComparisonOperator" in named and "ActionsEnabled" in named
    # a listed alarm no read returned is missing only when every read succeeded
    assert monitoring.alarm_verdict(expected, [], {}, alarms)[1][0].startswith(f"aws {expected.name}")
    _, problems, blind = monitoring.alarm_verdict(expected, [], {}, alarms, all_read=False)
    assert problems == [] and "may sit behind a blind read" in blind[0].why
