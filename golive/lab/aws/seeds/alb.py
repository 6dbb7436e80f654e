"""ALB: in the three public subnets, HTTPS with ELBSecurityPolicy-TLS13-1-3-2021-06 (TLS 1.3 only) and an
HTTP listener that redirects to HTTPS. Broken: ``alb-tls13-1-2`` (a TLS13 policy that still allows TLS 1.2:
the name is not the answer, the policy's SslProtocols are). Facts: alb_arn, alb_dns, alb_dimension,
tg_server_arn, tg_client_arn, certificate_arn.
"""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {
    "alb-tls13-1-2": "ALB HTTPS listener uses ELBSecurityPolicy-TLS13-1-2-2021-06 (SslProtocols TLSv1.2, TLSv1.3)",
}

TLS13_ONLY = "ELBSecurityPolicy-TLS13-1-3-2021-06"
TLS13_ALSO_12 = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def seed(lab: Seeding) -> None:
    elb, acm = lab.client("elbv2"), lab.client("acm")
    cert = acm.request_certificate(DomainName="api.silenttalk.example", ValidationMethod="DNS",
                                   SubjectAlternativeNames=["silenttalk.example", "*.silenttalk.example"])
    alb = elb.create_load_balancer(Name=f"{PREFIX}-alb", Subnets=lab.facts["public_subnets"],
                                   SecurityGroups=[lab.facts["sg_alb"]], Scheme="internet-facing",
                                   Type="application", IpAddressType="ipv4")["LoadBalancers"][0]
    groups = {}
    for name, port in (("server", 3000), ("client", 3001)):
        groups[name] = elb.create_target_group(
            Name=f"{PREFIX}-{name}-tg"[:32], Protocol="HTTP", Port=port, VpcId=lab.facts["vpc_id"],
            TargetType="ip", HealthCheckPath="/health" if name == "server" else "/client/health",
            HealthCheckIntervalSeconds=30, HealthyThresholdCount=2, UnhealthyThresholdCount=3,
        )["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(LoadBalancerArn=alb["LoadBalancerArn"], Protocol="HTTPS", Port=443,
                        SslPolicy=TLS13_ALSO_12 if lab.broken(VARIANTS) else TLS13_ONLY,
                        Certificates=[{"CertificateArn": cert["CertificateArn"]}],
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": groups["server"]}])
    elb.create_listener(LoadBalancerArn=alb["LoadBalancerArn"], Protocol="HTTP", Port=80, DefaultActions=[
        {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])
    lab.facts.update(alb_arn=alb["LoadBalancerArn"], alb_dns=alb["DNSName"],
                     alb_dimension=alb["LoadBalancerArn"].split(":loadbalancer/", 1)[1],
                     tg_server_arn=groups["server"], tg_client_arn=groups["client"],
                     certificate_arn=cert["CertificateArn"])
