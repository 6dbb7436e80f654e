"""Profile section of TLS-ONLY: the live half (TLS endpoints to scan, the certificate minimum) and the configured
half (the TLS policies the providers declare).

Both halves are required; each is either filled in or ``{not_applicable: <reason>}``, so a profile never drops
one by omission. Each half stands alone: a configuration-only profile judges the declared policies without a
live scan; a live-only one scans without providers. Reconciling the two needs both.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from golive.profile.base import NotApplicable, Section


class TlsEndpoint(Section):
    """One TLS listener: web, API, every service port, TURN's 5349."""

    name: str = Field(min_length=1)
    host: str = Field(min_length=1, description="DNS name or IP address to connect to")
    port: int = Field(default=443, ge=1, le=65535)
    server_name: str | None = Field(default=None, description="SNI and the name the certificate must carry; "
                                                              "the host when absent")


class TlsLive(Section):
    """The live half: one handshake per protocol version per endpoint, and the certificate it presents
    (validated against the profile's trust.ca_bundle as OpenSSL and curl do)."""

    endpoints: list[TlsEndpoint] = Field(min_length=1, max_length=64)
    min_days_to_expiry: int = Field(default=30, ge=0, le=825, description="runbook 001: certificates > 30 days from expiry")
    timeout_s: float = Field(default=3.0, gt=0, le=30, description="per handshake (connect and handshake)")
    max_parallel_hosts: int = Field(default=10, ge=1, le=32, description="endpoints scanned at once; one "
                                                                          "connection per endpoint at a time")


class TlsConfiguration(Section):
    """The configured half: every TLS policy the profile's providers declare (``tls_policies``: ALB/NLB
    SslPolicy, CloudFront, App Service, Front Door, Redis, PostgreSQL, ingress). Nothing to fill in: ``{}``
    reads them all; with the live half too, each policy is reconciled with the handshakes on the hosts it names."""


class TlsOnlySection(Section):
    live: TlsLive | NotApplicable = Field(
        description="the TLS endpoints to scan live, or not applicable (then the declared policies prove the item)")
    configuration: TlsConfiguration | NotApplicable = Field(
        description="the declared TLS policies read through the providers ({}), or not applicable")

    @model_validator(mode="before")
    @classmethod
    def _two_halves(cls, data: Any) -> Any:
        if isinstance(data, dict) and ({"endpoints", "check_configured"} & set(data)):
            raise ValueError("TLS-ONLY has two halves now: move endpoints (and min_days_to_expiry, timeout_s, "
                             "max_parallel_hosts) under live:, and replace check_configured with configuration: {} "
                             "(or {not_applicable: <reason>}); either half may be {not_applicable: <reason>}")
        return data
