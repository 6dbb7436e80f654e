"""Front Door: AFD profiles, their custom domains (TLS settings) and security policies (azure-mgmt-cdn), and the
Front Door WAF policies and classic Front Doors (azure-mgmt-frontdoor)."""

from __future__ import annotations

from typing import Any


def profiles(az: Any) -> list[dict]:
    return az.read("cdn", "Front Door profiles", lambda c: c.profiles.list_by_resource_group(az.resource_group))


def custom_domains(az: Any, profile: str) -> list[dict]:
    return az.read("cdn", f"custom domains of Front Door profile {profile}",
                   lambda c: c.afd_custom_domains.list_by_profile(az.resource_group, profile))


def security_policies(az: Any, profile: str) -> list[dict]:
    return az.read("cdn", f"security policies of Front Door profile {profile}",
                   lambda c: c.security_policies.list_by_profile(az.resource_group, profile))


def waf_policies(az: Any) -> list[dict]:
    return az.read("frontdoor", "Front Door WAF policies", lambda c: c.policies.list(az.resource_group))


def classic_front_doors(az: Any) -> list[dict]:
    """Front Door (classic) resources (Microsoft.Network/frontDoors) with their frontend endpoints."""
    return az.read("frontdoor", "Front Doors (classic)", lambda c: c.front_doors.list_by_resource_group(az.resource_group))


def endpoints(az: Any, profile: str) -> list[dict]:
    return az.read("cdn", f"endpoints of Front Door profile {profile}",
                   lambda c: c.afd_endpoints.list_by_profile(az.resource_group, profile))


def routes(az: Any, profile: str, endpoint: str) -> list[dict]:
    return az.read("cdn", f"routes of Front Door endpoint {profile}/{endpoint}",
                   lambda c: c.routes.list_by_endpoint(az.resource_group, profile, endpoint))


def rules(az: Any, profile: str, rule_set: str) -> list[dict]:
    return az.read("cdn", f"rules of Front Door rule set {profile}/{rule_set}",
                   lambda c: c.rules.list_by_rule_set(az.resource_group, profile, rule_set))
