"""CloudFront: the distribution in front of the ALB, HTTPS only to viewers with TLSv1.3_2025 (TLS 1.3 only, as
runbook 000 asks; it needs a custom certificate, so the ALB's ACM certificate is the viewer certificate).
Cache behaviors: ``/static/*`` and the default use AWS's managed CachingOptimized policy (TTLs 1 s / 1 day /
1 year, compressed), ``/api/*`` CachingDisabled (API answers are not cached).
Broken: ``cdn-tls12`` (TLSv1.2_2021), ``cdn-no-cache`` (``/static/*`` with CachingDisabled). Facts: distribution_id.
"""

from __future__ import annotations

import time

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {
    "cdn-tls12": "CloudFront viewer MinimumProtocolVersion TLSv1.2_2021 (viewers may use TLS 1.2)",
    "cdn-no-cache": "CloudFront /static/* cache behavior uses Managed-CachingDisabled (TTLs 0: nothing cached)",
}

VIEWER_TLS = "TLSv1.3_2025"
VIEWER_TLS12 = "TLSv1.2_2021"
#: AWS-managed cache policies (the same ids in every account)
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def seed(lab: Seeding) -> None:
    cloudfront = lab.client("cloudfront")
    origin = "silenttalk-alb"
    static_policy = CACHING_DISABLED if lab.variant == "cdn-no-cache" else CACHING_OPTIMIZED
    behaviors = [{"PathPattern": pattern, "TargetOriginId": origin, "ViewerProtocolPolicy": "redirect-to-https",
                  "CachePolicyId": policy, "Compress": True}
                 for pattern, policy in (("/static/*", static_policy), ("/api/*", CACHING_DISABLED))]
    config = {
        "CallerReference": f"{PREFIX}-{time.time_ns()}", "Comment": f"{PREFIX} CDN", "Enabled": True,
        "Aliases": {"Quantity": 1, "Items": ["cdn.silenttalk.example"]},
        "Origins": {"Quantity": 1, "Items": [{
            "Id": origin, "DomainName": lab.facts["alb_dns"],
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only",
                                   "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]}}}]},
        "DefaultCacheBehavior": {"TargetOriginId": origin, "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": CACHING_OPTIMIZED, "Compress": True},
        "CacheBehaviors": {"Quantity": len(behaviors), "Items": behaviors},
        "ViewerCertificate": {"ACMCertificateArn": lab.facts["certificate_arn"], "SSLSupportMethod": "sni-only",
                              "CloudFrontDefaultCertificate": False,
                              "MinimumProtocolVersion": VIEWER_TLS12 if lab.variant == "cdn-tls12" else VIEWER_TLS},
        "HttpVersion": "http2and3", "PriceClass": "PriceClass_100",
    }
    dist = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]
    lab.facts.update(distribution_id=dist["Id"])
