"""TLS-ONLY on AWS: the TLS policy each ALB/NLB listener and CloudFront distribution declares to viewers.

- ALB/NLB: every ``HTTPS`` (ALB) and ``TLS`` (NLB) listener of ``elbv2:DescribeLoadBalancers``/
  ``DescribeListeners``; its ``SslPolicy`` is resolved to the protocols it allows with one
  ``elbv2:DescribeSSLPolicies`` (``SslProtocols``) for all the names in use, never by reading the name
  (``ELBSecurityPolicy-TLS13-1-2-2021-06`` allows TLS 1.2). HTTP/TCP/UDP listeners carry no TLS policy and are
  skipped (the API may still report an ``SslPolicy`` on them). Hosts: the load balancer's DNS name and the names
  of its listener certificates (``elbv2:DescribeListenerCertificates``, ``acm:DescribeCertificate`` DomainName and
  SubjectAlternativeNames; IAM server certificates are named by their ARN only).
- CloudFront: each distribution of ``cloudfront:ListDistributions``, ``ViewerCertificate``. With a custom
  certificate (``ACMCertificateArn`` or ``IAMCertificateId``) the viewer minimum is ``MinimumProtocolVersion``
  and the hosts are the distribution's aliases. With CloudFront's default certificate AWS serves TLSv1 and newer
  whatever ``MinimumProtocolVersion`` says (``TLSv1.3_2025`` needs a custom certificate), so the record's minimum
  is TLSv1 and its host the ``*.cloudfront.net`` domain name. Whether a certificate is custom is read from the
  certificate fields, not ``CloudFrontDefaultCertificate`` (some emulators report it true beside a custom one).
  The ``*.cloudfront.net`` name of a distribution with a custom certificate keeps CloudFront's own policy; it is
  not a host viewers are given, so it is not recorded.
"""

from __future__ import annotations

from typing import Any

from golive.providers.records_tls import TlsPolicy
from golive.verdict import CouldNotObserve, Records, collect, each

PROVIDES = ("tls_policies",)

CLOUDFRONT_REGION = "us-east-1"  # the same read as waf.py's, so a run makes it once
#: listener protocols that terminate TLS, and the record kind per load balancer type
TLS_LISTENERS = {"HTTPS": "alb-listener", "TLS": "nlb-listener"}
#: what CloudFront applies to viewers when the distribution uses its default certificate
DEFAULT_CERTIFICATE_MINIMUM = "TLSv1"


def tls_policies(aws: Any) -> Records:
    """Load balancer listeners and CloudFront distributions, each read on its own: one denied read blinds
    only what it reads (a load balancer's listeners, a listener's certificate names)."""
    return collect(aws, listener_policies, cloudfront_policies)


def listener_policies(aws: Any) -> Records:
    def tls_listeners(lb: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        listeners = aws.read("elbv2", "DescribeListeners", LoadBalancerArn=lb["LoadBalancerArn"])
        return [(lb, x) for x in listeners.get("Listeners", []) if x.get("Protocol") in TLS_LISTENERS]

    found = each(aws.read("elbv2", "DescribeLoadBalancers").get("LoadBalancers", []), tls_listeners)
    names = sorted({listener["SslPolicy"] for _, listener in found if listener.get("SslPolicy")})
    protocols = {}
    if names:  # without SslProtocols no listener can be judged: this read failing blinds them all
        for policy in aws.read("elbv2", "DescribeSSLPolicies", Names=names).get("SslPolicies", []):
            protocols[policy["Name"]] = tuple(policy.get("SslProtocols") or ())
    out = Records(blind=found.blind)
    for lb, listener in found:
        try:
            hosts = _certificate_names(aws, listener)
        except CouldNotObserve as exc:  # the policy is still judged; only reconciliation loses these names
            out.blind.extend(exc.blind)
            hosts = ()
        out.append(listener_policy(lb, listener, protocols.get(listener.get("SslPolicy") or ""), hosts))
    return out


def listener_policy(lb: dict[str, Any], listener: dict[str, Any], protocols: tuple[str, ...] | None,
                    certificate_names: tuple[str, ...] = ()) -> TlsPolicy:
    """One HTTPS/TLS listener as a TlsPolicy (pure): ``protocols`` is its SslPolicy's SslProtocols."""
    policy = listener.get("SslPolicy") or ""
    declared = {"Protocol": listener.get("Protocol", ""), "SslPolicy": policy or "(none)"}
    if protocols is not None:
        declared["SslProtocols"] = " ".join(protocols) or "(empty)"
    return TlsPolicy(
        resource=f"{_lb_kind(lb)}/{lb['LoadBalancerName']}:{listener['Port']}",
        kind=TLS_LISTENERS[listener["Protocol"]], protocols=tuple(protocols or ()),
        hosts=tuple(dict.fromkeys(h for h in (lb.get("DNSName"), *certificate_names) if h)),
        declared=declared,
        source="elbv2:DescribeListeners Protocol, SslPolicy + elbv2:DescribeSSLPolicies SslProtocols; hosts: "
               "DNSName, acm:DescribeCertificate DomainName/SubjectAlternativeNames of the listener certificates")


def _lb_kind(lb: dict[str, Any]) -> str:
    return {"application": "alb", "network": "nlb"}.get(lb.get("Type", ""), lb.get("Type") or "lb")


def _certificate_names(aws: Any, listener: dict[str, Any]) -> tuple[str, ...]:
    arns = [c["CertificateArn"] for c in listener.get("Certificates") or [] if c.get("CertificateArn")]
    extra = aws.read("elbv2", "DescribeListenerCertificates", ListenerArn=listener["ListenerArn"])
    arns += [c["CertificateArn"] for c in extra.get("Certificates") or [] if c.get("CertificateArn")]
    names: list[str] = []
    for arn in dict.fromkeys(arns):
        if ":acm:" not in arn:
            continue  # an IAM server certificate: no read gives its names without the certificate body
        cert = aws.read("acm", "DescribeCertificate", CertificateArn=arn).get("Certificate", {})
        names += [cert.get("DomainName"), *(cert.get("SubjectAlternativeNames") or [])]
    return tuple(dict.fromkeys(n for n in names if n))


def cloudfront_policies(aws: Any) -> list[TlsPolicy]:
    listing = aws.read("cloudfront", "ListDistributions", region=CLOUDFRONT_REGION).get("DistributionList", {})
    return [distribution_policy(d) for d in listing.get("Items") or []]


def distribution_policy(dist: dict[str, Any]) -> TlsPolicy:
    """One ListDistributions DistributionSummary as a TlsPolicy (pure)."""
    viewer = dist.get("ViewerCertificate") or {}
    custom = viewer.get("ACMCertificateArn") or viewer.get("IAMCertificateId")
    minimum = viewer.get("MinimumProtocolVersion") or DEFAULT_CERTIFICATE_MINIMUM
    declared = {"ViewerCertificate.MinimumProtocolVersion": minimum,
                "ViewerCertificate.CloudFrontDefaultCertificate": str(viewer.get("CloudFrontDefaultCertificate")),
                "certificate": "custom (ACM/IAM)" if custom else "CloudFront default"}
    if custom:
        hosts = tuple(dist.get("Aliases", {}).get("Items") or ())
    else:
        hosts = (dist["DomainName"],) if dist.get("DomainName") else ()
        if minimum != DEFAULT_CERTIFICATE_MINIMUM:
            declared["effective"] = (f"{DEFAULT_CERTIFICATE_MINIMUM}: with the default certificate CloudFront "
                                     f"ignores MinimumProtocolVersion {minimum}")
        minimum = DEFAULT_CERTIFICATE_MINIMUM
    return TlsPolicy(resource=f"cloudfront/{dist['Id']}", kind="cloudfront", min_version=minimum, hosts=hosts,
                     declared=declared,
                     source="cloudfront:ListDistributions ViewerCertificate (MinimumProtocolVersion, "
                            "ACMCertificateArn/IAMCertificateId), Aliases, DomainName")
