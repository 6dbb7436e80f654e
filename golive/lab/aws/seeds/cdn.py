"""CloudFront: the distribution in front of the ALB, HTTPS only to viewers with TLSv1.3_2025 (TLS 1.3 only, as
runbook 000 asks; it needs a custom certificate, so the ALB's ACM certificate is the viewer certificate).
Broken: ``cdn-tls12`` (TLSv1.2_2021). Facts: distribution_id.
"""

from __future__ import annotations

import time

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {
    "cdn-tls12": "CloudFront viewer MinimumProtocolVersion TLSv1.2_2021 (viewers may use TLS 1.2)",
}

VIEWER_TLS = "TLSv1.3_2025"
VIEWER_TLS12 = "TLSv1.2_2021"


def seed(lab: Seeding) -> None:
    cloudfront = lab.client("cloudfront")
    origin = "silenttalk-alb"
    config = {
        "CallerReference": f"{PREFIX}-{time.time_ns()}", "Comment": f"{PREFIX} CDN", "Enabled": True,
        "Aliases": {"Quantity": 1, "Items": ["cdn.silenttalk.example"]},
        "Origins": {"Quantity": 1, "Items": [{
            "Id": origin, "DomainName": lab.facts["alb_dns"],
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only",
                                   "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]}}}]},
        "DefaultCacheBehavior": {"TargetOriginId": origin, "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6", "Compress": True},
        "ViewerCertificate": {"ACMCertificateArn": lab.facts["certificate_arn"], "SSLSupportMethod": "sni-only",
                              "CloudFrontDefaultCertificate": False,
                              "MinimumProtocolVersion": VIEWER_TLS12 if lab.broken(VARIANTS) else VIEWER_TLS},
        "HttpVersion": "http2and3", "PriceClass": "PriceClass_100",
    }
    dist = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]
    lab.facts.update(distribution_id=dist["Id"])
