"""TLS-ONLY records: the TLS policy a platform declares, as the providers return it.

A provider implements ``tls_policies(self) -> list[TlsPolicy]`` (the check calls
``providers.gather("tls_policies")``). It resolves names to protocol lists itself: an ALB/NLB listener's
``SslPolicy`` through ``elbv2:DescribeSslPolicies`` (``SslProtocols``), never by matching the policy name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: golive's protocol names, oldest first
PROTOCOL_ORDER: tuple[str, ...] = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")

#: kinds whose policy must allow TLS 1.3 only (runbooks 000, 002 line 252-253, 003 line 228)
EDGE_KINDS = frozenset({"alb-listener", "nlb-listener", "cloudfront", "app-service", "front-door", "ingress",
                        "api-gateway", "application-gateway"})
#: kinds where the runbook asks for TLS required / non-TLS disabled (002 lines 254-255)
DATA_KINDS = frozenset({"redis", "elasticache", "postgresql", "rds", "database", "cache"})


@dataclass(frozen=True)
class TlsPolicy:
    """TLS-ONLY: what one resource declares about TLS.

    resource: the name the profile/platform uses ("alb/silenttalk-prod-alb:443", "cloudfront/E2ABC",
        "app/silenttalk-production-api", "redis/silenttalk-production-redis")
    kind: one of EDGE_KINDS or DATA_KINDS
    protocols: every protocol the policy allows, in golive's names (normalize_protocol); empty when the
        platform only states a minimum
    min_version: the declared minimum in golive's names (None when the platform states a list)
    hosts: the hostnames it serves, to reconcile with the live handshakes (listener certificate names,
        CloudFront aliases, custom domains)
    tls_required: data stores: the non-TLS port is disabled / require_secure_transport is on (None: n/a)
    declared: the raw values read, for evidence ({"SslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06"})
    source: the API calls and fields read ("elbv2:DescribeListeners SslPolicy + DescribeSslPolicies SslProtocols")
    """

    resource: str
    kind: str
    protocols: tuple[str, ...] = ()
    min_version: str | None = None
    hosts: tuple[str, ...] = ()
    tls_required: bool | None = None
    declared: dict[str, str] = field(default_factory=dict)
    source: str = ""
    where: str = ""  # the target it was read in, when the profile names several (issue 18)

    @property
    def allowed(self) -> tuple[str, ...]:
        """The protocols this policy lets a client negotiate (from the list, else from the minimum)."""
        if self.protocols:
            return tuple(p for p in PROTOCOL_ORDER if p in {normalize_protocol(x) for x in self.protocols})
        if self.min_version:
            return protocols_from_minimum(self.min_version)
        return ()


_ALIASES = {
    "sslv2": "SSLv2", "ssl2": "SSLv2", "sslv3": "SSLv3", "ssl3": "SSLv3",
    "tlsv1": "TLSv1.0", "tls1": "TLSv1.0", "tls10": "TLSv1.0", "1.0": "TLSv1.0", "tls1_0": "TLSv1.0",
    "tlsv1.0": "TLSv1.0", "tls1.0": "TLSv1.0",
    "tlsv1.1": "TLSv1.1", "tls1.1": "TLSv1.1", "tls11": "TLSv1.1", "1.1": "TLSv1.1", "tls1_1": "TLSv1.1",
    "tlsv1.2": "TLSv1.2", "tls1.2": "TLSv1.2", "tls12": "TLSv1.2", "1.2": "TLSv1.2", "tls1_2": "TLSv1.2",
    "tlsv1.3": "TLSv1.3", "tls1.3": "TLSv1.3", "tls13": "TLSv1.3", "1.3": "TLSv1.3", "tls1_3": "TLSv1.3",
}


def normalize_protocol(value: str) -> str:
    """golive's name for a protocol as any platform writes it: "TLSv1" (ALB), "1.2" (App Service, Redis),
    "TLS12" (Front Door), "TLSv1.2_2021" (CloudFront minimum: the part before the underscore), "TLS1_3"."""
    key = value.strip().lower().split("_20", 1)[0]  # CloudFront's "TLSv1.2_2021", "TLSv1.3_2025"
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(f"unknown TLS protocol name {value!r}")


def protocols_from_minimum(minimum: str) -> tuple[str, ...]:
    """Every protocol from ``minimum`` up to TLS 1.3 (the newest any platform offers)."""
    start = PROTOCOL_ORDER.index(normalize_protocol(minimum))
    return PROTOCOL_ORDER[start:]
