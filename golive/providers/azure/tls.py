"""TLS-ONLY on Azure: what App Service, Front Door, Azure Cache for Redis and PostgreSQL Flexible declare.

- App Service: each site's configuration (``config/web``) ``minTlsVersion``; hosts: the site's ``hostNames``
  (the default ``*.azurewebsites.net`` name when ARM lists none). ``scmMinTlsVersion`` (the Kudu/deployment
  endpoint) and ``httpsOnly`` are shown in the evidence, not judged here.
- Front Door (Standard/Premium, ``Microsoft.Cdn/profiles``): each custom domain's
  ``tlsSettings.minimumTlsVersion`` ("TLS10", "TLS12", "TLS13"); host: its ``hostName``. The profile's
  ``*.azurefd.net`` endpoint names keep Front Door's own policy and are not a host viewers are given.
- Azure Cache for Redis: ``minimumTlsVersion`` (Azure offers "1.0", "1.1", "1.2"; TLS 1.3 is negotiated when the
  client offers it) and ``enableNonSslPort`` (TLS required when it is false); host: ``hostName``.
- PostgreSQL Flexible: server parameters ``require_secure_transport`` (TLS required when "on") and
  ``ssl_min_protocol_version``; host: ``fullyQualifiedDomainName``.
"""

from __future__ import annotations

from typing import Any

from golive.providers.azure import appservice, frontdoor, postgres, redis
from golive.providers.azure.core import records
from golive.providers.records_tls import TlsPolicy
from golive.verdict import Records, each

#: Front Door SKUs whose profiles hold AFD custom domains (classic CDN profiles share the resource type)
FRONT_DOOR_SKUS = ("Standard_AzureFrontDoor", "Premium_AzureFrontDoor")


@records("tls_policies")
def app_service_tls(az: Any) -> Records:
    """Per site: one site's config/web that cannot be read blinds that site only."""
    return each(appservice.sites(az), lambda site: [site_policy(site, appservice.site_config(az, site["name"]))])


def site_policy(site: dict[str, Any], config: dict[str, Any]) -> TlsPolicy:
    """One Microsoft.Web/sites and its config/web as a TlsPolicy (pure)."""
    props, cfg = site.get("properties") or {}, (config.get("properties") or {})
    minimum = cfg.get("minTlsVersion")
    hosts = props.get("hostNames") or [props.get("defaultHostName")]
    return TlsPolicy(
        resource=f"app/{site['name']}", kind="app-service", min_version=minimum,
        hosts=tuple(h for h in hosts if h),
        declared={"siteConfig.minTlsVersion": minimum or "(not set)",
                  "siteConfig.scmMinTlsVersion": str(cfg.get("scmMinTlsVersion")),
                  "httpsOnly": str(props.get("httpsOnly"))},
        source="Microsoft.Web/sites/config/web properties.minTlsVersion; hosts: sites properties.hostNames")


@records("tls_policies")
def front_door_tls(az: Any) -> Records:
    """Per Front Door profile: one whose custom domains cannot be read blinds that profile only."""
    afd = [p for p in frontdoor.profiles(az) if (p.get("sku") or {}).get("name") in FRONT_DOOR_SKUS]
    return each(afd, lambda profile: [custom_domain_policy(profile["name"], d)
                                      for d in frontdoor.custom_domains(az, profile["name"])])


def custom_domain_policy(profile: str, domain: dict[str, Any]) -> TlsPolicy:
    """One Front Door custom domain as a TlsPolicy (pure)."""
    props = domain.get("properties") or {}
    tls = props.get("tlsSettings") or {}
    minimum = tls.get("minimumTlsVersion")
    return TlsPolicy(
        resource=f"fd/{profile}/{domain['name']}", kind="front-door", min_version=minimum,
        hosts=(props["hostName"],) if props.get("hostName") else (),
        declared={"tlsSettings.minimumTlsVersion": minimum or "(not set)",
                  "tlsSettings.cipherSuiteSetType": str(tls.get("cipherSuiteSetType"))},
        source="Microsoft.Cdn/profiles/customDomains properties.tlsSettings.minimumTlsVersion, properties.hostName")


@records("tls_policies")
def redis_tls(az: Any) -> list[TlsPolicy]:
    return [cache_policy(cache) for cache in redis.caches(az)]


def cache_policy(cache: dict[str, Any]) -> TlsPolicy:
    """One Microsoft.Cache/redis as a TlsPolicy (pure)."""
    props = cache.get("properties") or {}
    non_ssl = props.get("enableNonSslPort")
    minimum = props.get("minimumTlsVersion")
    return TlsPolicy(
        resource=f"redis/{cache['name']}", kind="redis", min_version=minimum,
        hosts=(props["hostName"],) if props.get("hostName") else (),
        tls_required=None if non_ssl is None else not non_ssl,
        declared={"enableNonSslPort": str(non_ssl), "minimumTlsVersion": minimum or "(not set)"},
        source="Microsoft.Cache/redis properties.enableNonSslPort, properties.minimumTlsVersion, properties.hostName")


@records("tls_policies")
def postgres_tls(az: Any) -> Records:
    """Per server: one whose parameters cannot be read blinds that server only."""
    def one(server: dict[str, Any]) -> list[TlsPolicy]:
        secure = postgres.configuration(az, server["name"], "require_secure_transport")
        minimum = postgres.configuration(az, server["name"], "ssl_min_protocol_version")
        return [server_policy(server, secure, minimum)]
    return each(postgres.flexible_servers(az), one)


def server_policy(server: dict[str, Any], secure: dict[str, Any], minimum: dict[str, Any]) -> TlsPolicy:
    """One PostgreSQL flexible server and its two TLS parameters as a TlsPolicy (pure)."""
    props = server.get("properties") or {}
    required = str((secure.get("properties") or {}).get("value") or "").lower()
    floor = (minimum.get("properties") or {}).get("value")
    return TlsPolicy(
        resource=f"postgresql/{server['name']}", kind="postgresql", min_version=floor or None,
        hosts=(props["fullyQualifiedDomainName"],) if props.get("fullyQualifiedDomainName") else (),
        tls_required={"on": True, "off": False}.get(required),
        declared={"require_secure_transport": required or "(not set)",
                  "ssl_min_protocol_version": floor or "(not set)"},
        source="Microsoft.DBforPostgreSQL/flexibleServers/configurations require_secure_transport, "
               "ssl_min_protocol_version; host: properties.fullyQualifiedDomainName")
