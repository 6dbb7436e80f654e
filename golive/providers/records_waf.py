"""WAF-429 records: web ACLs / WAF policies and their rate rules, as every provider returns them.

``providers.gather("waf_acls")`` returns ``list[WafAcl]``. Each provider maps its API onto these fields
(the mapping is the provider's job, so golive/waf_rules.py compares one shape for every cloud):

AWS WAFv2 (``wafv2:ListWebACLs``/``GetWebACL`` for REGIONAL and CLOUDFRONT, ``ListResourcesForWebACL``):
  a ``RateBasedStatement`` rule -> RateRule(limit=Limit, window_s=EvaluationWindowSec (300 when absent),
  aggregate=AggregateKeyType, scope_path=the ``ByteMatchStatement`` on ``UriPath`` of its ScopeDownStatement,
  action=Block|Count|Captcha|Challenge, response_code=Action.Block.CustomResponse.ResponseCode or None,
  priority=Priority); mode "Prevention" (a Count rule is Count, not a Detection ACL);
  managed_groups=the ``ManagedRuleGroupStatement`` names; an Allow rule -> AllowRule.
Azure Front Door / Application Gateway WAF policy: a ``RateLimitRule`` custom rule -> RateRule(limit=
  rateLimitThreshold, window_s=rateLimitDurationInMinutes*60, aggregate "IP" for SocketAddr/RemoteAddr
  grouping, scope_path from a RequestUri/RequestPath match condition, action=Block|Log|Redirect,
  response_code=policySettings.customBlockResponseStatusCode or None); mode=policySettings.mode
  ("Prevention"|"Detection"); managed_groups=managedRules.managedRuleSets ruleSetType (e.g.
  "Microsoft_DefaultRuleSet", "Microsoft_BotManagerRuleSet"); associated_with=the linked endpoints/gateways.
Kubernetes ingress-nginx annotations: ``limit-rpm``/``limit-rps`` -> RateRule(window_s=60/1, aggregate "IP",
  response_code=the controller's ``limit-req-status-code``, default 503), mode "Prevention".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RateRule:
    """One rate-based rule as configured.

    acl: the web ACL / WAF policy / ingress holding it
    limit: requests per window per aggregate key
    window_s: the evaluation window in seconds
    aggregate: what is counted per key: "IP", "FORWARDED_IP", "CUSTOM_KEYS", "CONSTANT"
    scope_path: the path prefix the rule is scoped down to ("/api"); None when it counts every path
    action: "Block", "Count", "Captcha", "Challenge", "Log", ... as the platform names it
    response_code: the status a blocked client gets when set explicitly (AWS CustomResponse.ResponseCode,
        Azure customBlockResponseStatusCode); None when not set: then a Block answers the platform
        default, 403 on AWS and Azure
    priority: evaluation order, lowest first
    source: the API fields read, for evidence
    """

    acl: str
    name: str
    limit: int
    window_s: int
    aggregate: str
    scope_path: str | None
    action: str
    response_code: int | None
    priority: int
    source: str = ""


@dataclass(frozen=True)
class AllowRule:
    """A rule that lets matching requests through before later rules see them (AWS Allow, Azure Allow).

    scope_path: the path prefix it matches; None when it matches every request (a broad allow)
    """

    acl: str
    name: str
    priority: int
    scope_path: str | None
    source: str = ""


@dataclass(frozen=True)
class WafAcl:
    """One web ACL / WAF policy.

    scope: "REGIONAL", "CLOUDFRONT", "FrontDoor", "ApplicationGateway", "ingress"
    associated_with: every name and identifier of the resources it protects (ARN *and* name, endpoint
        host *and* resource name), so a profile may name either
    mode: "Prevention" (blocks) or "Detection" (only logs)
    managed_groups: names of the managed rule groups/sets it runs
    """

    name: str
    scope: str
    associated_with: tuple[str, ...]
    mode: str
    managed_groups: tuple[str, ...]
    rules: tuple[RateRule, ...]
    allow_rules: tuple[AllowRule, ...] = ()
    provider: str = ""
    source: str = ""
    where: str = ""  # the target it was read in, when the profile names several (issue 18)
