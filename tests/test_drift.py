"""What changed since the last run (issue 15 bullet 3), proven on the lab: two runs over an unchanged lab show no
drift; one field changed in the emulated AWS account (waf-limit-10000) and one live target switched (nginx
weak-hsts) are exactly what `golive diff` names; --fail-on-drift exits 7. Pure comparisons first."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from gate import GateResult, profile_dict, run_gate
from golive import cli, drift
from lab_providers import aws

LOCAL_AWS = [{"tier": "load-balancer", "name": "silenttalk-production-alb"},
             {"tier": "database", "name": "silenttalk-production-postgres", "min_zones": 2, "min_replicas": 2,
              "because": "a Multi-AZ DB instance is a primary and one standby (two zones)"},
             {"tier": "cache", "name": "silenttalk-production-redis"}]
WAF = {"configuration": {"protects": "silenttalk-production-alb", "acl": "silenttalk-production-waf"},
       "live": {"not_applicable": "the burst is proven in tests/test_check_waf_429.py"}}


def _summary(items: dict) -> dict:
    return {"profile": "p", "run_id": "r", "finished": "2026-12-01T02:30:00+00:00", "items": items}


def _fact(resource: str, field: str, observed, ok=True, volatile=False) -> dict:
    return {"resource": resource, "field": field, "observed": observed, "required": None, "ok": ok,
            "volatile": volatile}


def test_values_verdicts_new_and_gone_resources_are_named_and_volatile_values_only_by_verdict():
    old = _summary({"WAF-429": {"verdict": "passed", "facts": [_fact("acl rule api", "limit", 1000)]},
                    "MULTI-AZ": {"verdict": "passed", "facts": [_fact("cache redis-1", "zones", 3)]},
                    "LATENCY-P95": {"verdict": "passed", "facts": [_fact("/api", "p95_ms", 120.0, volatile=True)]}})
    new = _summary({"WAF-429": {"verdict": "non-compliant", "facts": [_fact("acl rule api", "limit", 5000, False)]},
                    "MULTI-AZ": {"verdict": "passed", "facts": [_fact("cache redis-2", "zones", 1, False)]},
                    "LATENCY-P95": {"verdict": "passed", "facts": [_fact("/api", "p95_ms", 180.5, volatile=True)]},
                    "HEALTH": {"verdict": "passed", "facts": []}})
    lines = [d.line for d in drift.compare(old, new)]
    assert lines == ["MULTI-AZ cache redis-2: new, zones 1", "MULTI-AZ cache redis-1: gone (was zones 3)",
                     "WAF-429: verdict passed → non-compliant",
                     "WAF-429 acl rule api: limit 1000 → 5000 (now non-compliant)"]
    slower = _summary({"LATENCY-P95": {"verdict": "non-compliant",
                                       "facts": [_fact("/api", "p95_ms", 450.0, False, volatile=True)]}})
    assert [d.line for d in drift.compare(old, slower)] == [
        "LATENCY-P95: verdict passed → non-compliant", "LATENCY-P95 /api: p95_ms 120.0 → 450.0 (now non-compliant)"]
    assert drift.compare(old, old) == []


def test_diff_command_exit_statuses_and_one_line_errors(tmp_path, capsys):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(_summary({"TLS-ONLY": {"verdict": "passed", "facts": [_fact("alb", "policy", "A")]}})))
    new.write_text(json.dumps(_summary({"TLS-ONLY": {"verdict": "passed", "facts": [_fact("alb", "policy", "B")]}})))
    assert cli.main(["diff", str(old), str(old), "--fail-on-drift"]) == 0
    assert "no change since 2026-12-01T02:30:00+00:00" in capsys.readouterr().out
    assert cli.main(["diff", str(old), str(new)]) == 0
    assert cli.main(["diff", str(old), str(new), "--fail-on-drift"]) == drift.EXIT_DRIFT == 7
    assert "TLS-ONLY alb: policy A → B" in capsys.readouterr().out
    assert cli.main(["diff", str(tmp_path / "missing.json"), str(new)]) == cli.USAGE
    assert cli.main(["diff", "--reports", str(tmp_path)]) == cli.USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "not found" in err[0] and "no previous run kept" in err[1]


# --- on the lab ---------------------------------------------------------------------------------------------
def _gate(pytester, lab, lab_rt, account: str, site: str, *args: str) -> GateResult:
    lab_rt.ca()
    nginx = lab("nginx", site).endpoints
    origin = {"name": "origin", "url": f"{nginx['https']}/", "http_url": f"{nginx['http']}/"}
    https = urlsplit(nginx["https"])  # TLS-ONLY on the same site: a new certificate, the same verdicts
    tls = {"live": {"endpoints": [{"name": "origin", "host": https.hostname, "port": https.port}]},
           "configuration": {"not_applicable": "live-only drift self-test"}}
    profile = profile_dict({"WAF-429": WAF, "MULTI-AZ": {"min_zones": 3, "min_replicas": 3, "resources": LOCAL_AWS},
                            "SEC-HEADERS": {"origins": [origin]}, "TLS-ONLY": tls},
                           providers=aws(lab("aws", account)), trust={"ca_bundle": str(lab_rt.ca_file)})
    return run_gate(pytester, profile, "waf_429", "multi_az", "sec_headers", "tls_only", args=args)


def _kept(pytester) -> Path:
    return drift.history(pytester.path)


def test_an_unchanged_lab_shows_no_drift_and_a_changed_field_and_target_are_exactly_what_diff_names(
        pytester, lab, lab_rt, capsys):
    first = _gate(pytester, lab, lab_rt, "compliant", "compliant")
    assert "drift" not in first.summary, "a first run has nothing to compare with"
    facts = {i: len(first.summary["items"][i]["facts"]) for i in ("WAF-429", "MULTI-AZ", "SEC-HEADERS", "TLS-ONLY")}
    assert all(facts.values()), facts
    assert "facts judged" in first.attachments()

    again = _gate(pytester, lab, lab_rt, "compliant", "compliant", "--fail-on-drift")
    assert again.summary["drift"]["changes"] == [], again.summary["drift"]
    assert again.ret == first.ret, again.output  # no drift: --fail-on-drift changes nothing
    assert cli.main(["diff", str(_kept(pytester)), str(again.allure_dir), "--fail-on-drift"]) == 0
    assert "no change since" in capsys.readouterr().out

    changed = _gate(pytester, lab, lab_rt, "waf-limit-10000", "weak-hsts")
    assert changed.summary["items"]["TLS-ONLY"]["verdict"] == "passed", changed.output  # same verdicts: no drift
    lines = [c["line"] for c in changed.summary["drift"]["changes"]]
    assert cli.main(["diff", str(_kept(pytester)), str(changed.allure_dir), "--fail-on-drift"]) == 7
    printed = capsys.readouterr().out
    assert all(line in printed for line in lines)
    assert {c["item"] for c in changed.summary["drift"]["changes"]} == {"WAF-429", "SEC-HEADERS"}, lines
    assert "WAF-429: verdict passed → non-compliant" in lines
    waf = [c for c in changed.summary["drift"]["changes"] if c["item"] == "WAF-429" and c["change"] == "changed"]
    assert [(c["field"], c["old"], c["new"], c["now"]) for c in waf] == [("limit", 2000, 10000, "non-compliant")], lines
    headers = [c for c in changed.summary["drift"]["changes"] if c["item"] == "SEC-HEADERS" and c["change"] == "changed"]
    assert headers and {c["field"] for c in headers} == {"Strict-Transport-Security"}, lines
    assert all(c["now"] == "non-compliant" and "max-age=300" in c["new"] for c in headers), lines


def test_fail_on_drift_exits_7_when_only_a_value_changed(pytester, lab, lab_rt):
    first = _gate(pytester, lab, lab_rt, "compliant", "compliant")
    kept = json.loads(_kept(pytester).read_text()) if _kept(pytester).exists() else None
    assert kept is None, "the first run has no previous run"
    baseline = json.loads((first.allure_dir / "golive-summary.json").read_text())
    fact = baseline["items"]["MULTI-AZ"]["facts"][0]
    fact["observed"] = "something else"
    _kept(pytester).parent.mkdir(parents=True, exist_ok=True)
    _kept(pytester).write_text(json.dumps(baseline))  # as if the previous night had seen another value
    (first.allure_dir / "golive-summary.json").unlink()  # keep this baseline, not the first run's own summary
    result = _gate(pytester, lab, lab_rt, "compliant", "compliant", "--fail-on-drift")
    changes = result.summary["drift"]["changes"]
    assert [(c["item"], c["resource"], c["field"]) for c in changes] == [
        ("MULTI-AZ", fact["resource"], fact["field"])], changes
    assert result.ret == (7 if first.ret == 0 else first.ret), result.output


def test_the_bundle_summary_has_a_changed_since_section_when_drift_is_known():
    from golive.bundle import summary_markdown
    old = _summary({"WAF-429": {"verdict": "passed", "tests": [], "facts": [_fact("acl rule api", "limit", 1000)]}})
    new = {**_summary({"WAF-429": {"verdict": "passed", "tests": [],
                                   "facts": [_fact("acl rule api", "limit", 1200)]}}), "state": "complete"}
    text = summary_markdown({**new, "drift": drift.section(old, new)}, [])
    assert "## Changed since 2026-12-01T02:30:00+00:00\n\n- WAF-429 acl rule api: limit 1000 → 1200" in text
    quiet = summary_markdown({**new, "drift": drift.section(old, old)}, [])
    assert "No change in any verdict or judged value." in quiet
    assert "Changed since" not in summary_markdown(new, [])
