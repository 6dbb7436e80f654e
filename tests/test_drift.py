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


# --- every other item records what it judged (issue 15 bullet 3) ---------------------------------------------
CONFIGURED = ("BACKUPS", "ALARMS", "LOG-RETENTION", "SECRETS", "AUTOSCALING", "CDN", "TURN", "TLS-ONLY")
LIVE = ("HEALTH", "WEBSOCKET", "SMOKE")
OFF = "drift self-test: the other half is proven in its own self-test"


EVERY = ("backups", "alarms", "log_retention", "secrets", "autoscaling", "cdn", "turn", "tls_only", "health",
         "websocket", "smoke")


def _every_item_gate(pytester, lab, lab_rt, aws_variant: str = "compliant", azure_variant: str = "compliant",
                     modules: tuple[str, ...] = EVERY) -> GateResult:
    """One gate run over the configured halves of the local profile (the emulated clouds) and the live halves
    of HEALTH, CDN, TURN, WEBSOCKET and SMOKE (lab servers on free ports, named by the profile, never by port)."""
    import copy

    from golive.lab.components.coturn import lab_secret
    from golive.profile.load import load_profile
    from lab_providers import azure, kubernetes
    from test_check_smoke import smoke_section

    lab_rt.ca()
    local = copy.deepcopy(load_profile("local").raw["items"])
    items = {i: local[i] for i in CONFIGURED}
    for item, half in {"AUTOSCALING": "live", "TLS-ONLY": "live"}.items():
        items[item][half] = {"not_applicable": OFF}
    nginx, coturn = lab("nginx", "compliant"), lab("coturn")
    items["CDN"]["assets"] = [{"name": "main.js", "url": nginx.endpoints["asset"]}]
    host, port = coturn.endpoints["turn"].rsplit(":", 1)
    items["TURN"]["live"] = {
        "secret": "turn_shared_secret", "realm": "turn.lab.golive.test", "timeout_s": 1.0,
        "allow_loopback_peers": True,
        "servers": [{"name": "turn-1", "host": host, "udp_port": int(port), "tcp_port": int(port),
                     "tls_port": int(coturn.endpoints["tls"].rsplit(":", 1)[1])}]}
    items["HEALTH"] = {"endpoints": [{"name": "api", "url": f"{nginx.endpoints['https']}/health",
                                      "contract": "silenttalk-api"}]}
    items["WEBSOCKET"] = {"timeout_s": 2.0, "connections": 2,
                          "endpoints": [{"name": "signaling", "url": lab("websocket").endpoints["wss"]}]}
    items["SMOKE"] = smoke_section(lab("smoke"))
    providers = {**aws(lab("aws", aws_variant)), **azure(lab("azure", azure_variant)),
                 **kubernetes(lab("kubernetes", "compliant"))}
    profile = profile_dict(items, runbooks=["000", "001", "002", "003", "004"], providers=providers,
                           trust={"ca_bundle": str(lab_rt.ca_file)},
                           secrets={"turn_shared_secret": {"env": "GOLIVE_DRIFT_TURN_SECRET_UNSET",
                                                           "file": str(lab_secret(lab_rt))}})
    return run_gate(pytester, profile, *modules)


def test_every_item_records_its_facts_and_an_unchanged_lab_shows_no_drift_while_a_broken_field_is_named(
        pytester, lab, lab_rt):
    first = _every_item_gate(pytester, lab, lab_rt)
    items = first.summary["items"]
    assert {i: items[i]["verdict"] for i in (*CONFIGURED, *LIVE)} == dict.fromkeys((*CONFIGURED, *LIVE), "passed"), \
        first.output[-4000:]
    assert {i for i in (*CONFIGURED, *LIVE) if not items[i].get("facts")} == set(), "every item records facts"
    resources = {f["resource"] for i in (*CONFIGURED, *LIVE) for f in items[i]["facts"]}
    assert not [r for r in resources if "127.0.0.1" in r or "https://" in r], resources  # no URL, no port

    again = _every_item_gate(pytester, lab, lab_rt)
    assert again.summary["drift"]["changes"] == [], [c["line"] for c in again.summary["drift"]["changes"]]

    # the broken accounts' other resources carry their own account ids: judge only the items they break (and the
    # live targets, unchanged); drift compares the items both runs judged
    broken = _every_item_gate(pytester, lab, lab_rt, aws_variant="alarms-broken", azure_variant="logs-retention-7d",
                              modules=("alarms", "log_retention", "health", "websocket", "smoke"))
    changes = broken.summary["drift"]["changes"]
    lines = [c["line"] for c in changes]
    named = [(c["item"], c["field"], c["old"], c["new"], c["now"]) for c in changes if c["change"] == "changed"]
    assert ("ALARMS", "threshold", 70, 90, "non-compliant") in named, lines
    assert ("LOG-RETENTION", "retention", 30, 7, "non-compliant") in named, lines
    assert "ALARMS: verdict passed → non-compliant" in lines and "LOG-RETENTION: verdict passed → non-compliant" in lines
    assert {c["item"] for c in changes} == {"ALARMS", "LOG-RETENTION"}, lines  # the live targets did not change
    assert [c["line"] for c in changes if c["item"] == "LOG-RETENTION"] == [
        "LOG-RETENTION: verdict passed → non-compliant",
        "LOG-RETENTION Log Analytics workspace silenttalk-logs: retention 30 → 7 (now non-compliant)"]
    assert "ALARMS aws cpu: threshold 70 → 90 (now non-compliant)" in lines
