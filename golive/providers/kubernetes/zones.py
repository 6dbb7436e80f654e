"""MULTI-AZ on Kubernetes: nodes across zones, and every Deployment/StatefulSet spread by zone with a PDB.

- nodes: Ready nodes' ``metadata.labels[topology.kubernetes.io/zone]``;
- each workload of the profile's namespaces: the zones of its Running pods (pod ``spec.nodeName`` -> node zone),
  ``spec.replicas``, whether its pod template spreads by zone (``topologySpreadConstraints`` or pod
  anti-affinity with ``topologyKey: topology.kubernetes.io/zone``) and whether a PodDisruptionBudget selects it.

A node without the zone label (decided: the label is the API's only statement of a node's zone; a node that
lacks it is a node whose zone was not returned, not a node in "no zone") is a blind spot naming the node and
the label: the zones of the nodes tier, and of the workloads whose pods run there, are then not counted. Pods
on nodes that are not Ready do not count (as before).
"""

from __future__ import annotations

from typing import Any

from golive.providers.kubernetes import ZONE_LABEL, provides
from golive.providers.records import ZonePlacement
from golive.verdict import Records, collect, each

SPREAD = f"zone spread (topologySpreadConstraints or podAntiAffinity on {ZONE_LABEL})"
PDB = "PodDisruptionBudget selecting its pods"


@provides
def zone_placements(kube: Any) -> Records:
    """Nodes, then each namespace's Deployments and StatefulSets apart: a read denied in one namespace (or of one
    kind) blinds that part only."""
    def namespace(ns: str) -> Records:
        return collect(ns, lambda n: _workloads(kube, n, "Deployment"), lambda n: _workloads(kube, n, "StatefulSet"))
    return collect(kube, _nodes, lambda k: each(k.namespaces, namespace))


def _node_zones(kube: Any) -> dict[str, str | None]:
    """Ready node name -> its zone label (None: the node carries no zone label)."""
    return {n.metadata.name: (n.metadata.labels or {}).get(ZONE_LABEL) for n in kube.nodes() if _ready(n)}


def _nodes(kube: Any) -> list[ZonePlacement]:
    zone = _node_zones(kube)
    ready = list(zone)
    return [ZonePlacement(tier="nodes", kind="Kubernetes", resource="nodes",
                          zones=_distinct(sorted(z for z in (zone[n] for n in ready) if z)), members=len(ready),
                          source=f"Node status.conditions[Ready], metadata.labels[{ZONE_LABEL}]",
                          unknown=tuple(f"node {n} label {ZONE_LABEL}" for n in ready if not zone[n]))]


def _workloads(kube: Any, ns: str, kind: str) -> list[ZonePlacement]:
    zone = _node_zones(kube)
    workloads = kube.deployments(ns) if kind == "Deployment" else kube.statefulsets(ns)
    if not workloads:
        return []
    pods = [p for p in kube.pods(ns) if (p.status.phase if p.status else None) == "Running" and p.spec.node_name]
    pdbs = kube.pdbs(ns)
    out = []
    for w in workloads:
        selector = w.spec.selector
        template_labels = (w.spec.template.metadata.labels or {}) if w.spec.template.metadata else {}
        mine = [p for p in pods if _selects(selector, p.metadata.labels or {})]
        budgeted = any(b.spec.selector is not None and _selects(b.spec.selector, template_labels) for b in pdbs)
        unlabelled = sorted({p.spec.node_name for p in mine if p.spec.node_name in zone and not zone[p.spec.node_name]})
        out.append(ZonePlacement(
            tier="workload", kind=kind, resource=f"{ns}/{w.metadata.name}",
            zones=_distinct(sorted(z for z in (zone.get(p.spec.node_name) for p in mine) if z)),
            flags={SPREAD: _spreads_by_zone(w.spec.template.spec), PDB: budgeted},
            members=w.spec.replicas if w.spec.replicas is not None else 1,
            source=f"{kind} spec.replicas, spec.template.spec.topologySpreadConstraints/affinity; Pod "
                   f"spec.nodeName (Running) -> Node {ZONE_LABEL}; PodDisruptionBudget spec.selector",
            unknown=tuple(f"node {n} (running its pods) label {ZONE_LABEL}" for n in unlabelled)))
    return out


def _ready(node: Any) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in (node.status.conditions or []) if node.status)


def _spreads_by_zone(pod_spec: Any) -> bool:
    if any(c.topology_key == ZONE_LABEL for c in pod_spec.topology_spread_constraints or []):
        return True
    anti = pod_spec.affinity.pod_anti_affinity if pod_spec.affinity else None
    if anti is None:
        return False
    terms = list(anti.required_during_scheduling_ignored_during_execution or [])
    terms += [t.pod_affinity_term for t in anti.preferred_during_scheduling_ignored_during_execution or []]
    return any(t is not None and t.topology_key == ZONE_LABEL for t in terms)


def _selects(selector: Any, labels: dict[str, str]) -> bool:
    """A LabelSelector (matchLabels and matchExpressions) against labels; an empty selector selects everything."""
    if any(labels.get(k) != v for k, v in (selector.match_labels or {}).items()):
        return False
    for expr in selector.match_expressions or []:
        values, present = expr.values or [], expr.key in labels
        ok = {"In": present and labels[expr.key] in values, "NotIn": not present or labels[expr.key] not in values,
              "Exists": present, "DoesNotExist": not present}.get(expr.operator, False)
        if not ok:
            return False
    return True


def _distinct(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
