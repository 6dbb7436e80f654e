"""WAFv2: regional web ACL on the ALB with rate-based rules of runbook 000: 2000 requests per 5 minutes per IP,
and 1000 scoped down to /api; both Block with a custom 429 response. Facts: web_acl_arn.
"""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {}


def _visibility(name: str) -> dict:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def _block_429() -> dict:
    return {"Block": {"CustomResponse": {"ResponseCode": 429, "CustomResponseBodyKey": "too-many-requests"}}}


def rules() -> list[dict]:
    api = {"ByteMatchStatement": {"SearchString": b"/api", "FieldToMatch": {"UriPath": {}},
                                  "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
                                  "PositionalConstraint": "STARTS_WITH"}}
    return [
        {"Name": "rate-limit-per-ip", "Priority": 1, "Action": _block_429(),
         "Statement": {"RateBasedStatement": {"Limit": 2000, "EvaluationWindowSec": 300, "AggregateKeyType": "IP"}},
         "VisibilityConfig": _visibility("rate-limit-per-ip")},
        {"Name": "api-rate-limit", "Priority": 2, "Action": _block_429(),
         "Statement": {"RateBasedStatement": {"Limit": 1000, "EvaluationWindowSec": 300, "AggregateKeyType": "IP",
                                              "ScopeDownStatement": api}},
         "VisibilityConfig": _visibility("api-rate-limit")},
    ]


def seed(lab: Seeding) -> None:
    waf = lab.client("wafv2")
    acl = waf.create_web_acl(
        Name=f"{PREFIX}-waf", Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=rules(),
        VisibilityConfig=_visibility(f"{PREFIX}-waf"),
        CustomResponseBodies={"too-many-requests": {"ContentType": "APPLICATION_JSON",
                                                    "Content": '{"error":"too many requests"}'}})["Summary"]
    waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=lab.facts["alb_arn"])
    lab.facts.update(web_acl_arn=acl["ARN"])
