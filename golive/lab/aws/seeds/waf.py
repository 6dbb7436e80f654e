"""WAFv2: regional web ACL on the ALB with rate-based rules of runbook 000: 2000 requests per 5 minutes per IP,
and 1000 scoped down to /api; both Block with a custom 429 response; the AWS managed common rule set.
Facts: web_acl_arn. Broken variants change one thing each (WAF-429's configuration test names the field).
"""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {
    "waf-plain-block": "rate rules Block without CustomResponse, so over-limit clients get 403, not 429",
    "waf-limit-10000": "the general rate rule allows 10000 requests per 5 min per IP (runbook: 2000)",
    "waf-window-60s": "the /api rate rule counts over EvaluationWindowSec 60 (runbook: 1000 per 300 s)",
    "waf-not-associated": "the web ACL exists but is not associated with the ALB",
    "waf-count-mode": "rate rules in Count mode (detection only: nothing is blocked)",
}


def _visibility(name: str) -> dict:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def _block_429() -> dict:
    return {"Block": {"CustomResponse": {"ResponseCode": 429, "CustomResponseBodyKey": "too-many-requests"}}}


def rules(variant: str | None = None) -> list[dict]:
    api = {"ByteMatchStatement": {"SearchString": b"/api", "FieldToMatch": {"UriPath": {}},
                                  "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
                                  "PositionalConstraint": "STARTS_WITH"}}
    out = [
        {"Name": "rate-limit-per-ip", "Priority": 1, "Action": _block_429(),
         "Statement": {"RateBasedStatement": {"Limit": 2000, "EvaluationWindowSec": 300, "AggregateKeyType": "IP"}},
         "VisibilityConfig": _visibility("rate-limit-per-ip")},
        {"Name": "api-rate-limit", "Priority": 2, "Action": _block_429(),
         "Statement": {"RateBasedStatement": {"Limit": 1000, "EvaluationWindowSec": 300, "AggregateKeyType": "IP",
                                              "ScopeDownStatement": api}},
         "VisibilityConfig": _visibility("api-rate-limit")},
        {"Name": "aws-common-rule-set", "Priority": 10, "OverrideAction": {"None": {}},
         "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}},
         "VisibilityConfig": _visibility("aws-common-rule-set")},
    ]
    general, api = out[0], out[1]
    match variant:
        case "waf-plain-block":
            general["Action"] = api["Action"] = {"Block": {}}
        case "waf-limit-10000":
            general["Statement"]["RateBasedStatement"]["Limit"] = 10000
        case "waf-window-60s":
            api["Statement"]["RateBasedStatement"]["EvaluationWindowSec"] = 60
        case "waf-count-mode":
            general["Action"] = api["Action"] = {"Count": {}}
    return out


def seed(lab: Seeding) -> None:
    waf, variant = lab.client("wafv2"), lab.broken(VARIANTS)
    acl = waf.create_web_acl(
        Name=f"{PREFIX}-waf", Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=rules(variant),
        VisibilityConfig=_visibility(f"{PREFIX}-waf"),
        CustomResponseBodies={"too-many-requests": {"ContentType": "APPLICATION_JSON",
                                                    "Content": '{"error":"too many requests"}'}})["Summary"]
    if variant != "waf-not-associated":
        waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=lab.facts["alb_arn"])
    lab.facts.update(web_acl_arn=acl["ARN"])
