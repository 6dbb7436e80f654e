"""The lab's emulated Kubernetes API server, read through the provider with the official client unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from golive.lab.components.kubernetes import COMPONENT, write_kubeconfig
from golive.lab.kubernetes.store import Cluster, parse_selector, variants
from golive.lab.runtime import LabRuntime, free_port
from golive.profile.model import KubernetesProvider as KubeConfig
from golive.providers.kubernetes import ZONE_LABEL, KubernetesProvider, ReadOnlyError
from golive.verdict import CouldNotObserve

SOCIAL = "social-platform-production"
# runbook 003, "Resource Allocation": autoscale min-max per service
SOCIAL_HPA = {"auth-service": (3, 10), "user-profile-service": (3, 10), "websocket-signaling-service": (5, 15),
              "chat-service": (5, 15), "friend-request-service": (2, 8), "notification-service": (3, 10),
              "video-call-signaling-service": (5, 15), "otp-service": (2, 8)}


def _kube(started, **overrides) -> KubernetesProvider:
    fields = {"kubeconfig": started.endpoints["kubeconfig"], "context": started.endpoints["context"],
              "namespaces": [SOCIAL, "production"], **overrides}
    return KubernetesProvider(KubeConfig(**fields))


def _requests(started) -> list[str]:
    return Path(started.endpoints["access_log"]).read_text().splitlines()


def _age(stamp: str) -> dt.timedelta:
    return dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_starts_and_stops_leaving_no_process(tmp_path):
    rt = LabRuntime(tmp_path)
    started = COMPONENT.start(rt)
    pid = rt.procs["kubernetes-compliant"].popen.pid
    assert set(started.endpoints) >= {"kubeconfig", "server", "context", "ca", "access_log"}
    assert yaml.safe_load(Path(started.endpoints["kubeconfig"]).read_text())["current-context"] == "golive-lab"
    assert _kube(started).version().startswith("v1.31")
    rt.stop_all()
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    assert rt.names() == []


def test_nodes_spread_over_three_zones(lab):
    nodes = _kube(lab("kubernetes")).nodes()
    zones = sorted({n.metadata.labels[ZONE_LABEL] for n in nodes})
    assert zones == ["us-east-1a", "us-east-1b", "us-east-1c"] and len(nodes) == 6


def test_social_platform_shape_of_runbook_003(lab):
    kube = _kube(lab("kubernetes"))
    hpas = {h.metadata.name: h for h in kube.hpas(SOCIAL)}
    assert {name: (h.spec.min_replicas, h.spec.max_replicas) for name, h in hpas.items()} == SOCIAL_HPA
    ports = {s.metadata.name: s.spec.ports[0].port for s in kube.services(SOCIAL)}
    assert sorted(ports[name] for name in SOCIAL_HPA) == list(range(3001, 3009))
    sts = {s.metadata.name: s.spec.replicas for s in kube.statefulsets(SOCIAL)}
    assert sts == {"kafka": 3, "postgresql": 3, "redis": 6}
    assert {p.metadata.name for p in kube.pdbs(SOCIAL)} == set(SOCIAL_HPA) | set(sts)
    nodes = {n.metadata.name: n.metadata.labels[ZONE_LABEL] for n in kube.nodes()}
    redis = kube.pods(SOCIAL, label_selector="app.kubernetes.io/name=redis")
    assert len(redis) == 6 and len({nodes[p.spec.node_name] for p in redis}) == 3


def test_enterprise_hpa_is_autoscaling_v2_with_behavior_and_status(lab):
    kube = _kube(lab("kubernetes"))
    hpa = {h.metadata.name: h for h in kube.hpas("production")}["auth-service"]
    assert (hpa.spec.min_replicas, hpa.spec.max_replicas) == (5, 50)
    assert hpa.spec.metrics[0].resource.target.average_utilization == 70
    assert hpa.spec.behavior.scale_down.stabilization_window_seconds == 300
    assert hpa.status.desired_replicas == 5 and hpa.status.current_metrics[0].resource.name == "cpu"
    ingress = kube.ingresses("production")[0]
    assert ingress.spec.tls[0].hosts == ["api.example.com"] and ingress.spec.tls[0].secret_name == "api-tls-cert"
    assert "alb.ingress.kubernetes.io/ssl-policy" in ingress.metadata.annotations


def test_prometheus_rules_carry_runbook_003_alerts(lab):
    import promql_parser

    rules = {r["alert"]: r for pr in _kube(lab("kubernetes")).prometheus_rules(SOCIAL)
             for g in pr["spec"]["groups"] for r in g["rules"]}
    expected = {"ApiLatencyAbove1sFor5PercentOfRequests": "> 0.05", "ApiErrorRateAbove1Percent": "> 0.01",
                "CacheHitRateBelow90Percent": "< 0.9", "ContainerCpuAbove80Percent": "> 0.8",
                "ContainerMemoryAbove85Percent": "> 0.85"}
    for alert, threshold in expected.items():
        assert rules[alert]["expr"].endswith(threshold) and rules[alert]["for"]
        promql_parser.parse(rules[alert]["expr"])
    assert rules["ContainerCpuAbove80Percent"]["for"] == "5m"


def test_velero_schedule_and_a_recent_completed_backup(lab):
    kube = _kube(lab("kubernetes"))
    (schedule,) = kube.velero_schedules()
    assert schedule["spec"]["schedule"] == "0 */6 * * *" and schedule["spec"]["template"]["ttl"] == "720h0m0s"
    backups = kube.velero_backups(label_selector="velero.io/schedule-name=platform-every-6h")
    newest = min(_age(b["status"]["completionTimestamp"]) for b in backups if b["status"]["phase"] == "Completed")
    assert newest < dt.timedelta(hours=24)


def test_each_read_once_and_pages_followed(lab):
    started = lab("kubernetes")
    kube = _kube(started, page_size=4)
    before = len(_requests(started))
    pods = kube.pods(SOCIAL)
    assert len(pods) == 40  # runbook 003: 28 service replicas (HPA minimums), PostgreSQL 3, Redis 6, Kafka 3
    assert [p.metadata.name for p in kube.pods(SOCIAL)] == [p.metadata.name for p in pods]
    pages = _requests(started)[before:]
    assert len(pages) == 10 and all("/namespaces/social-platform-production/pods?" in p for p in pages)
    assert sum("continue=" in p for p in pages) == 9
    stats = kube.stats()
    assert (stats.requests, stats.reads, stats.objects) == (10, 1, 40)


@pytest.mark.parametrize(("variant", "see"), [
    ("nodes-two-zones", lambda k: len({n.metadata.labels[ZONE_LABEL] for n in k.nodes()}) == 2),
    ("no-spread-constraint", lambda k: len({z for p in k.pods(SOCIAL, "app.kubernetes.io/name=chat-service")
                                            for z in [_zone(k, p.spec.node_name)]}) == 1),
    ("backup-stale", lambda k: min(_age(b["status"]["completionTimestamp"])
                                   for b in k.velero_backups()) > dt.timedelta(hours=29)),
])
def test_broken_overlay_variants_are_visible(lab, variant, see):
    assert see(_kube(lab("kubernetes", variant)))


def _zone(kube: KubernetesProvider, node: str) -> str:
    return {n.metadata.name: n.metadata.labels[ZONE_LABEL] for n in kube.nodes()}[node]


def test_every_variant_loads_and_is_described():
    for name, why in variants().items():
        assert why and Cluster(name).objects, name
    assert parse_selector("a=b,c!=d,e in (x, y),f notin (z),g,!h") == [
        ("a", "=", ("b",)), ("c", "!=", ("d",)), ("e", "in", ("x", "y")), ("f", "notin", ("z",)),
        ("g", "exists", ()), ("h", "!exists", ())]


def test_unreachable_server_could_not_observe(tmp_path, lab_rt):
    lab_rt.ca()
    config = write_kubeconfig(tmp_path / "kubeconfig", f"https://127.0.0.1:{free_port()}", lab_rt.ca_file, "t")
    kube = KubernetesProvider(KubeConfig(kubeconfig=config, namespaces=["production"], timeout_s=2))
    with pytest.raises(CouldNotObserve, match="cannot reach the API server"):
        kube.nodes()


def test_missing_kubeconfig_could_not_observe(tmp_path):
    kube = KubernetesProvider(KubeConfig(kubeconfig=tmp_path / "absent", namespaces=["production"]))
    with pytest.raises(CouldNotObserve, match="does not exist"):
        kube.nodes()


def test_wrong_token_unknown_crd_and_writes(tmp_path, lab, lab_rt):
    started = lab("kubernetes")
    config = write_kubeconfig(tmp_path / "kubeconfig", started.endpoints["server"], lab_rt.ca_file, "wrong")
    with pytest.raises(CouldNotObserve, match="HTTP 401"):
        KubernetesProvider(KubeConfig(kubeconfig=config, namespaces=["production"])).nodes()
    kube = _kube(started)
    with pytest.raises(CouldNotObserve, match="HTTP 404.*CRD"):
        kube.custom("example.com", "v1", "widgets", "production")
    with pytest.raises(ReadOnlyError):
        kube.read.call("AppsV1Api", "delete_namespaced_deployment", name="auth-service", namespace="production")


def test_providers_do_not_import_the_lab():
    root = Path(__file__).resolve().parents[1] / "golive" / "providers" / "kubernetes"
    for path in root.rglob("*.py"):
        assert "golive.lab" not in path.read_text(), path
