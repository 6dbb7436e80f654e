"""MULTI-AZ on Kubernetes: nodes across zones, and every Deployment/StatefulSet spread by zone with a PDB.

- nodes: Ready nodes' ``metadata.labels[topology.kubernetes.io/zone]``;
- each workload of the profile's namespaces: the zones of its Running pods (pod ``spec.nodeName`` -> node zone),
  ``spec.replicas``, whether its pod template spreads by zone (``topologySpreadConstraints`` or pod
  anti-affinity with ``topologyKey: topology.kubernetes.io/zone``) and whether a PodDisruptionBudget selects it.
"""

from __future__ import annotations

from typing import Any

from golive.providers.kubernetes import ZONE_LABEL, provides
from golive.providers.records import ZonePlacement

SPREAD = f"zone spread (topologySpreadConstraints or podAntiAffinity on {ZONE_LABEL})"
PDB = "PodDisruptionBudget selecting its pods"


@provides
def zone_placements(kube: Any) -> list[ZonePlacement]:
    node_zone = {n.metadata.name: (n.metadata.labels or {}).get(ZONE_LABEL)
                 for n in kube.nodes() if _ready(n)}
    out = [ZonePlacement(tier="nodes", kind="Kubernetes", resource="nodes",
                         zones=_distinct(sorted(z for z in node_zone.values() if z)), members=len(node_zone),
                         source=f"Node status.conditions[Ready], metadata.labels[{ZONE_LABEL}]")]
    pods = [p for p in kube.pods() if (p.status.phase if p.status else None) == "Running" and p.spec.node_name]
    pdbs = kube.pdbs()
    for kind, workloads in (("Deployment", kube.deployments()), ("StatefulSet", kube.statefulsets())):
        for w in workloads:
            ns, selector = w.metadata.namespace, w.spec.selector
            template_labels = (w.spec.template.metadata.labels or {}) if w.spec.template.metadata else {}
            mine = [p for p in pods if p.metadata.namespace == ns and _selects(selector, p.metadata.labels or {})]
            budgeted = any(b.metadata.namespace == ns and b.spec.selector is not None
                           and _selects(b.spec.selector, template_labels) for b in pdbs)
            out.append(ZonePlacement(
                tier="workload", kind=kind, resource=f"{ns}/{w.metadata.name}",
                zones=_distinct(sorted(z for z in (node_zone.get(p.spec.node_name) for p in mine) if z)),
                flags={SPREAD: _spreads_by_zone(w.spec.template.spec), PDB: budgeted},
                members=w.spec.replicas if w.spec.replicas is not None else 1,
                source=f"{kind} spec.replicas, spec.template.spec.topologySpreadConstraints/affinity; Pod "
                       f"spec.nodeName (Running) -> Node {ZONE_LABEL}; PodDisruptionBudget spec.selector"))
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
