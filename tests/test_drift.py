"""What changed since the last run (issue 15 bullet 3), proven on the lab: two runs over an unchanged lab show no
drift; one field changed in the emulated AWS account (waf-limit-10000) and one live target switched (nginx
weak-hsts) are exactly what `golive diff` names; --fail-on-drift exits 7. Pure comparisons first."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

from gate import GateResult, profile_dict, run_gate
from golive import cli, drift, monitoring
from golive.compare import backups, dashboards, logflow, rollout
from golive.lab.components.coturn import lab_secret
from golive.probes import cdn, cdn_policy, health, sampler, scaling, smoke, tls_policy, turn, websocket
from golive.probes.smoke import StepObservation
from golive.profile.items.alarms import AlarmsSection
from golive.profile.items.autoscaling import ScalingExpectation
from golive.profile.items.backups import BackupsSection
from golive.profile.items.log_retention import LogRetentionSection
from golive.profile.items.secrets import KeyVaultExpectation, SecretsSection
from golive.profile.load import read_yaml, resolve
from golive.providers.records import BackupJob, BackupSchedule, DataProtection, RecoveryPoint
from golive.providers.records_cdn import CdnCachePolicy
from golive.providers.records_firewall import IngressRule, firewall_facts, turn_openings
from golive.providers.records_monitoring import (
    AlarmAction,
    AlarmRule,
    LogRetention,
    SecretRotation,
    VaultProtection,
)
from golive.providers.records_scaling import ScalingPolicy
from golive.providers.records_tls import TlsPolicy
from lab_providers import aws, azure, kubernetes
from test_check_smoke import smoke_section

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
CONFIGURED = ("BACKUPS", "ALARMS", "LOG-RETENTION", "SECRETS", "AUTOSCALING", "CDN", "TURN", "TLS-ONLY", "ROLLOUT",
              "LOGS-FLOWING", "DASHBOARDS")
LIVE = ("HEALTH", "WEBSOCKET", "SMOKE")
OFF = "drift self-test: the other half is proven in its own self-test"


EVERY = ("backups", "alarms", "log_retention", "secrets", "autoscaling", "cdn", "turn", "tls_only", "rollout",
         "logs_flowing", "dashboards", "health", "websocket", "smoke")


def _every_item_gate(pytester, lab, lab_rt, aws_variant: str = "compliant", azure_variant: str = "compliant",
                     modules: tuple[str, ...] = EVERY) -> GateResult:
    """One gate run over the configured halves of the local profile (the emulated clouds) and the live halves
    of HEALTH, CDN, TURN, WEBSOCKET and SMOKE (lab servers on free ports, named by the profile, never by port)."""
    lab_rt.ca()
    local = read_yaml(resolve("local"))["items"]  # these items only: the gate validates (and expands) them
    items = {i: copy.deepcopy(local[i]) for i in CONFIGURED}
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
    items["WEBSOCKET"] = {"timeout_s": 5.0, "connections": 2,
                          "endpoints": [{"name": "signaling", "url": lab("websocket").endpoints["wss"]}]}
    items["SMOKE"] = smoke_section(lab("smoke"))
    items["ROLLOUT"]["health"] = [{"name": "enterprise-api", "url": f"{nginx.endpoints['https']}/v1/health"}]
    grafana = lab("grafana")
    items["DASHBOARDS"]["grafana"] = {**items["DASHBOARDS"]["grafana"], "url": grafana.endpoints["https"], "token": {
        "env": "GOLIVE_DRIFT_GRAFANA_TOKEN_UNSET", "file": grafana.endpoints["token_file"]}}
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


# --- each item's facts() on hand-made records ---------------------------------------------------------------
def _by(facts) -> dict[tuple[str, str], tuple]:
    return {(f.resource, f.field): (f.observed, f.ok) for f in facts}


NOW = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)


def test_backups_facts_name_schedules_coverage_and_volatile_ages():
    seen = backups.Observed(
        schedules=[BackupSchedule("plan", "every-6h", "cron(0 */6 * * ? *)", 7, ("db",))],
        points=[RecoveryPoint("db", NOW - dt.timedelta(hours=2), "COMPLETED")],
        jobs=[BackupJob("db", "FAILED", NOW - dt.timedelta(hours=1))],
        protections=[DataProtection("db", {"point_in_time_recovery": True, "backup_retention_days": 35})])
    facts = backups.facts(seen, BackupsSection(resources=["db"]), NOW)
    got = _by(facts)
    assert got[("schedule plan/every-6h", "retention_days")] == (7, False)
    assert got[("db", "covered by")] == (["plan/every-6h"], True)
    assert got[("db", "largest gap h (rules kept long enough)")] == (None, False)  # the only rule keeps 7 days
    assert got[("db", "newest recovery point age h")] == (2.0, True)
    assert got[("db", "backup_retention_days")] == (35, True) and got[("db", "point_in_time_recovery")] == (True, True)
    assert got[("backup jobs", "failed in the last 24 h")] == (["db"], False)
    assert {f.field for f in facts if f.volatile} == {"newest recovery point age h", "failed in the last 24 h"}


def test_alarm_secret_vault_and_retention_facts():
    section = AlarmsSection(runbook="000", alarms=[{"name": "cpu", "says": "CPU > 70 % for 5 minutes", "cloud": "aws",
                                                    "metric": "CPUUtilization", "comparison": ">", "threshold": 70,
                                                    "period_s": 300}])
    rule = AlarmRule("aws", "metric-alarm", "cpu-high", ("CPUUtilization",), comparison=">", threshold=90.0,
                     period_s=300, actions=("arn:aws:sns:eu-west-1:123456789012:alerts",))
    actions = monitoring.action_map([AlarmAction("sns-topic", "arn:aws:sns:eu-west-1:123456789012:alerts", True, 1)])
    got = _by(monitoring.alarm_facts(section.alarms[0], rule, [rule], actions, section))
    assert got[("aws cpu", "threshold")] == (90, False) and got[("aws cpu", "comparison")] == (">", True)
    assert got[("aws cpu", "notifies")] == (["alerts"], True) and got[("aws cpu", "period_s")] == (300, True)
    assert monitoring.alarm_facts(section.alarms[0], None, [], {}, section) == []  # not found: drift says gone

    secrets = SecretsSection(rotation_days=30, secrets=["db"], kms_keys=["alias/app"])
    found = [SecretRotation("secret", "eu", "db", rotation_enabled=True, interval_days=45,
                            last_rotated=NOW - dt.timedelta(days=3)),
             SecretRotation("kms-key", "eu", "k1", aliases=("alias/app",), rotation_enabled=False)]
    got = _by(monitoring.secret_facts(secrets, found, NOW))
    assert got[("secret db", "rotation interval days")] == (45, False)
    assert got[("secret db", "days since last rotation")] == (3.0, True)
    assert got[("KMS key alias/app", "rotation enabled")] == (False, False)
    vault = KeyVaultExpectation(name="kv")
    kv = [SecretRotation("key-vault-secret", "kv", "s1", expires=NOW + dt.timedelta(days=9))]
    got = _by(monitoring.vault_facts(vault, [VaultProtection("azure", "kv", True, 90, False)], kv, NOW))
    assert got[("key vault kv", "purge protection")] == (False, False)
    assert got[("key vault kv secret s1", "expires in the future")] == (True, True)

    logs = LogRetentionSection(log_groups=["/app"], workspaces=["ws"])
    stores = [LogRetention("aws", "log-group", "/app", None, never_expires=True),
              LogRetention("azure", "workspace", "ws", 7)]
    got = _by(monitoring.retention_facts(logs, stores))
    assert got == {("log group /app", "retention"): ("never expires", False),
                   ("Log Analytics workspace ws", "retention"): (7, False)}


def test_scaling_health_cdn_and_tls_policy_facts():
    want = ScalingExpectation(resource="svc", platform="ecs", min_capacity=3, max_capacity=10)
    got = _by(scaling.policy_facts(want, [ScalingPolicy("svc", "ecs", 3, 20, "cpu", 70.0), ScalingPolicy(
        "other", "ecs", 1, 2, "cpu", 50.0)]))
    assert got[("svc (ecs)", "max capacity")] == (20, False) and got[("svc (ecs)", "target %")] == (70.0, True)
    assert not [k for k in got if k[0].startswith("other")]

    obs = health.HealthObservation("https://127.0.0.1:20001/health", 200, "application/json", "{}",
                                   {"status": "healthy", "database": "connected", "redis": "down"}, 3.2)
    got = _by(health.facts("api", "silenttalk-api", obs))
    assert got[("api", "contract")] == ("silenttalk-api", False) and got[("api", "dependency redis")] == ("down", None)
    assert got[("api", "HTTP status")] == (200, True) and ("api", "elapsed ms") in got

    fetch = cdn.Fetch(2, 200, (("X-Cache", "Hit from cloudfront"), ("Age", "12"),
                               ("Cache-Control", "public, max-age=60")), 1.0)
    live = SimpleNamespace(cache_status_headers=["X-Cache"], hit_pattern="(?i)hit", require_age=True,
                           min_max_age_s=3600)
    got = _by(cdn.facts(cdn.CdnObservation("main.js", "https://127.0.0.1:20002/x.js", (fetch, fetch)), live))
    assert got[("main.js", "cache status")] == ("X-Cache: Hit from cloudfront", True)
    assert got[("main.js", "Cache-Control")] == ("public, max-age=60", False) and got[("main.js", "Age")] == ("12", True)

    policies = [CdnCachePolicy("cloudfront/E1", "/static/*", True, 0, 60, 86400, True),
                CdnCachePolicy("cloudfront/E1", "*", False)]
    got = _by(cdn_policy.facts(policies, "cdn.example", ["/static/*", "/assets/*"], 3600))
    assert got[("cdn.example path /static/*", "default_ttl_s")] == (60, False)
    assert got[("cdn.example path /assets/*", "caching_enabled")] == (False, False)

    got = _by(tls_policy.policy_facts([TlsPolicy("alb/web:443", "alb-listener", ("TLSv1.2", "TLSv1.3"),
                                                 declared={"SslPolicy": "ELBSecurityPolicy-TLS13-1-2"}),
                                       TlsPolicy("redis/r", "redis", min_version="1.2", tls_required=True)]))
    assert got[("alb-listener alb/web:443", "protocols allowed")] == (["TLSv1.2", "TLSv1.3"], False)
    assert got[("alb-listener alb/web:443", "SslPolicy")] == ("ELBSecurityPolicy-TLS13-1-2", None)
    assert got[("redis redis/r", "TLS required")] == (True, True)


def test_turn_websocket_smoke_and_latency_facts_never_name_a_port():
    yes, no = turn.Answer(True, "granted"), turn.Answer(False, "401 Unauthorized", 401)
    alloc = turn.AllocationSeen("udp", 20478, yes, relayed=("127.0.0.1", 61010), permission=yes, round_trip=yes,
                                rtt_ms=0.4)
    obs = turn.TurnObservation("turn-1", "127.0.0.1", "127.0.0.1:20478", None, (alloc,), no, no, yes)
    live = SimpleNamespace(relay_port_min=61000, relay_port_max=61200, realm=None, tls_min_version="TLSv1.2")
    facts = turn.facts(obs, SimpleNamespace(name="turn-1"), live)
    got = _by(facts)
    assert got[("turn-1 udp", "allocation")] == ("granted", True)
    assert got[("turn-1 udp", "relayed port in range")] == (True, True)
    assert got[("turn-1", "wrong password")] == ("refused 401", True)
    assert got[("turn-1", "no credentials")] == ("granted", False)
    assert not [f for f in facts if "20478" in f"{f.resource}{f.field}{f.observed}"]

    rules = [IngressRule("sg-turn", "udp", 3478, 3478, ("0.0.0.0/0",)), IngressRule("sg-turn", "tcp", 22, 22, ("0.0.0.0/0",))]
    got = _by(firewall_facts(rules, turn_openings(3478, 3478, 5349, 49152, 65535)))
    assert got[("TURN openings to the world", "TURN over UDP")] == ("open", True)
    assert got[("TURN openings to the world", "TURN over TLS")] == ("closed", False)
    assert got[("group sg-turn", "opens beyond TURN to the world")] == (["22/tcp"], False)

    conns = [websocket.WsConnection(i, 40000 + i, 101, "TLSv1.3", "ping", True, None, i == 0, 1000, 5.0)
             for i in range(2)]
    got = _by(websocket.facts("signaling", conns, websocket.Tls12Attempt(False, None, "refused")))
    assert got[("signaling", "connections closed cleanly")] == (1, False)
    assert got[("signaling", "TLS 1.2")] == ("refused", True)

    seen = StepObservation("login-then-list", "login", "POST", "https://x/v1/auth/login", 401, 12.0, False, (),
                           ("$.access_token",), (), None)
    got = _by(smoke.facts(SimpleNamespace(status=200, time_limit_s=1.0), seen))
    assert got[("login-then-list / login", "HTTP status")] == (401, False)
    assert got[("login-then-list / login", "JSON fields missing")] == (["$.access_token"], False)

    lat = SimpleNamespace(endpoint="api", p95_ms=250.0, error_rate=0.0, slow_fraction=None, slow_ms=None)
    facts = sampler.facts(lat, 200.0, 0.01, 0.05)
    assert _by(facts) == {("api", "p95 ms"): (250.0, False), ("api", "error rate"): (0.0, True)}
    assert all(f.volatile for f in facts)


def test_rollout_logs_flowing_and_dashboards_facts_from_their_rows():
    row = {"workload": "Deployment api", "desired": 3, "updated": 3, "ready": 2, "available": 2, "state": None,
           "versions": {"api": {"1.2.3": ["api-7f9c-x1", "api-7f9c-x2"], "1.2.2": ["api-6d1a-y1"]}},
           "release expected": "1.2.3", "findings": ["2 of 3 replicas ready"]}
    got = _by(rollout.facts([row]))
    assert got[("Deployment api", "versions")] == ({"api": ["1.2.2", "1.2.3"]}, False)  # never pod names
    assert got[("Deployment api", "rolled out")] == (False, False) and got[("Deployment api", "ready")] == (2, None)

    section = SimpleNamespace(window_min=5, max_error_share=0.05)
    rows = [{"store": "log group /ecs/api", "exists": True, "newest event age s": 12.0, "events in window": 40,
             "error-level": 4, "findings": []}]
    facts = logflow.facts(rows, section)
    assert _by(facts)[("log group /ecs/api", "error-level share")] == (0.1, False)
    assert {f.field for f in facts if not f.volatile} == {"exists"}

    rows = [{"dashboard": "CloudWatch dashboard ops", "found": True, "metrics charted": ["Latency", "CPUUtilization"],
             "metrics required": ["CPUUtilization", "HTTPCode_Target_5XX_Count"], "missing": ["HTTPCode_Target_5XX_Count"]},
            {"dashboard": "Azure portal dashboard ops", "found": False, "metrics charted": None,
             "metrics required": ["Http5xx"], "missing": []}]
    got = _by(dashboards.facts(rows))
    assert got[("CloudWatch dashboard ops", "metrics charted")] == (["CPUUtilization", "Latency"], False)
    assert got[("Azure portal dashboard ops", "found")] == (False, None)


def test_autoscaling_live_facts_are_all_volatile():
    points = tuple(scaling.Point(t, replicas, None, 80.0, 10.0, 5, "load") for t, replicas in ((1, 2), (3, 2), (5, 4)))
    tl = scaling.Timeline("svc", 70.0, 2, 10, 30.0, points, 1.0, 2, 5.0, 6.0, None, {}, 100, 0, 12.0)
    facts = scaling.timeline_facts(tl)
    assert _by(facts) == {("svc", "scale-out s after CPU passed the target"): (4.0, True),
                          ("svc", "max replicas seen"): (4, True), ("svc", "min replicas seen"): (2, True)}
    assert all(f.volatile for f in facts)
