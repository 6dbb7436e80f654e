"""`golive discover` and `golive explain` (issue 17): a draft profile from the three emulated clouds passes
check-profile as written, is stable, reads only, and (after the DECIDE lines a person fills) passes the gate on the
compliant estate and names the defect on a broken one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Imported before pytester's in-process runs (see tests/test_check_multi_az.py for why).
import azure.core.pipeline.transport  # noqa: F401
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
               "TURN", "AUTOSCALING")
# What a person decides on the lab after reading the DECIDE lines: the two-zone services are primary/standby pairs
# or scaled 2-8 by runbook 003.
TWO_ZONES = "a primary and one standby, or a service scaled 2-8 by runbook 003 line 160/163: two replicas, two zones"


def _block(lab, aws: str = "compliant", azure: str = "compliant", kubernetes: str = "compliant") -> dict[str, Any]:
    return {**lab_providers.aws(lab("aws", aws)), **lab_providers.azure(lab("azure", azure)),
            **lab_providers.kubernetes(lab("kubernetes", kubernetes))}


def _draft(block: dict[str, Any], name: str = "drafted") -> tuple[str, list[str]]:
    return discover.discover(Providers.model_validate(block), block, name, RUNBOOKS)


def decided(text: str) -> dict[str, Any]:
    """The draft with the lab's DECIDE lines filled: two-zone overrides with their reason."""
    data = yaml.safe_load(text)
    for entry in data["items"]["MULTI-AZ"]["resources"]:
        pair = entry["tier"] == "database" or entry["name"].endswith(("/friend-request-service", "/otp-service"))
        if pair and any(entry["name"] in line and "zones /" in line for line in discover.decide_lines(text)):
            entry.update(min_zones=2, min_replicas=2, because=TWO_ZONES)
    return data


def _modules() -> list[str]:
    return [Path(item.module).name for item in ITEMS if item.id in CLOUD_ITEMS]


def test_the_draft_is_valid_stable_read_only_and_passes_the_gate_once_decided(pytester, lab, tmp_path):
    block = _block(lab)
    text, writes = _draft(block)
    (tmp_path / "drafted.yaml").write_text(text, encoding="utf-8")
    assert writes == []
    assert load_profile(str(tmp_path / "drafted.yaml")).profile.name == "drafted"  # check-profile as written
    assert _draft(block)[0] == text  # the same estate gives the same file
    assert "NOT READ" not in text
    assert "DECIDE:" in text
    result = run_gate(pytester, decided(text), *_modules())
    verdicts = {item: result.verdict(item) for item in CLOUD_ITEMS}
    assert verdicts == dict.fromkeys(CLOUD_ITEMS, "passed"), result.output[-6000:]


def test_a_broken_estate_drafts_a_profile_whose_gate_names_the_defect(pytester, lab):
    text, writes = _draft(_block(lab, aws="alarms-broken", azure="logs-retention-7d", kubernetes="nodes-two-zones"))
    assert writes == []
    result = run_gate(pytester, decided(text), *_modules())
    assert result.ret == 1, result.output[-4000:]
    assert result.verdict("ALARMS") == "non-compliant" and "threshold is > 90" in result.messages("ALARMS")
    assert result.verdict("LOG-RETENTION") == "non-compliant" and "7 days" in result.messages("LOG-RETENTION")
    assert result.verdict("MULTI-AZ") == "non-compliant" and "Kubernetes nodes: 2 zones" in result.messages("MULTI-AZ")


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
