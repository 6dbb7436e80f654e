"""The gate's spine: registry one-to-one with checks/, waivers, redaction, import direction, no leftovers."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

from gate import ROOT, profile_dict, run_gate
from golive.registry import ITEMS, RUNBOOKS

SEEDS = ROOT.parent / "shared" / "seeds"


def test_registry_is_one_to_one_with_checks():
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "checks").glob("test_*.py")}
    assert {item.module for item in ITEMS} == modules
    assert len({item.id for item in ITEMS}) == len(ITEMS) == len(modules)


def test_every_check_is_proven_by_a_self_test_module():
    for item in ITEMS:
        name = Path(item.module).stem.removeprefix("test_")
        assert (ROOT / "tests" / f"test_check_{name}.py").exists(), f"{item.id}: no tests/test_check_{name}.py"


def test_runbook_references_point_at_lines_that_say_it():
    if not SEEDS.is_dir():
        return  # shared/ lies beside the repo on golive machines and CI
    for item in ITEMS:
        for ref in item.runbook:
            lines = (SEEDS / RUNBOOKS[ref.runbook]).read_text(encoding="utf-8").splitlines()
            assert ref.says in lines[ref.line - 1], f"{item.id}: {ref.label} does not say {ref.says!r}"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_checks_probes_and_providers_never_import_the_lab_or_a_check():
    code = [*ROOT.glob("checks/*.py"), *ROOT.glob("golive/probes/**/*.py"), *ROOT.glob("golive/providers/**/*.py")]
    for path in code:
        bad = {m for m in _imports(path) if m.startswith("golive.lab") or m.startswith("checks")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
    for path in ROOT.glob("golive/**/*.py"):
        assert not {m for m in _imports(path) if m.startswith("checks")}, f"{path} imports a check"


def _failing_health(lab, lab_rt, **top):
    site = lab("nginx", "health-wrong-status")
    return profile_dict({"HEALTH": {"endpoints": [{"name": "api", "url": f"{site.endpoints['https']}/health",
                                                   "contract": "silenttalk-api"}]}},
                        trust={"ca_bundle": str(lab_rt.ca_file)}, **top)


def test_waiver_in_force_reports_waived_with_its_ticket(pytester, lab, lab_rt):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    waivers = [{"item": "HEALTH", "reason": "redis failover drill", "ticket": "CHG-4711", "expires": str(tomorrow)}]
    result = run_gate(pytester, _failing_health(lab, lab_rt, waivers=waivers), "health")
    assert result.verdict("HEALTH") == "waived", result.output
    assert "CHG-4711" in result.messages("HEALTH")
    assert result.ret == 0


def test_expired_waiver_no_longer_applies_and_says_so(pytester, lab, lab_rt):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    waivers = [{"item": "HEALTH", "reason": "redis failover drill", "ticket": "CHG-4711", "expires": str(yesterday)}]
    result = run_gate(pytester, _failing_health(lab, lab_rt, waivers=waivers), "health")
    assert result.verdict("HEALTH") == "non-compliant"
    assert f"waiver CHG-4711 for HEALTH expired on {yesterday.isoformat()}" in result.messages("HEALTH")
    assert result.ret == 1


def test_a_waiver_never_covers_could_not_observe(pytester, lab_rt):
    from golive.lab.runtime import free_port
    lab_rt.ca()
    waivers = [{"item": "HEALTH", "reason": "known", "ticket": "CHG-1", "expires": str(dt.date.today() + dt.timedelta(days=90))}]
    profile = profile_dict({"HEALTH": {"endpoints": [{"name": "api", "url": f"https://127.0.0.1:{free_port()}/h"}]}},
                           trust={"ca_bundle": str(lab_rt.ca_file)}, waivers=waivers)
    result = run_gate(pytester, profile, "health")
    assert result.verdict("HEALTH") == "could-not-observe"
    assert result.ret != 0


def test_not_applicable_skips_with_the_reason_and_missing_section_fails_closed(pytester):
    result = run_gate(pytester, profile_dict({"HEALTH": {"not_applicable": "batch job, no HTTP"}}), "health")
    assert result.verdict("HEALTH") == "not-applicable"
    assert "batch job, no HTTP" in result.messages("HEALTH")
    result = run_gate(pytester, profile_dict({}), "health")
    assert result.verdict("HEALTH") == "could-not-observe"
    assert "has no items.HEALTH section" in result.messages("HEALTH")


def test_secrets_in_a_profile_never_reach_the_results(pytester, lab, lab_rt, monkeypatch):
    monkeypatch.setenv("GOLIVE_CANARY_SECRET", "canary-env-9f8e7d")
    site = lab("nginx", "health-dependency-down")
    url = f"https://ops:canary-pw-1a2b3c@{site.endpoints['https'][len('https://'):]}/health?token=canary-tok-4d5e6f"
    profile = profile_dict({"HEALTH": {"endpoints": [{"name": "api", "url": url, "contract": "silenttalk-api"}]}},
                           trust={"ca_bundle": str(lab_rt.ca_file)},
                           secrets={"canary": {"env": "GOLIVE_CANARY_SECRET"}})
    result = run_gate(pytester, profile, "health")
    assert result.verdict("HEALTH") == "non-compliant"
    written = result.attachments() + (pytester.path / "junit.xml").read_text()
    assert "canary-pw-1a2b3c" not in written and "canary-tok-4d5e6f" not in written
    assert "«redacted»" in written


def test_results_carry_labels_environment_and_categories(pytester, lab, lab_rt):
    result = run_gate(pytester, _failing_health(lab, lab_rt), "health", args=("--change-ticket", "CHG-1234"))
    props = (result.allure_dir / "environment.properties").read_text()
    assert re.search(r"^profile=selftest$", props, re.M) and "git.commit=" in props and "golive.version=" in props
    categories = (result.allure_dir / "categories.json").read_text()
    assert "Could not observe" in categories and "Non-compliant" in categories and "Waived" in categories
    blob = result.attachments()
    assert '"checklist_item"' in blob and '"HEALTH"' in blob and "CHG-1234" in blob and "runbook 000 line 571" in blob
    assert "Remediation (HEALTH)" in result.messages("HEALTH")


def test_collect_only_lists_every_item_under_production(pytester):
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "production",
                           "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    listed = {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}
    assert {item.module for item in ITEMS} <= listed, done.stdout
