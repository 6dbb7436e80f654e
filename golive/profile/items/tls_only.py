"""Profile section of TLS-ONLY: the TLS endpoints to scan live, the certificate minimum, the configured check."""

from __future__ import annotations

from pydantic import Field

from golive.profile.base import Section


class TlsEndpoint(Section):
    """One TLS listener: web, API, every service port, TURN's 5349."""

    name: str = Field(min_length=1)
    host: str = Field(min_length=1, description="DNS name or IP address to connect to")
    port: int = Field(default=443, ge=1, le=65535)
    server_name: str | None = Field(default=None, description="SNI and the name the certificate must carry; "
                                                              "the host when absent")


class TlsOnlySection(Section):
    endpoints: list[TlsEndpoint] = Field(min_length=1, max_length=64)
    min_days_to_expiry: int = Field(default=30, ge=0, description="runbook 001: certificates > 30 days from expiry")
    timeout_s: float = Field(default=3.0, gt=0, le=30, description="per handshake (connect and handshake)")
    max_parallel_hosts: int = Field(default=10, ge=1, le=32, description="endpoints scanned at once; one "
                                                                          "connection per endpoint at a time")
    check_configured: bool = Field(default=False, description="also read the declared TLS policies through the "
                                   "providers (ALB/NLB SslPolicy, CloudFront, App Service, Front Door, Redis, "
                                   "PostgreSQL, ingress) and reconcile them with the live handshakes")
