"""TLS-ONLY on Kubernetes: the TLS protocols each Ingress that terminates TLS declares.

An Ingress terminates TLS when it has ``spec.tls`` or (AWS Load Balancer Controller) an HTTPS listen port or a
certificate annotation. Its record is ``ingress/<namespace>/<name>``, hosts ``spec.tls[].hosts`` (else the rules'
hosts), protocols by its controller:
- ingress-nginx (class "nginx"): the Ingress annotation ``nginx.ingress.kubernetes.io/ssl-protocols`` when
  present, else the controller ConfigMap's ``ssl-protocols`` (a ConfigMap labelled
  ``app.kubernetes.io/name=ingress-nginx`` in the profile's namespaces), else the controller's default
  "TLSv1.2 TLSv1.3". ingress-nginx documents ``ssl-protocols`` as a ConfigMap key; the annotation is read
  because deployments set it, and it is named in the evidence either way.
- AWS Load Balancer Controller (class "alb"): ``alb.ingress.kubernetes.io/ssl-policy``, else the controller's
  default ``ELBSecurityPolicy-2016-08``. The policy is resolved to the protocols AWS publishes for it
  (``ELB_POLICY_PROTOCOLS``, the ``SslProtocols`` of ``elbv2:DescribeSSLPolicies``); the Kubernetes provider has
  no AWS API to ask, so a policy missing from that table gets no protocols and the check says so.
- any other class: no protocols (golive does not know where that controller keeps its TLS settings).
"""

from __future__ import annotations

import json
from typing import Any

from golive.providers.kubernetes import provides
from golive.providers.records_tls import TlsPolicy
from golive.verdict import BlindSpot, CouldNotObserve, Records, each

NGINX = "nginx.ingress.kubernetes.io/"
ALB = "alb.ingress.kubernetes.io/"
NGINX_DEFAULT_PROTOCOLS = "TLSv1.2 TLSv1.3"  # ingress-nginx ConfigMap ssl-protocols default
ALB_DEFAULT_POLICY = "ELBSecurityPolicy-2016-08"  # AWS Load Balancer Controller default ssl-policy

#: SslProtocols of the ELB security policies (elbv2:DescribeSSLPolicies, as AWS documents them)
ELB_POLICY_PROTOCOLS: dict[str, tuple[str, ...]] = {
    "ELBSecurityPolicy-TLS13-1-3-2021-06": ("TLSv1.3",),
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09": ("TLSv1.3",),
    "ELBSecurityPolicy-TLS13-1-2-2021-06": ("TLSv1.2", "TLSv1.3"),
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09": ("TLSv1.2", "TLSv1.3"),
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": ("TLSv1.2", "TLSv1.3"),
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09": ("TLSv1.2", "TLSv1.3"),
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": ("TLSv1.2", "TLSv1.3"),
    "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09": ("TLSv1.2", "TLSv1.3"),
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": ("TLSv1.2", "TLSv1.3"),
    "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09": ("TLSv1.2", "TLSv1.3"),
    "ELBSecurityPolicy-TLS13-1-1-2021-06": ("TLSv1.1", "TLSv1.2", "TLSv1.3"),
    "ELBSecurityPolicy-TLS13-1-0-2021-06": ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"),
    "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09": ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"),
    "ELBSecurityPolicy-FS-1-2-Res-2020-10": ("TLSv1.2",),
    "ELBSecurityPolicy-FS-1-2-Res-2019-08": ("TLSv1.2",),
    "ELBSecurityPolicy-FS-1-2-2019-08": ("TLSv1.2",),
    "ELBSecurityPolicy-FS-1-1-2019-08": ("TLSv1.1", "TLSv1.2"),
    "ELBSecurityPolicy-FS-2018-06": ("TLSv1", "TLSv1.1", "TLSv1.2"),
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": ("TLSv1.2",),
    "ELBSecurityPolicy-TLS-1-2-2017-01": ("TLSv1.2",),
    "ELBSecurityPolicy-TLS-1-1-2017-01": ("TLSv1.1", "TLSv1.2"),
    "ELBSecurityPolicy-2016-08": ("TLSv1", "TLSv1.1", "TLSv1.2"),
    "ELBSecurityPolicy-2015-05": ("TLSv1", "TLSv1.1", "TLSv1.2"),
}


@provides
def tls_policies(kube: Any) -> Records:
    """Per namespace: one whose ingresses cannot be listed blinds that namespace only. When the ingress-nginx
    ConfigMap cannot be read, ingresses that rely on it (no ssl-protocols annotation) are blind, the rest judged."""
    try:
        controller: tuple[str, str] | None = _controller_protocols(kube)
        unread = ""
    except CouldNotObserve as exc:
        controller, unread = None, exc.cause

    def namespace(ns: str) -> Records:
        out = Records()
        for ing in kube.ingresses(ns):
            policy = ingress_policy(ing, controller or (NGINX_DEFAULT_PROTOCOLS, ""))
            if policy is not None and controller is None and "ssl-protocols" in policy.declared:
                out.blind.append(BlindSpot(f"{policy.resource} ssl-protocols", f"the ingress-nginx controller "
                                           f"ConfigMap could not be read: {unread}"))
            elif policy is not None:
                out.append(policy)
        return out
    return each(kube.namespaces, namespace)


def ingress_policy(ingress: Any, controller: tuple[str, str] = (NGINX_DEFAULT_PROTOCOLS, "")) -> TlsPolicy | None:
    """One Ingress as a TlsPolicy, or None when it terminates no TLS (pure). ``controller``: the ingress-nginx
    ConfigMap's ssl-protocols and where it was read."""
    meta, spec = ingress.metadata, ingress.spec
    notes = meta.annotations or {}
    klass = spec.ingress_class_name or notes.get("kubernetes.io/ingress.class") or ""
    tls_hosts = [h for t in spec.tls or [] for h in t.hosts or []]
    alb_https = klass == "alb" and (ALB + "certificate-arn" in notes or "HTTPS" in notes.get(ALB + "listen-ports", ""))
    if not spec.tls and not alb_https:
        return None
    hosts = tls_hosts or [r.host for r in spec.rules or [] if r.host]
    declared = {"ingressClassName": klass or "(none)"}
    protocols: tuple[str, ...] = ()
    if klass == "nginx" or any(k.startswith(NGINX) for k in notes):
        value = notes.get(NGINX + "ssl-protocols")
        if value is not None:
            declared[NGINX + "ssl-protocols"] = value
        else:
            value, where = controller
            declared["ssl-protocols"] = f"{value} ({where or 'ingress-nginx default'})"
        protocols = tuple(value.split())
    elif klass == "alb":
        policy = notes.get(ALB + "ssl-policy")
        declared[ALB + "ssl-policy"] = policy or f"(not set: controller default {ALB_DEFAULT_POLICY})"
        policy = policy or ALB_DEFAULT_POLICY
        protocols = ELB_POLICY_PROTOCOLS.get(policy, ())
        declared["SslProtocols"] = " ".join(protocols) if protocols else (
            f"{policy} is not in golive's table of AWS-published policies; resolve it with elbv2:DescribeSSLPolicies")
        if ALB + "listen-ports" in notes:
            declared[ALB + "listen-ports"] = _listen_ports(notes[ALB + "listen-ports"])
    return TlsPolicy(resource=f"ingress/{meta.namespace}/{meta.name}", kind="ingress", protocols=protocols,
                     hosts=tuple(dict.fromkeys(hosts)), declared=declared,
                     source="networking.k8s.io/v1 Ingress spec.tls[].hosts, spec.ingressClassName, annotations "
                            f"{NGINX}ssl-protocols (ingress-nginx ConfigMap ssl-protocols) or {ALB}ssl-policy")


def _listen_ports(value: str) -> str:
    try:
        return ", ".join(f"{k}:{v}" for port in json.loads(value) for k, v in port.items())
    except (ValueError, AttributeError, TypeError):
        return value


def _controller_protocols(kube: Any) -> tuple[str, str]:
    found = ingress_nginx_setting(kube, "ssl-protocols")
    return found if found is not None else (NGINX_DEFAULT_PROTOCOLS, "")


def ingress_nginx_setting(kube: Any, key: str) -> tuple[str, str] | None:
    """A key of the ingress-nginx controller ConfigMap (labelled ``app.kubernetes.io/name=ingress-nginx``) in the
    profile's namespaces, and where it was read; None when no such ConfigMap sets it."""
    for ns in kube.namespaces:
        for cm in kube.read.items("CoreV1Api", "list_namespaced_config_map", namespace=ns,
                                  label_selector="app.kubernetes.io/name=ingress-nginx"):
            if (cm.data or {}).get(key):
                return cm.data[key], f"ConfigMap {ns}/{cm.metadata.name} data.{key}"
    return None
