"""WAF-429 on Azure: Front Door WAF policies (linked to Front Door domains/endpoints through security
policies, or to classic Front Door frontend endpoints through ``frontendEndpointLinks``) and Application Gateway WAF policies (linked to gateways, listeners and path rules).

Reads: ``frontdoor policies.list`` (Microsoft.Network/FrontDoorWebApplicationFirewallPolicies), the AFD profiles'
``security_policies``, ``afd_custom_domains`` and ``afd_endpoints`` (azure-mgmt-cdn) to name what a policy
protects (resource id, name and host name of each domain/endpoint); for classic policies ``frontdoor
front_doors.list_by_resource_group`` (frontend endpoints' ids, names, host names); ``network
web_application_firewall_policies.list`` (ApplicationGatewayWebApplicationFirewallPolicies) with its
``applicationGateways``/``httpListeners``/``pathBasedRules`` associations. The mapping onto WafAcl/RateRule is
golive/providers/records_waf.py's docstring.
"""

from __future__ import annotations

from typing import Any

from golive.providers.azure import frontdoor
from golive.providers.azure.core import records
from golive.providers.records_waf import AllowRule, RateRule, WafAcl

#: groupBy variables -> the aggregate key of records_waf (per client address, or something else)
_CLIENT_ADDRESS = {"socketaddr": "IP", "clientaddr": "IP", "remoteaddr": "IP", "": "IP",
                   "clientaddrxffheader": "FORWARDED_IP", "geolocation": "CUSTOM_KEYS", "none": "CONSTANT"}
_PATH_VARIABLES = {"requesturi", "requestpath"}
_PATH_OPERATORS = {"beginswith", "contains", "equal"}
_APPGW_DURATION_S = {"OneMin": 60, "FiveMins": 300}


@records("waf_acls")
def front_door_waf_acls(az: Any) -> list[WafAcl]:
    policies = frontdoor.waf_policies(az)
    if not policies:
        return []
    protects = _front_door_links(az)
    classic = _classic_links(az, policies)
    return [front_door_policy(p, tuple(dict.fromkeys([*protects.get(p["id"].lower(), ()),
                                                      *classic.get(p["id"].lower(), ())])))
            for p in policies]


@records("waf_acls")
def application_gateway_waf_acls(az: Any) -> list[WafAcl]:
    policies = az.read("network", "Application Gateway WAF policies",
                       lambda c: c.web_application_firewall_policies.list(az.resource_group))
    return [application_gateway_policy(p) for p in policies]


def front_door_policy(policy: dict[str, Any], associated_with: tuple[str, ...]) -> WafAcl:
    """A Front Door WAF policy (ARM JSON) as a WafAcl (pure)."""
    props = policy.get("properties", {})
    settings = props.get("policySettings", {})
    rules = (props.get("customRules") or {}).get("rules", [])
    group_by = lambda rule: [g.get("variableName", "") for g in rule.get("groupBy") or []]  # noqa: E731
    return _acl(policy["name"], "FrontDoor", associated_with, settings, rules,
                lambda rule: int(rule.get("rateLimitDurationInMinutes") or 1) * 60, group_by,
                managed=[s.get("ruleSetType", "") for s in (props.get("managedRules") or {}).get("managedRuleSets", [])],
                source="frontdoor FrontDoorWebApplicationFirewallPolicies: policySettings (mode, enabledState, "
                       "customBlockResponseStatusCode), customRules.rules (RateLimitRule: rateLimitThreshold, "
                       "rateLimitDurationInMinutes, groupBy, matchConditions), managedRules; linked through "
                       "cdn securityPolicies parameters.wafPolicy/associations (Standard/Premium) or "
                       "frontendEndpointLinks and frontDoors frontendEndpoints webApplicationFirewallPolicyLink "
                       "(classic)")


def application_gateway_policy(policy: dict[str, Any]) -> WafAcl:
    """An Application Gateway WAF policy (ARM JSON) as a WafAcl (pure)."""
    props = policy.get("properties", {})
    bound = [ref["id"] for key in ("applicationGateways", "httpListeners", "pathBasedRules")
             for ref in props.get(key) or [] if ref.get("id")]
    named = [part for rid in bound for part in (rid, rid.rstrip("/").rsplit("/", 1)[-1])]

    def group_by(rule: dict[str, Any]) -> list[str]:
        return [v.get("variableName", "") for g in rule.get("groupByUserSession") or []
                for v in g.get("groupByVariables") or []]

    managed = [f"{s.get('ruleSetType', '')}_{s.get('ruleSetVersion', '')}".rstrip("_")
               for s in (props.get("managedRules") or {}).get("managedRuleSets", [])]
    return _acl(policy["name"], "ApplicationGateway", tuple(dict.fromkeys(named)), props.get("policySettings", {}),
                props.get("customRules") or [], lambda rule: _APPGW_DURATION_S.get(rule.get("rateLimitDuration"), 60),
                group_by, managed=managed,
                source="network ApplicationGatewayWebApplicationFirewallPolicies: policySettings (mode, state, "
                       "customBlockResponseStatusCode), customRules (RateLimitRule: rateLimitThreshold, "
                       "rateLimitDuration, groupByUserSession, matchConditions), managedRules, applicationGateways/"
                       "httpListeners/pathBasedRules")


def _acl(name: str, scope: str, associated_with: tuple[str, ...], settings: dict[str, Any], custom: list[dict],
         window_s: Any, group_by: Any, managed: list[str], source: str) -> WafAcl:
    enabled = (settings.get("enabledState") or settings.get("state") or "Enabled") == "Enabled"
    status = settings.get("customBlockResponseStatusCode")
    rates, allows = [], []
    for rule in custom:
        action = rule.get("action", "none") if (rule.get("state") or rule.get("enabledState") or "Enabled") == \
            "Enabled" else "Disabled"
        path = _path(rule.get("matchConditions") or [])
        if rule.get("ruleType") == "RateLimitRule":
            keys = {_CLIENT_ADDRESS.get(v.lower(), "CUSTOM_KEYS") for v in group_by(rule)} or {"IP"}
            rates.append(RateRule(acl=name, name=rule["name"], limit=int(rule.get("rateLimitThreshold") or 0),
                                  window_s=window_s(rule), aggregate=keys.pop() if len(keys) == 1 else "CUSTOM_KEYS",
                                  scope_path=path, action=action, response_code=int(status) if status else None,
                                  priority=int(rule.get("priority", 0)), source=source.split(":", 1)[0]))
        elif action == "Allow" and _only_path(rule.get("matchConditions") or []):
            allows.append(AllowRule(acl=name, name=rule["name"], priority=int(rule.get("priority", 0)),
                                    scope_path=path, source="custom rule action Allow on RequestUri"))
    return WafAcl(name=name, scope=scope, associated_with=associated_with,
                  mode=settings.get("mode", "Detection") if enabled else "Disabled", managed_groups=tuple(managed),
                  rules=tuple(rates), allow_rules=tuple(allows), provider="azure", source=source)


def _path_conditions(conditions: list[dict]) -> list[dict]:
    return [c for c in conditions
            if (c.get("matchVariable") or (c.get("matchVariables") or [{}])[0].get("variableName", "")).lower()
            in _PATH_VARIABLES and not c.get("negateCondition")]


def _path(conditions: list[dict]) -> str | None:
    """The path a rule is scoped to ("/api" from RequestUri Contains "/api/"); None when it matches every path."""
    for cond in _path_conditions(conditions):
        values = [v for v in cond.get("matchValue") or cond.get("matchValues") or [] if v]
        if cond.get("operator", "").lower() in _PATH_OPERATORS and values:
            return values[0].rstrip("/") or None
    return None


def _only_path(conditions: list[dict]) -> bool:
    return bool(conditions) and len(_path_conditions(conditions)) == len(conditions)


def _front_door_links(az: Any) -> dict[str, tuple[str, ...]]:
    """WAF policy id (lower case) -> ids, names and host names of the domains/endpoints its security policies link."""
    out: dict[str, list[str]] = {}
    for profile in frontdoor.profiles(az):
        name = profile["name"]
        known = {}
        for item in [*frontdoor.custom_domains(az, name), *_afd_endpoints(az, name)]:
            known[item["id"].lower()] = [item["id"], item["name"], item.get("properties", {}).get("hostName")]
        for policy in frontdoor.security_policies(az, name):
            params = policy.get("properties", {}).get("parameters", {})
            waf = ((params.get("wafPolicy") or {}).get("id") or "").lower()
            if params.get("type") != "WebApplicationFirewall" or not waf:
                continue
            for association in params.get("associations") or []:
                for domain in association.get("domains") or []:
                    out.setdefault(waf, []).extend(known.get(domain["id"].lower(), [domain["id"]]))
    return {k: tuple(dict.fromkeys(v for v in names if v)) for k, names in out.items()}


def _classic_links(az: Any, policies: list[dict]) -> dict[str, tuple[str, ...]]:
    """WAF policy id (lower case) -> ids, names and host names of the classic frontend endpoints it protects.

    Classic Front Door links a policy to frontend endpoints: the policy's ``frontendEndpointLinks`` and each
    endpoint's ``webApplicationFirewallPolicyLink``. The Front Doors are read only when a policy has such links.
    """
    out: dict[str, list[str]] = {}
    for policy in policies:
        for link in (policy.get("properties") or {}).get("frontendEndpointLinks") or []:
            if link.get("id"):
                out.setdefault(policy["id"].lower(), []).append(link["id"])
    if not out:
        return {}
    known: dict[str, list[str]] = {}
    for front_door in frontdoor.classic_front_doors(az):
        for endpoint in (front_door.get("properties") or {}).get("frontendEndpoints") or []:
            props = endpoint.get("properties") or {}
            known[endpoint["id"].lower()] = [endpoint["id"], endpoint.get("name"), props.get("hostName")]
            waf = ((props.get("webApplicationFirewallPolicyLink") or {}).get("id") or "").lower()
            if waf:
                out.setdefault(waf, []).append(endpoint["id"])
    return {policy: tuple(dict.fromkeys(name for rid in ids
                                        for name in known.get(rid.lower(), [rid, rid.rstrip("/").rsplit("/", 1)[-1]])
                                        if name))
            for policy, ids in out.items()}


def _afd_endpoints(az: Any, profile: str) -> list[dict]:
    return az.read("cdn", f"endpoints of Front Door profile {profile}",
                   lambda c: c.afd_endpoints.list_by_profile(az.resource_group, profile))
