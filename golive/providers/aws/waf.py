"""WAF-429 on AWS: WAFv2 web ACLs of both scopes, their rate-based rules and what they protect.

- REGIONAL (the profile's region): ``wafv2:ListWebACLs``/``GetWebACL``; association through
  ``wafv2:ListResourcesForWebACL`` for each resource type that takes a regional web ACL (ALB, API Gateway stage,
  AppSync, Cognito, App Runner, Verified Access): the ARNs, plus the ALB's name read from its ARN.
- CLOUDFRONT (always us-east-1): ``wafv2:ListWebACLs``/``GetWebACL``; association through
  ``cloudfront:ListDistributions`` ``DistributionSummary.WebACLId`` (AWS documents that ListResourcesForWebACL
  does not answer for CloudFront): the distribution's ARN, id, domain name and aliases.
The mapping onto WafAcl/RateRule/AllowRule is golive/providers/records_waf.py's docstring.
"""

from __future__ import annotations

from typing import Any

from golive.providers.records_waf import AllowRule, RateRule, WafAcl
from golive.verdict import CouldNotObserve, Records, each

PROVIDES = ("waf_acls",)

CLOUDFRONT_REGION = "us-east-1"
#: resource types a REGIONAL web ACL can be associated with (wafv2 ListResourcesForWebACL ResourceType)
REGIONAL_RESOURCE_TYPES = ("APPLICATION_LOAD_BALANCER", "API_GATEWAY", "APPSYNC", "COGNITO_USER_POOL",
                           "APP_RUNNER_SERVICE", "VERIFIED_ACCESS_INSTANCE")
DEFAULT_WINDOW_S = 300  # EvaluationWindowSec when a rate-based statement does not say
ACTIONS = ("Block", "Count", "Captcha", "Challenge", "Allow")


def waf_acls(aws: Any) -> Records:
    """Both scopes, each web ACL and each association read on its own: a read that fails blinds only its part
    (an ACL whose associations are partly unread is kept, with the associations that were read)."""
    return each((("REGIONAL", None), ("CLOUDFRONT", CLOUDFRONT_REGION)), lambda sr: _scope_acls(aws, *sr))


def _scope_acls(aws: Any, scope: str, region: str | None) -> Records:
    out = Records()
    summaries = _list_web_acls(aws, scope, region)
    distributions: dict[str, list[str]] = {}
    if summaries and scope == "CLOUDFRONT":
        try:
            distributions = _distributions_by_acl(aws)
        except CouldNotObserve as exc:
            out.blind.extend(exc.blind)
    out.add(each(summaries, lambda summary: _scope_acl(aws, scope, region, summary, distributions)))
    return out


def _scope_acl(aws: Any, scope: str, region: str | None, summary: dict[str, Any],
               distributions: dict[str, list[str]]) -> Records:
    acl = aws.read("wafv2", "GetWebACL", region=region, Name=summary["Name"], Id=summary["Id"], Scope=scope)["WebACL"]
    if scope == "REGIONAL":
        found = _regional_resources(aws, acl["ARN"])
        bound, how = list(found), "wafv2:ListResourcesForWebACL ResourceArns"
    else:
        found = Records()
        bound = distributions.get(acl["ARN"], []) + distributions.get(acl.get("Id", ""), [])
        how = "cloudfront:ListDistributions DistributionSummary.WebACLId"
    return Records([web_acl(acl, scope, tuple(dict.fromkeys(bound)), how)], found.blind)


def web_acl(acl: dict[str, Any], scope: str, associated_with: tuple[str, ...], how: str = "") -> WafAcl:
    """One GetWebACL ``WebACL`` as a WafAcl record (pure; ``associated_with`` is read by the caller)."""
    name, rules, allows, managed = acl["Name"], [], [], []
    for rule in acl.get("Rules", []):
        statement = rule.get("Statement") or {}
        if "ManagedRuleGroupStatement" in statement:
            managed.append(statement["ManagedRuleGroupStatement"]["Name"])
            continue
        action = _action(rule.get("Action"))
        rate = statement.get("RateBasedStatement")
        if rate is not None:
            block = (rule.get("Action") or {}).get("Block") or {}
            rules.append(RateRule(
                acl=name, name=rule["Name"], limit=int(rate["Limit"]),
                window_s=int(rate.get("EvaluationWindowSec") or DEFAULT_WINDOW_S),
                aggregate=rate.get("AggregateKeyType", "IP"), scope_path=_uri_path(rate.get("ScopeDownStatement")),
                action=action, response_code=(block.get("CustomResponse") or {}).get("ResponseCode"),
                priority=int(rule["Priority"]),
                source="wafv2:GetWebACL Rules[].Statement.RateBasedStatement (Limit, EvaluationWindowSec, "
                       "AggregateKeyType, ScopeDownStatement), Rules[].Action.Block.CustomResponse.ResponseCode"))
        elif action == "Allow" and _only_path_match(statement):
            allows.append(AllowRule(acl=name, name=rule["Name"], priority=int(rule["Priority"]),
                                    scope_path=_uri_path(statement),
                                    source="wafv2:GetWebACL Rules[].Action.Allow, ByteMatchStatement on UriPath"))
    return WafAcl(name=name, scope=scope, associated_with=associated_with, mode="Prevention",
                  managed_groups=tuple(managed), rules=tuple(rules), allow_rules=tuple(allows), provider="aws",
                  source=f"wafv2:GetWebACL ({scope}); associated: {how}")


def _list_web_acls(aws: Any, scope: str, region: str | None) -> list[dict[str, Any]]:
    found, marker = [], None
    while True:
        page = aws.read("wafv2", "ListWebACLs", region=region, Scope=scope, Limit=100,
                        **({"NextMarker": marker} if marker else {}))
        found += page.get("WebACLs", [])
        marker = page.get("NextMarker")
        if not marker or not page.get("WebACLs"):
            return found


def _regional_resources(aws: Any, acl_arn: str) -> Records:
    """What a regional ACL protects, one resource type at a time (a type the account or region cannot list is a
    blind spot; the others still count)."""
    def of_type(resource_type: str) -> list[str]:
        out = []
        for arn in aws.read("wafv2", "ListResourcesForWebACL", WebACLArn=acl_arn,
                            ResourceType=resource_type).get("ResourceArns", []):
            out.append(arn)
            if ":loadbalancer/app/" in arn:  # arn:...:loadbalancer/app/<name>/<id>
                out.append(arn.split(":loadbalancer/app/", 1)[1].split("/", 1)[0])
        return out
    return each(REGIONAL_RESOURCE_TYPES, of_type)


def _distributions_by_acl(aws: Any) -> dict[str, list[str]]:
    listing = aws.read("cloudfront", "ListDistributions", region=CLOUDFRONT_REGION).get("DistributionList", {})
    out: dict[str, list[str]] = {}
    for dist in listing.get("Items") or []:
        if dist.get("WebACLId"):
            names = [dist["ARN"], dist["Id"], dist["DomainName"], *(dist.get("Aliases", {}).get("Items") or [])]
            out.setdefault(dist["WebACLId"], []).extend(names)
    return out


def _action(action: dict[str, Any] | None) -> str:
    return next((name for name in ACTIONS if name in (action or {})), "none")


def _byte_matches(statement: dict[str, Any] | None) -> list[dict[str, Any]]:
    """ByteMatchStatements on UriPath in a statement, through And/Or (not Not: a negated path is no scope)."""
    if not statement:
        return []
    if "ByteMatchStatement" in statement:
        match = statement["ByteMatchStatement"]
        return [match] if "UriPath" in (match.get("FieldToMatch") or {}) else []
    nested = (statement.get("AndStatement") or statement.get("OrStatement") or {}).get("Statements", [])
    return [m for s in nested for m in _byte_matches(s)]


def _uri_path(statement: dict[str, Any] | None) -> str | None:
    """The path prefix a scope-down statement restricts to ("/api"); None when it does not restrict the path."""
    for match in _byte_matches(statement):
        if match.get("PositionalConstraint") in ("STARTS_WITH", "EXACTLY", "CONTAINS"):
            return _text(match.get("SearchString")) or None
    return None


def _only_path_match(statement: dict[str, Any]) -> bool:
    return "ByteMatchStatement" in statement and bool(_byte_matches(statement))


def _text(value: Any) -> str:
    """SearchString as boto3 gives it (a blob: bytes)."""
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value or "")
