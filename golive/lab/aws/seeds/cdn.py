"""CloudFront: the distribution in front of the ALB, HTTPS only to viewers with TLSv1.2_2021 (TLSv1.3_2025
needs a custom certificate; runbook 000 asks for the best the CDN allows). Facts: distribution_id.
"""

from __future__ import annotations

import time

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {}

VIEWER_TLS = "TLSv1.2_2021"


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
                              "MinimumProtocolVersion": VIEWER_TLS},
        "HttpVersion": "http2and3", "PriceClass": "PriceClass_100",
    }
    dist = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]
    lab.facts.update(distribution_id=dist["Id"])
