"""WAF-429 on Kubernetes: ingress-nginx rate limits, from the Ingress annotations where present.

Each Ingress of the profile's namespaces that ingress-nginx serves (``spec.ingressClassName``/
``kubernetes.io/ingress.class`` "nginx", or any ``nginx.ingress.kubernetes.io/limit-*`` annotation) is a WafAcl
named ``<namespace>/<name>``, associated with that name, the Ingress name and its hosts:
``limit-rpm`` -> RateRule(window 60 s), ``limit-rps`` -> RateRule(window 1 s), aggregate "IP" (ingress-nginx
counts per ``$binary_remote_addr``), scope_path the common prefix of the Ingress's paths ("/api" when they all
start with it), action "Block", response_code the controller ConfigMap's ``limit-req-status-code`` when a
ConfigMap labelled ``app.kubernetes.io/name=ingress-nginx`` is in the profile's namespaces, else the
controller's default 503. ``enable-modsecurity``/``enable-owasp-core-rules`` -> managed group "OWASP-CRS".
An nginx Ingress without limit annotations is returned with no rules, so the check says what is missing.
"""

from __future__ import annotations

from typing import Any

from golive.providers.kubernetes import provides
from golive.providers.records_waf import RateRule, WafAcl
from golive.verdict import Records, each

PREFIX = "nginx.ingress.kubernetes.io/"
WINDOWS_S = {"limit-rpm": 60, "limit-rps": 1}
CONTROLLER_DEFAULT_STATUS = 503  # ingress-nginx limit-req-status-code default


@provides
def waf_acls(kube: Any) -> Records:
    """Each namespace's ingresses read on their own: a namespace that cannot be read is a blind spot."""
    status = _controller_status(kube)
    return each(kube.namespaces, lambda ns: [acl for ing in kube.ingresses(ns)
                                             if (acl := ingress_acl(ing, status)) is not None])


def ingress_acl(ingress: Any, status: tuple[int, str] = (CONTROLLER_DEFAULT_STATUS, "")) -> WafAcl | None:
    """One Ingress as a WafAcl, or None when ingress-nginx does not serve it (pure)."""
    meta, spec = ingress.metadata, ingress.spec
    notes = meta.annotations or {}
    klass = spec.ingress_class_name or notes.get("kubernetes.io/ingress.class")
    limits = {k: v for k, v in notes.items() if k.startswith(PREFIX + "limit-")}
    if klass != "nginx" and not limits:
        return None
    name = f"{meta.namespace}/{meta.name}"
    hosts = [r.host for r in spec.rules or [] if r.host]
    code, where = status
    rules = []
    for key, window in WINDOWS_S.items():
        value = notes.get(PREFIX + key)
        if value is None:
            continue
        rules.append(RateRule(acl=name, name=key, limit=int(value), window_s=window, aggregate="IP",
                              scope_path=_common_prefix(spec), action="Block", response_code=code,
                              priority=0, source=f"Ingress annotation {PREFIX}{key}; status: "
                                                 f"{where or f'controller default {CONTROLLER_DEFAULT_STATUS}'}"))
    managed = ("OWASP-CRS",) if notes.get(PREFIX + "enable-owasp-core-rules") == "true" else ()
    return WafAcl(name=name, scope="ingress", associated_with=tuple(dict.fromkeys([name, meta.name, *hosts])),
                  mode="Prevention", managed_groups=managed, rules=tuple(rules), provider="kubernetes",
                  source="networking.k8s.io/v1 Ingress metadata.annotations nginx.ingress.kubernetes.io/limit-rpm|"
                         "limit-rps, spec.rules[].http.paths[].path")


def _common_prefix(spec: Any) -> str | None:
    paths = [p.path or "/" for r in spec.rules or [] for p in (r.http.paths if r.http else [])]
    if not paths:
        return None
    first = paths[0].rstrip("/").split("/")
    common: list[str] = []
    for i, part in enumerate(first):
        if all(p.rstrip("/").split("/")[i:i + 1] == [part] for p in paths):
            common.append(part)
        else:
            break
    return "/".join(common) or None


def _controller_status(kube: Any) -> tuple[int, str]:
    for ns in kube.namespaces:
        for cm in kube.read.items("CoreV1Api", "list_namespaced_config_map", namespace=ns,
                                  label_selector="app.kubernetes.io/name=ingress-nginx"):
            value = (cm.data or {}).get("limit-req-status-code")
            if value:
                return int(value), f"ConfigMap {ns}/{cm.metadata.name} data.limit-req-status-code"
    return CONTROLLER_DEFAULT_STATUS, ""
