"""`golive discover` and `golive explain` (issue 17): a draft profile from the three emulated clouds passes
check-profile as written, is stable, reads only, and (after the DECIDE lines a person fills) passes the gate on the
compliant estate and names the defect on a broken one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Imported before pytester's in-process runs (see tests/test_check_multi_az.py for why).
import azure.core.pipeline.transport  # noqa: F401
import pytest
import requests  # noqa: F401
import yaml

import lab_providers
from gate import run_gate
from golive import discover
from golive.cli import main
from golive.profile.load import load_profile
from golive.profile.model import Providers
from golive.registry import ITEMS

RUNBOOKS = ("000", "001", "002", "003", "004")
CLOUD_ITEMS = ("ROLLOUT", "TLS-ONLY", "CDN", "WAF-429", "MULTI-AZ", "BACKUPS", "ALARMS", "SECRETS", "LOG-RETENTION",
               "TURN", "AUTOSCALING", "DASHBOARDS", "LOGS-FLOWING")
# What a person decides on the lab after reading the DECIDE lines: the two-zone services are primary/standby pairs
# or scaled 2-8 by runbook 003.
TWO_ZONES = "a primary and one standby, or a service scaled 2-8 by runbook 003 line 160/163: two replicas, two zones"


def _block(lab, aws: str = "compliant", azure: str = "compliant", kubernetes: str = "compliant") -> dict[str, Any]:
    return {**lab_providers.aws(lab("aws", aws)), **lab_providers.azure(lab("azure", azure)),
            **lab_providers.kubernetes(lab("kubernetes", kubernetes))}


def _draft(block: dict[str, Any], name: str = "drafted") -> tuple[str, list[str]]:
    return discover.discover(Providers.model_validate(block), block, name, RUNBOOKS)


def decided(text: str) -> dict[str, Any]:
    """The draft with the lab's DECIDE lines filled: two-zone overrides with their reason, the logs' window."""
    data = yaml.safe_load(text)
    for entry in data["items"]["MULTI-AZ"]["resources"]:
        pair = entry["tier"] == "database" or entry["name"].endswith(("/friend-request-service", "/otp-service"))
        if pair and any(entry["name"] in line and "zones /" in line for line in discover.decide_lines(text)):
            entry.update(min_zones=2, min_replicas=2, because=TWO_ZONES)
    if isinstance(data["items"].get("LOGS-FLOWING"), dict) and "window_min" in data["items"]["LOGS-FLOWING"]:
        data["items"]["LOGS-FLOWING"]["window_min"] = 60  # the lab seeds CloudWatch events once, when it starts
    # The lab's hosts are not resolvable names: a pre-traffic estate declares its live halves not applicable.
    pre_traffic = {"not_applicable": "pre-traffic: the hosts seen are not live yet"}
    if isinstance(data["items"].get("TLS-ONLY"), dict):
        data["items"]["TLS-ONLY"]["live"] = pre_traffic
    data["items"].update({"SEC-HEADERS": pre_traffic, "HEALTH": pre_traffic})
    return data


def _hosts_of(data: dict[str, Any]) -> dict[str, set[str]]:
    items = data["items"]
    return {"TLS-ONLY": {e["host"] for e in items["TLS-ONLY"]["live"].get("endpoints", [])},
            "SEC-HEADERS": {e["url"] for e in items["SEC-HEADERS"].get("origins", [])},
            "HEALTH": {e["url"] for e in items["HEALTH"].get("endpoints", [])}}


def _modules(*items: str) -> list[str]:
    return [Path(item.module).name for item in ITEMS if item.id in (items or CLOUD_ITEMS)]


def test_the_draft_is_valid_stable_read_only_and_passes_the_gate_once_decided(pytester, lab, tmp_path):
    block = _block(lab)
    text, writes = _draft(block)
    (tmp_path / "drafted.yaml").write_text(text, encoding="utf-8")
    assert writes == []
    assert load_profile(str(tmp_path / "drafted.yaml")).profile.name == "drafted"  # check-profile as written
    assert _draft(block)[0] == text  # the same estate gives the same file
    assert "NOT READ" not in text
    assert "DECIDE:" in text
    lab_hosts = {"silenttalk.example", "api.silenttalk.example",  # the ALB's listener certificate names
                 "api.example.com", "api.social-platform.com",  # the ingress hosts
                 "app.silenttalk.example", "cdn.silenttalk.example"}  # a Front Door custom domain, a CloudFront alias
    drafted = _hosts_of(yaml.safe_load(text))
    assert lab_hosts <= drafted["TLS-ONLY"], drafted
    assert {f"https://{h}/" for h in lab_hosts} <= drafted["SEC-HEADERS"], drafted
    assert {f"https://{h}/health" for h in lab_hosts} <= drafted["HEALTH"], drafted
    assert not any("postgres" in h or "redis" in h for h in drafted["TLS-ONLY"]), drafted  # not HTTPS on 443
    result = run_gate(pytester, decided(text), *_modules())
    verdicts = {item: result.verdict(item) for item in CLOUD_ITEMS}
    assert verdicts == dict.fromkeys(CLOUD_ITEMS, "passed"), result.output[-6000:]


# One broken variant per cloud item, three clouds per discover+gate run (an AWS account holds one variant):
# (aws, azure, kubernetes variants), {item: what its gate must name}.
BROKEN = (
    (("alarms-broken", "logs-retention-7d", "nodes-two-zones"),
     {"ALARMS": "threshold is > 90", "LOG-RETENTION": "silenttalk-logs: retention is 7 days",
      "MULTI-AZ": "Kubernetes nodes: 2 zones"}),
    (("secrets-rotation-broken", "afd-route-no-cache", "hpa-min-1-max-20"),
     {"SECRETS": "silenttalk-production/database: rotation is off", "CDN": "caching_enabled is false",
      "AUTOSCALING": "min capacity is 1; runbook 004 requires 5"}),
    (("waf-limit-10000", "nsg-ssh-world", "rollout-crashloop"),  # the check judges the groups' union: an NSG
     # lacking 3478/udp is covered by the AWS group opening it, so the NSG's defect here is one no group excuses
     {"WAF-429": "limit 10000 requests per 300 s is too high", "TURN": "silenttalk-turn-nsg opens 22/tcp to Internet",
      "ROLLOUT": "production/org-service: 4 of 5 replicas ready"}),
    (("dashboard-no-5xx", "app-tls12", "logs-errors"),
     {"DASHBOARDS": "silenttalk-production does not chart HTTPCode_Target_5XX_Count",
      "TLS-ONLY": "silenttalk-production-api (siteConfig.minTlsVersion=1.2", "LOGS-FLOWING": "are error-level"}),
    (("backups-retention-7d", "compliant", "compliant"), {"BACKUPS": "keeps backups 7 days"}),
)


@pytest.mark.parametrize(("variants", "named"), BROKEN, ids=[",".join(v) for v, _ in BROKEN])
def test_a_broken_estate_drafts_a_profile_whose_gate_names_the_defect(pytester, lab, variants, named):
    """Thresholds come from the runbooks, not from the broken estate: each item's gate fails naming its defect."""
    aws, azure, kubernetes = variants
    text, writes = _draft(_block(lab, aws=aws, azure=azure, kubernetes=kubernetes))
    assert writes == []
    result = run_gate(pytester, decided(text), *(_modules(*named)))
    assert result.ret == 1, result.output[-4000:]
    for item, defect in named.items():
        assert result.verdict(item) == "non-compliant", (item, result.output[-4000:])
        assert defect in result.messages(item), (item, result.messages(item))


def test_the_broken_runs_cover_every_cloud_item():
    assert sorted(item for _, named in BROKEN for item in named) == sorted(CLOUD_ITEMS)


def test_from_an_empty_directory_and_an_endpoint_to_a_verdict_in_three_commands(pytester, lab, tmp_path, capsys,
                                                                              monkeypatch):
    monkeypatch.chdir(tmp_path)
    aws = lab_providers.aws(lab("aws"))["aws"]
    assert main(["discover", "--provider", "aws", "--aws-region", aws["region"], "--aws-profile", aws["profile"],
                 "--aws-endpoint-url", aws["endpoint_url"], "--aws-credentials-file", str(aws["credentials_file"]),
                 "--runbook", "000", "--out", "profiles/my-env.yaml"]) == 0  # 1
    assert "DECIDE lines to review" in capsys.readouterr().out
    assert main(["check-profile", "profiles/my-env.yaml"]) == 0  # 2
    result = run_gate(pytester, yaml.safe_load((tmp_path / "profiles/my-env.yaml").read_text()), *_modules())  # 3
    verdicts = {item: result.verdict(item) for item in CLOUD_ITEMS}
    # the drafted live hosts (the ALB's names) do not resolve in the lab: unobserved until a person decides
    assert verdicts.pop("TLS-ONLY") == "could-not-observe", result.output[-4000:]
    assert set(verdicts.values()) <= {"passed", "non-compliant", "not-applicable"}, result.output[-4000:]
    assert verdicts["MULTI-AZ"] == "non-compliant"  # the RDS primary/standby pair until a person decides
    assert verdicts["ALARMS"] == "passed" and verdicts["BACKUPS"] == "passed", result.output[-4000:]


def test_discover_refuses_without_a_runbook_or_a_cloud(capsys):
    assert main(["discover", "--provider", "aws"]) == 4
    assert "--runbook" in capsys.readouterr().err
    assert main(["discover", "--runbook", "000"]) == 4
    assert "--provider" in capsys.readouterr().err


def test_explain_prints_fields_defaults_runbook_lines_and_an_example(capsys):
    assert main(["explain", "backups"]) == 0
    out = capsys.readouterr().out
    assert "interval_h: float (default 6; > 0, <= 168)" in out
    assert "runbook 000 line 718" in out and "Example" in out and "retention_days: 30" in out
    assert main(["explain", "NOPE"]) == 4


def test_a_reader_denied_two_reads_drafts_them_at_the_top_with_the_policy_lines_that_fix_them(lab, tmp_path):
    """What could not be read is listed at the top with the IAM lines (not signing names) that would fix it; nothing
    behind a denied read is drafted as missing without saying it was not read; the draft still passes check-profile."""
    from golive.lab.aws.restricted import restricted_reader
    started = lab("aws", "compliant")
    over = restricted_reader(started, ["rds:DescribeDBInstances", "monitoring:DescribeAlarms"])
    text, writes = _draft(lab_providers.aws(started, **over))
    assert writes == []
    (tmp_path / "drafted.yaml").write_text(text, encoding="utf-8")
    assert main(["check-profile", str(tmp_path / "drafted.yaml")]) == 0
    header = text[:text.index("\nname: ")]
    assert "# NOT READ (2)" in header, header  # each failed read once, however many kinds sat behind it
    assert "rds:DescribeDBInstances" in header and "cloudwatch:DescribeAlarms" in header
    fix = header[header.index("policy lines that would fix them"):]
    policy = json.loads("\n".join(ln.removeprefix("#   ") for ln in fix.splitlines()[1:]))
    assert policy["Statement"][0]["Action"] == ["cloudwatch:DescribeAlarms", "rds:DescribeDBInstances"], fix
    assert "monitoring:" not in fix
    body = text[len(header):]
    assert "NOT FOUND" not in body  # no alarm drafted as missing while the alarms were unread
    alarms = body[body.index("  ALARMS:"):body.index("  DASHBOARDS:")]
    assert "NOT READ" in alarms and "cloudwatch:DescribeAlarms" in alarms, alarms
    for item in ("MULTI-AZ", "BACKUPS"):  # the database and what backs it up sit behind rds:DescribeDBInstances
        section = body[body.index(f"  {item}:") - 400:body.index(f"  {item}:") + 400]
        assert "NOT READ here: rds:DescribeDBInstances" in section, section
