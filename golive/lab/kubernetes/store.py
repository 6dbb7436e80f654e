"""A variant's cluster: fixtures loaded, overlays applied, Pods placed, and the queries the API server answers.

Overlays (``fixtures/<variant>/*.yaml``): one document of ``kind: Overlay`` says what is wrong and how::

    apiVersion: lab.golive.test/v1
    kind: Overlay
    metadata: {name: nodes-two-zones}
    description: nodes in two zones only (us-east-1c relabelled us-east-1b)
    base: compliant                    # optional: another variant to start from
    patches:                           # JSON merge patches (RFC 7386: null deletes a key, lists are replaced)
      - target: {kind: Node, name: ip-10-0-3-10.ec2.internal}
        merge: {metadata: {labels: {topology.kubernetes.io/zone: us-east-1b}}}
    delete:
      - {kind: PodDisruptionBudget, namespace: production, name: auth-service}

Every other document (or ``kind: List`` item) in the variant's files is an object added, or replacing the one
with the same apiVersion/kind/namespace/name. A target names kind and name, and namespace when namespaced;
apiVersion is optional. A target that matches nothing is an error, so an overlay cannot silently rot.

Pods: Deployments and StatefulSets without Pods of their own in the fixtures get Pods synthesised at load time,
one per replica, placed on Ready nodes: round-robin over zones when the pod template spreads by zone
(topologySpreadConstraints or pod anti-affinity on ``topology.kubernetes.io/zone``), else all in the first zone.
So an overlay that drops a spread constraint, or moves nodes, moves the Pods too.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = "compliant"
ZONE_KEY = "topology.kubernetes.io/zone"
OVERLAY_KIND = "Overlay"
TRUE = ("1", "t", "T", "true", "TRUE", "True")  # query booleans as the API server parses them (strconv.ParseBool)
LOG_EVERY_S, LOG_SPAN_S = 15, 1800  # pod logs: a line every 15 s over the last 30 min


class FixtureError(Exception):
    """A fixture or overlay that cannot be loaded; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Resource:
    """One API resource the server answers for."""

    group: str  # "" for the core group
    version: str
    plural: str
    kind: str
    namespaced: bool
    short_names: tuple[str, ...] = ()

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()


# The built-in resources; kinds found only in fixtures (other CRDs) are added with a derived plural.
KNOWN: tuple[Resource, ...] = (
    Resource("", "v1", "namespaces", "Namespace", False, ("ns",)),
    Resource("", "v1", "nodes", "Node", False, ("no",)),
    Resource("", "v1", "pods", "Pod", True, ("po",)),
    Resource("", "v1", "services", "Service", True, ("svc",)),
    Resource("", "v1", "configmaps", "ConfigMap", True, ("cm",)),
    Resource("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", True, ("pvc",)),
    Resource("apps", "v1", "deployments", "Deployment", True, ("deploy",)),
    Resource("apps", "v1", "statefulsets", "StatefulSet", True, ("sts",)),
    Resource("apps", "v1", "daemonsets", "DaemonSet", True, ("ds",)),
    Resource("apps", "v1", "replicasets", "ReplicaSet", True, ("rs",)),
    Resource("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True, ("hpa",)),
    Resource("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", True, ("pdb",)),
    Resource("networking.k8s.io", "v1", "ingresses", "Ingress", True, ("ing",)),
    Resource("monitoring.coreos.com", "v1", "prometheusrules", "PrometheusRule", True, ("promrule",)),
    Resource("monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor", True, ("smon",)),
    Resource("velero.io", "v1", "schedules", "Schedule", True),
    Resource("velero.io", "v1", "backups", "Backup", True),
    Resource("velero.io", "v1", "backupstoragelocations", "BackupStorageLocation", True, ("bsl",)),
)


def _plural(kind: str) -> str:
    low = kind.lower()
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return low[:-1] + "ies"
    if low.endswith(("s", "x", "ch", "sh")):
        return low + "es"
    return low + "s"


# --- ${now...} stamps -------------------------------------------------------------------------------
_STAMP = re.compile(r"\$\{now((?:[+-]\d+[smhd])*)(?:\|([^}]*))?\}")
_STEP = re.compile(r"([+-])(\d+)([smhd])")
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def stamp(text: str, now: dt.datetime) -> str:
    """``${now-2h}`` -> RFC 3339 UTC time 2 h before ``now``; ``${now-2h|%Y%m%d%H%M%S}`` -> strftime of it."""
    def sub(match: re.Match[str]) -> str:
        at = now
        for sign, amount, unit in _STEP.findall(match.group(1)):
            delta = dt.timedelta(**{_UNIT[unit]: int(amount)})
            at = at + delta if sign == "+" else at - delta
        return at.strftime(match.group(2) or "%Y-%m-%dT%H:%M:%SZ")
    return _STAMP.sub(sub, text)


def _stamp_all(value: Any, now: dt.datetime) -> Any:
    if isinstance(value, str):
        return stamp(value, now) if "${now" in value else value
    if isinstance(value, dict):
        return {stamp(k, now) if "${now" in k else k: _stamp_all(v, now) for k, v in value.items()}
    if isinstance(value, list):
        return [_stamp_all(v, now) for v in value]
    return value


# --- reading fixture files ----------------------------------------------------------------------------
def _documents(path: Path) -> list[dict[str, Any]]:
    try:
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
    except yaml.YAMLError as exc:
        raise FixtureError(f"{path}: not valid YAML: {exc}") from None
    out: list[dict[str, Any]] = []
    for doc in docs:
        if not isinstance(doc, dict) or "kind" not in doc:
            raise FixtureError(f"{path}: every document must be a Kubernetes object or a kind: List")
        if doc["kind"] == "List" or (doc["kind"].endswith("List") and "items" in doc):
            out.extend(doc.get("items") or [])
        else:
            out.append(doc)
    return out


def _files(variant: str) -> list[Path]:
    folder = FIXTURES / variant
    if not folder.is_dir():
        raise FixtureError(f"no fixtures for variant {variant!r}: {folder} does not exist")
    return sorted(list(folder.glob("*.yaml")) + list(folder.glob("*.yml")))


def _overlay_of(variant: str) -> dict[str, Any] | None:
    for path in _files(variant):
        for doc in _documents(path):
            if doc.get("kind") == OVERLAY_KIND:
                return {**doc, "_file": str(path)}
    return None


def variants() -> dict[str, str]:
    """Variant name -> what is wrong with it: ``compliant`` plus every fixtures/<dir> with an Overlay."""
    found = {BASE: "the social platform (runbook 003) and the enterprise API (runbook 004) across 3 zones; "
                   "Velero every 6 h kept 720 h with a backup 2 h old (runbook 001)"}
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name != BASE):
        overlay = _overlay_of(folder.name)
        if overlay is not None:
            found[folder.name] = str(overlay.get("description") or "(no description)")
    return found


# --- overlays --------------------------------------------------------------------------------------------
def _key(obj: dict[str, Any]) -> tuple[str, str, str, str]:
    meta = obj.get("metadata") or {}
    return (obj.get("apiVersion", ""), obj["kind"], meta.get("namespace") or "", meta["name"])


def _matches(obj: dict[str, Any], target: dict[str, Any]) -> bool:
    meta = obj.get("metadata") or {}
    return (obj["kind"] == target.get("kind") and meta.get("name") == target.get("name")
            and (meta.get("namespace") or "") == (target.get("namespace") or "")
            and target.get("apiVersion", obj.get("apiVersion")) == obj.get("apiVersion"))


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def _apply(objects: dict[tuple, dict[str, Any]], overlay: dict[str, Any], extra: list[dict[str, Any]]) -> None:
    where = overlay["_file"]
    for obj in extra:
        objects[_key(obj)] = obj
    for i, patch in enumerate(overlay.get("patches") or []):
        target, merge = patch.get("target") or {}, patch.get("merge")
        hits = [k for k, o in objects.items() if _matches(o, target)]
        if not hits or merge is None:
            raise FixtureError(f"{where}: patches[{i}] target {target} matches no object (or has no merge:)")
        for k in hits:
            objects[k] = merge_patch(objects[k], merge)
    for i, target in enumerate(overlay.get("delete") or []):
        hits = [k for k, o in objects.items() if _matches(o, target)]
        if not hits:
            raise FixtureError(f"{where}: delete[{i}] target {target} matches no object")
        for k in hits:
            del objects[k]


def _objects(variant: str, seen: tuple[str, ...] = ()) -> dict[tuple, dict[str, Any]]:
    if variant in seen:
        raise FixtureError(f"overlay loop: {' -> '.join(seen + (variant,))}")
    docs = [d for p in _files(variant) for d in _documents(p)]
    overlays = [d for d in docs if d.get("kind") == OVERLAY_KIND]
    plain = [d for d in docs if d.get("kind") != OVERLAY_KIND]
    if variant == BASE:
        return {_key(o): o for o in plain}
    if len(overlays) != 1:
        raise FixtureError(f"variant {variant!r} needs exactly one kind: Overlay document in {FIXTURES / variant}")
    overlay = {**overlays[0], "_file": str(FIXTURES / variant)}
    objects = _objects(overlay.get("base") or BASE, seen + (variant,))
    _apply(objects, overlay, plain)
    return objects


# --- synthesised Pods -------------------------------------------------------------------------------------
def _spreads_by_zone(pod_spec: dict[str, Any]) -> bool:
    if any(c.get("topologyKey") == ZONE_KEY for c in pod_spec.get("topologySpreadConstraints") or []):
        return True
    anti = (pod_spec.get("affinity") or {}).get("podAntiAffinity") or {}
    terms = list(anti.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
    terms += [t.get("podAffinityTerm") or {} for t in anti.get("preferredDuringSchedulingIgnoredDuringExecution") or []]
    return any(t.get("topologyKey") == ZONE_KEY for t in terms)


def _ready(node: dict[str, Any]) -> bool:
    conditions = (node.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _suffix(*parts: str, n: int = 5) -> str:
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:n])


def _placement(nodes: list[dict[str, Any]], replicas: int, spread: bool) -> list[dict[str, Any]]:
    by_zone: dict[str, list[dict[str, Any]]] = {}
    for node in sorted(nodes, key=lambda n: n["metadata"]["name"]):
        by_zone.setdefault(node["metadata"].get("labels", {}).get(ZONE_KEY, ""), []).append(node)
    zones = sorted(by_zone)
    if not zones:
        return []
    if not spread:
        zones = zones[:1]
    return [by_zone[zones[i % len(zones)]][(i // len(zones)) % len(by_zone[zones[i % len(zones)]])]
            for i in range(replicas)]


def _pods_for(owner: dict[str, Any], nodes: list[dict[str, Any]], created: str) -> list[dict[str, Any]]:
    meta, spec = owner["metadata"], owner.get("spec") or {}
    template = spec.get("template") or {}
    pod_spec = copy.deepcopy(template.get("spec") or {})
    replicas = int(spec.get("replicas", 1))
    ns, name, kind = meta.get("namespace", "default"), meta["name"], owner["kind"]
    if kind == "Deployment":
        template_hash = _suffix(name, "template", n=10)
        owner_ref = {"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True, "kind": "ReplicaSet",
                     "name": f"{name}-{template_hash}", "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"rs/{ns}/{name}"))}
        labels = {**(template.get("metadata") or {}).get("labels", {}), "pod-template-hash": template_hash}
    else:
        owner_ref = {"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True, "kind": kind,
                     "name": name, "uid": meta.get("uid", "")}
        labels = {**(template.get("metadata") or {}).get("labels", {}),
                  "controller-revision-hash": f"{name}-{_suffix(name, 'rev', n=10)}"}
    pods = []
    for i, node in enumerate(_placement([n for n in nodes if _ready(n)], replicas, _spreads_by_zone(pod_spec))):
        pod_name = f"{name}-{template_hash}-{_suffix(name, str(i))}" if kind == "Deployment" else f"{name}-{i}"
        node_ip = next((a["address"] for a in node.get("status", {}).get("addresses", [])
                        if a.get("type") == "InternalIP"), "10.0.0.1")
        pod_ip = ".".join(node_ip.split(".")[:3] + [str(100 + len(pods) % 150)])
        containers = pod_spec.get("containers") or [{"name": "main", "image": "busybox"}]
        pods.append({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"creationTimestamp": created, "generateName": f"{pod_name.rsplit('-', 1)[0]}-",
                         "labels": {**labels, **({"statefulset.kubernetes.io/pod-name": pod_name}
                                                 if kind == "StatefulSet" else {})},
                         "name": pod_name, "namespace": ns, "ownerReferences": [owner_ref],
                         "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"pod/{ns}/{pod_name}"))},
            "spec": {**pod_spec, "nodeName": node["metadata"]["name"],
                     **({"hostname": pod_name, "subdomain": spec.get("serviceName")} if kind == "StatefulSet" else {})},
            "status": {
                "conditions": [{"lastProbeTime": None, "lastTransitionTime": created, "status": "True", "type": t}
                               for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                                         "PodScheduled")],
                "containerStatuses": [{"containerID": f"containerd://{_suffix(pod_name, c['name'], n=32)}",
                                       "image": c.get("image", ""), "imageID": f"{c.get('image', '')}@sha256:"
                                       f"{hashlib.sha256(c.get('image', '').encode()).hexdigest()}",
                                       "lastState": {}, "name": c["name"], "ready": True, "restartCount": 0,
                                       "started": True, "state": {"running": {"startedAt": created}}}
                                      for c in containers],
                "hostIP": node_ip, "hostIPs": [{"ip": node_ip}], "phase": "Running", "podIP": pod_ip,
                "podIPs": [{"ip": pod_ip}], "qosClass": "Guaranteed", "startTime": created},
        })
    return pods


def _synthesise_pods(objects: dict[tuple, dict[str, Any]], created: str) -> None:
    nodes = [o for o in objects.values() if o["kind"] == "Node"]
    owned = {(o["metadata"].get("namespace"), ref.get("name"))
             for o in objects.values() if o["kind"] == "Pod"
             for ref in o["metadata"].get("ownerReferences") or []}
    for owner in [o for o in objects.values() if o["kind"] in ("Deployment", "StatefulSet")]:
        ns, name = owner["metadata"].get("namespace"), owner["metadata"]["name"]
        if any(own_ns == ns and (ref == name or (ref or "").startswith(f"{name}-")) for own_ns, ref in owned):
            continue
        for pod in _pods_for(owner, nodes, created):
            objects[_key(pod)] = pod
    for rv, pod in enumerate((o for o in objects.values() if o["kind"] == "Pod"), start=200001):
        pod["metadata"]["resourceVersion"] = str(rv)


def _patch_pods(objects: dict[tuple, dict[str, Any]], variant: str) -> None:
    """An overlay's ``pods:`` patches, on the synthesised pods: ``target: {namespace, owner, index}`` picks the
    index-th pod (by name) of the Deployment/StatefulSet ``owner``; ``merge`` is a JSON merge patch on it."""
    overlay = _overlay_of(variant) if variant != BASE else None
    for i, patch in enumerate((overlay or {}).get("pods") or []):
        target = patch.get("target") or {}
        mine = sorted((k for k, o in objects.items() if o["kind"] == "Pod"
                       and o["metadata"].get("namespace") == target.get("namespace")
                       and any(_owned_by(ref.get("name") or "", target.get("owner") or "")
                               for ref in o["metadata"].get("ownerReferences") or [])), key=lambda k: k[3])
        index = int(target.get("index", 0))
        if index >= len(mine) or patch.get("merge") is None:
            raise FixtureError(f"{overlay['_file']}: pods[{i}] target {target} matches no synthesised pod "
                               f"(or has no merge:)")
        objects[mine[index]] = merge_patch(objects[mine[index]], patch["merge"])


def _owned_by(ref: str, owner: str) -> bool:
    """A pod's owner reference names the workload (StatefulSet) or one of its ReplicaSets (Deployment)."""
    return bool(owner) and (ref == owner or ref.rsplit("-", 1)[0] == owner)


# --- the cluster and its queries --------------------------------------------------------------------------
class Cluster:
    """The objects of one variant, and list/get as the API server answers them."""

    def __init__(self, variant: str = BASE, now: dt.datetime | None = None):
        now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        objects = _objects(variant)
        _synthesise_pods(objects, (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        _patch_pods(objects, variant)
        self.logs = list(((_overlay_of(variant) if variant != BASE else None) or {}).get("logs") or [])
        self.variant = variant
        self.objects: list[dict[str, Any]] = sorted(
            (_stamp_all(o, now) for o in objects.values()),
            key=lambda o: (o.get("metadata", {}).get("namespace") or "", o["metadata"]["name"]))
        self.resources = self._resources()
        self.resource_version = str(max([int(o["metadata"].get("resourceVersion") or 0)
                                         for o in self.objects if str(o["metadata"].get("resourceVersion", "")).isdigit()]
                                        + [1]) + 1)

    def _resources(self) -> list[Resource]:
        known = {(r.group_version, r.kind): r for r in KNOWN}
        for obj in self.objects:
            gv = obj.get("apiVersion", "v1")
            if (gv, obj["kind"]) not in known:
                group, _, version = gv.rpartition("/")
                known[(gv, obj["kind"])] = Resource(group, version, _plural(obj["kind"]), obj["kind"],
                                                    bool(obj["metadata"].get("namespace")))
        return list(known.values())

    def pod_log(self, pod: dict[str, Any], query: dict[str, str]) -> tuple[int, dict[str, Any] | str]:
        """``GET pods/{name}/log`` as the kubelet answers it: plain text, one line per event, newest last.

        Written at request time: a line every ``LOG_EVERY_S`` for the last ``LOG_SPAN_S``, the newest 5 s ago and
        one error-level line in 50; an overlay's ``logs:`` entry (``target: {namespace, owner}``, ``newest_age_s``,
        ``error_every``) makes a workload's pods stale or error-heavy. Honours container, tailLines, sinceSeconds,
        timestamps and limitBytes."""
        meta = pod["metadata"]
        names = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
        container = query.get("container") or (names[0] if len(names) == 1 else None)
        if container not in names:
            return 400, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "code": 400,
                         "reason": "BadRequest", "message": f"a container name must be specified for pod "
                                                            f"{meta['name']}, choose one of: {names}"}
        spec = next((e for e in self.logs if (e.get("target") or {}).get("namespace") == meta.get("namespace")
                     and any(_owned_by(r.get("name") or "", (e.get("target") or {}).get("owner") or "")
                             for r in meta.get("ownerReferences") or [])), {})
        now = dt.datetime.now(dt.UTC)
        newest, every = now - dt.timedelta(seconds=float(spec.get("newest_age_s", 5))), int(spec.get("error_every", 50))
        count = LOG_SPAN_S // LOG_EVERY_S
        lines = []
        for i in range(count):
            at = newest - dt.timedelta(seconds=LOG_EVERY_S * (count - 1 - i))
            level, msg = ("error", "upstream timeout after 2000 ms") if (i + 1) % every == 0 else \
                ("info", "GET /health 200")
            if "sinceSeconds" in query and at < now - dt.timedelta(seconds=int(query["sinceSeconds"])):
                continue
            stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"
            body = json.dumps({"level": level, "ts": at.isoformat(), "msg": msg, "pod": meta["name"]})
            lines.append(f"{stamp} {body}" if query.get("timestamps") in TRUE else body)
        if query.get("tailLines"):
            lines = lines[-int(query["tailLines"]):] if int(query["tailLines"]) > 0 else []
        text = "".join(f"{line}\n" for line in lines)
        if query.get("limitBytes"):
            text = text[:int(query["limitBytes"])]
        return 200, text

    def resource(self, group: str, version: str, plural: str) -> Resource | None:
        return next((r for r in self.resources if (r.group, r.version, r.plural) == (group, version, plural)), None)

    def of(self, res: Resource, namespace: str | None = None) -> list[dict[str, Any]]:
        return [o for o in self.objects if o.get("apiVersion", "v1") == res.group_version and o["kind"] == res.kind
                and (namespace is None or o["metadata"].get("namespace") == namespace)]

    def select(self, res: Resource, namespace: str | None, label_selector: str = "",
               field_selector: str = "") -> list[dict[str, Any]]:
        labels, fields = parse_selector(label_selector), parse_selector(field_selector)
        return [o for o in self.of(res, namespace)
                if matches(labels, o["metadata"].get("labels") or {})
                and matches(fields, _FieldView(o))]

    def get(self, res: Resource, namespace: str | None, name: str) -> dict[str, Any] | None:
        return next((o for o in self.of(res, namespace) if o["metadata"]["name"] == name), None)


# --- selectors ------------------------------------------------------------------------------------------------
_REQ = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9_.-]*)|\s+(in|notin)\s*\(([^)]*)\))?\s*$")


class SelectorError(ValueError):
    pass


def parse_selector(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """``a=b,c!=d,e in (x,y),f notin (z),g,!h`` -> [(key, op, values)]; op in = != in notin exists !exists."""
    parts, depth, cur = [], 0, ""
    for ch in text or "":
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for part in (p for p in parts if p.strip()):
        m = _REQ.match(part)
        if not m:
            raise SelectorError(f"unable to parse requirement: {part!r}")
        neg, key, op, value, set_op, set_values = m.groups()
        if op:
            out.append((key, "!=" if op == "!=" else "=", (value,)))
        elif set_op:
            out.append((key, set_op, tuple(v.strip() for v in set_values.split(",") if v.strip())))
        else:
            out.append((key, "!exists" if neg else "exists", ()))
    return out


class _FieldView:
    """An object seen as a flat map of dotted field paths (field selectors)."""

    def __init__(self, obj: dict[str, Any]):
        self.obj = obj

    def get(self, key: str, default: Any = None) -> Any:
        value: Any = self.obj
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                return default
            value = value[part]
        return str(value)

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None


def matches(requirements: list[tuple[str, str, tuple[str, ...]]], labels: Any) -> bool:
    for key, op, values in requirements:
        have = labels.get(key)
        ok = {"=": have == values[0], "!=": have != values[0], "in": have in values,
              "notin": have not in values, "exists": key in labels, "!exists": key not in labels}[op]
        if not ok:
            return False
    return True
