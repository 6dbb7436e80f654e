"""TLS-ONLY's configured half proven both ways through the real providers' tls_policies() against the lab's
emulated clouds: ALB listener SslPolicy resolved by DescribeSSLPolicies and CloudFront (moto), App Service,
Front Door, Redis and PostgreSQL (ARM emulator), ingress-nginx/ALB ingress settings (Kubernetes emulator).
Passes on the compliant shapes with the TLS-ONLY section of profiles/local.yaml, and configuration-only (the live
half not applicable); on each broken variant the configuration alone fails naming the resource and the field read;
could-not-observe when a cloud API does not answer; a breach seen beside a blind read (a cloud down, an endpoint
unreachable) is non-compliant naming both. The live half runs against the compliant lab nginx."""

from __future__ import annotations

import http.cookiejar  # noqa: F401  (before pytester's in-process runs: see tests/monitoring_profiles.py)
from types import SimpleNamespace
from urllib.parse import urlsplit

import azure.mgmt.cdn  # noqa: F401
import azure.mgmt.postgresqlflexibleservers  # noqa: F401
import azure.mgmt.redis  # noqa: F401
import azure.mgmt.web  # noqa: F401
import kubernetes.client  # noqa: F401  (loaded once, not again in every in-process run)
import pytest
import requests  # noqa: F401
import sslyze  # noqa: F401
import yaml

import lab_providers
from gate import ROOT, profile_dict, run_gate
from golive.lab.runtime import free_port
from golive.probes import tls_policy
from golive.providers.aws.tls import distribution_policy, listener_policy
from golive.providers.kubernetes.tls import ingress_policy

ITEM = "TLS-ONLY"
LOCAL = yaml.safe_load((ROOT / "profiles" / "local.yaml").read_text(encoding="utf-8"))["items"][ITEM]


CONFIG_ONLY = {"not_applicable": "configuration-only profile: every item's cloud half, no live endpoint"}


def _gate(pytester, lab, lab_rt, providers, live: dict | None = None):
    """local.yaml's TLS-ONLY section with its endpoints replaced by this session's compliant lab nginx (or
    ``live``: CONFIG_ONLY, other endpoints)."""
    lab_rt.ca()
    if live is None:
        origin = urlsplit(lab("nginx", "compliant").endpoints["https"])
        live = {**LOCAL["live"], "endpoints": [{"name": "origin", "host": origin.hostname, "port": origin.port}]}
    profile = profile_dict({ITEM: {**LOCAL, "live": live}}, providers=providers,
                           trust={"ca_bundle": str(lab_rt.ca_file)})
    return run_gate(pytester, profile, "tls_only")


def test_local_profile_reads_the_declared_policies():
    assert LOCAL.get("configuration") == {}


@pytest.mark.xdist_group("tls-providers")
def test_compliant_clouds_pass_and_show_what_they_declare(pytester, lab, lab_rt):
    providers = {**lab_providers.aws(lab("aws")), **lab_providers.azure(lab("azure")),
                 **lab_providers.kubernetes(lab("kubernetes"))}
    result = _gate(pytester, lab, lab_rt, providers)
    assert result.verdict(ITEM) == "passed", result.output
    seen = result.attachments()
    for fragment in ("alb/silenttalk-production-alb:443", "ELBSecurityPolicy-TLS13-1-3-2021-06",
                     "DescribeSSLPolicies SslProtocols", "TLSv1.3_2025", "app/silenttalk-production-api",
                     "fd/silenttalk-frontdoor/silenttalk-api", "redis/silenttalk-redis",
                     "postgresql/silenttalk-postgres", "ingress/social-platform-production/social-platform",
                     "ingress/production/api-platform", "live endpoints no declared policy names"):
        assert fragment in seen, fragment


@pytest.mark.xdist_group("tls-providers")
def test_configuration_only_passes_on_compliant_clouds(pytester, lab, lab_rt):
    """Each half stands alone: no live endpoint, the three clouds' declared policies judged on their own."""
    providers = {**lab_providers.aws(lab("aws")), **lab_providers.azure(lab("azure")),
                 **lab_providers.kubernetes(lab("kubernetes"))}
    result = _gate(pytester, lab, lab_rt, providers, live=CONFIG_ONLY)
    assert result.verdict(ITEM) == "passed", result.output
    assert "TLS-ONLY live handshakes not applicable" in result.output
    seen = result.attachments()
    assert "alb/silenttalk-production-alb:443" in seen and "the declared policies were judged alone" in seen


@pytest.mark.xdist_group("tls-providers")
@pytest.mark.parametrize(("cloud", "variant", "reason"), [
    ("aws", "alb-tls13-1-2", "alb-listener alb/silenttalk-production-alb:443 (Protocol=HTTPS, "
                             "SslPolicy=ELBSecurityPolicy-TLS13-1-2-2021-06, SslProtocols=TLSv1.3 TLSv1.2) allows "
                             "TLSv1.2, TLSv1.3"),
    ("aws", "cdn-tls12", "ViewerCertificate.MinimumProtocolVersion=TLSv1.2_2021"),
    ("azure", "app-tls12", "app-service app/silenttalk-production-api (siteConfig.minTlsVersion=1.2"),
    ("azure", "afd-tls12", "front-door fd/silenttalk-frontdoor/silenttalk-api (tlsSettings.minimumTlsVersion=TLS12"),
    ("azure", "redis-non-ssl", "redis redis/silenttalk-redis (enableNonSslPort=True, minimumTlsVersion=1.0): "
                               "TLS required is off"),
    ("azure", "pg-insecure-transport", "postgresql postgresql/silenttalk-postgres (require_secure_transport=off, "
                                       "ssl_min_protocol_version=TLSv1.2): TLS required is off"),
    ("kubernetes", "ingress-tls12", "ingress ingress/social-platform-production/social-platform "
                                    "(ingressClassName=nginx, nginx.ingress.kubernetes.io/ssl-protocols=TLSv1.2 "
                                    "TLSv1.3) allows TLSv1.2, TLSv1.3"),
])
def test_each_broken_variant_fails_naming_resource_and_field(pytester, lab, lab_rt, cloud, variant, reason):
    """Configuration only: the declared policy is a finding without any live scan."""
    providers = getattr(lab_providers, cloud)(lab(cloud, variant))
    result = _gate(pytester, lab, lab_rt, providers, live=CONFIG_ONLY)
    assert result.verdict(ITEM) == "non-compliant" and result.ret == 1, result.output
    assert reason in result.messages(ITEM), result.messages(ITEM)


@pytest.mark.xdist_group("tls-providers")
def test_a_tls12_listener_is_reported_when_the_live_scan_cannot_connect(pytester, lab, lab_rt):
    """Issue 13: the policies read are judged; the unreachable endpoint (the live side of the reconciliation)
    is a blind spot beside the finding, never a reason to give up."""
    live = {**LOCAL["live"], "endpoints": [{"name": "down", "host": "127.0.0.1", "port": free_port()}]}
    result = _gate(pytester, lab, lab_rt, lab_providers.aws(lab("aws", "alb-tls13-1-2")), live=live)
    assert result.verdict(ITEM) == "non-compliant" and result.ret == 1, result.output
    messages = result.messages(ITEM)
    assert "SslPolicy=ELBSecurityPolicy-TLS13-1-2-2021-06" in messages and "TCP connect to 127.0.0.1" in messages
    assert result.summary["items"][ITEM]["blind_spots"], result.summary["items"][ITEM]


@pytest.mark.xdist_group("tls-providers")
def test_a_reader_denied_cloudfront_still_reports_the_listener_it_can_see(pytester, lab, lab_rt):
    """Per-read granularity: the denied read blinds CloudFront only; the ALB listener is still judged."""
    from golive.lab.aws.restricted import restricted_reader
    started = lab("aws", "alb-tls13-1-2")
    result = _gate(pytester, lab, lab_rt, lab_providers.aws(started, **restricted_reader(
        started, ["cloudfront:GET /2020-05-31/distribution"])), live=CONFIG_ONLY)
    assert result.verdict(ITEM) == "non-compliant" and result.ret == 1, result.output
    messages = result.messages(ITEM)
    assert "SslPolicy=ELBSecurityPolicy-TLS13-1-2-2021-06" in messages, messages
    assert "cloudfront:ListDistributions" in messages and "access denied" in messages, messages


@pytest.mark.xdist_group("tls-providers")
def test_a_cloud_down_does_not_hide_another_clouds_breach(pytester, lab, lab_rt):
    down = f"127.0.0.1:{free_port()}"
    providers = {**lab_providers.aws(lab("aws"), endpoint_url=f"http://{down}", timeout_s=1),
                 **lab_providers.azure(lab("azure", "app-tls12"))}
    result = _gate(pytester, lab, lab_rt, providers, live=CONFIG_ONLY)
    assert result.verdict(ITEM) == "non-compliant" and result.ret == 1, result.output
    messages = result.messages(ITEM)
    assert "siteConfig.minTlsVersion=1.2" in messages and "elbv2:DescribeLoadBalancers" in messages


@pytest.mark.xdist_group("tls-providers")
def test_unreachable_cloud_apis_are_could_not_observe(pytester, lab, lab_rt, tmp_path):
    down = f"127.0.0.1:{free_port()}"
    aws = _gate(pytester, lab, lab_rt, lab_providers.aws(lab("aws"), endpoint_url=f"http://{down}", timeout_s=1))
    assert aws.verdict(ITEM) == "could-not-observe", aws.output
    assert "elbv2:DescribeLoadBalancers" in aws.messages(ITEM) and "could not connect" in aws.messages(ITEM)

    azure = _gate(pytester, lab, lab_rt, lab_providers.azure(lab("azure"), arm_endpoint=f"https://{down}", timeout_s=1))
    assert azure.verdict(ITEM) == "could-not-observe", azure.output
    assert "could not be reached" in azure.messages(ITEM)

    started = lab("kubernetes")
    config = yaml.safe_load(open(started.endpoints["kubeconfig"], encoding="utf-8"))
    config["clusters"][0]["cluster"]["server"] = f"https://{down}"
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(config), encoding="utf-8")
    kube = _gate(pytester, lab, lab_rt, lab_providers.kubernetes(started, kubeconfig=str(kubeconfig)))
    assert kube.verdict(ITEM) == "could-not-observe", kube.output
    assert "cannot reach the API server" in kube.messages(ITEM)


# --- the mappings the emulators cannot show (pure) --------------------------------------------------------
def test_an_http_listener_policy_is_never_read_and_tls_listeners_are_nlb_records():
    lb = {"LoadBalancerName": "edge", "Type": "network", "DNSName": "edge.elb.amazonaws.com"}
    policy = listener_policy(lb, {"Protocol": "TLS", "Port": 443, "SslPolicy": "ELBSecurityPolicy-2016-08"},
                             ("TLSv1", "TLSv1.1", "TLSv1.2"))
    assert (policy.resource, policy.kind, policy.allowed) == ("nlb/edge:443", "nlb-listener",
                                                              ("TLSv1.0", "TLSv1.1", "TLSv1.2"))


def test_cloudfront_default_certificate_means_tlsv1_whatever_the_minimum_says():
    dist = {"Id": "E2ABC", "DomainName": "d1.cloudfront.net", "Aliases": {"Quantity": 0},
            "ViewerCertificate": {"CloudFrontDefaultCertificate": True, "MinimumProtocolVersion": "TLSv1.3_2025"}}
    policy = distribution_policy(dist)
    assert policy.hosts == ("d1.cloudfront.net",) and policy.allowed[0] == "TLSv1.0"
    [problem] = tls_policy.policy_problems([policy])
    assert "ignores MinimumProtocolVersion TLSv1.3_2025" in problem


def _ingress(klass, annotations, tls=True):
    meta = SimpleNamespace(namespace="prod", name="web", annotations=annotations)
    spec = SimpleNamespace(ingress_class_name=klass, rules=[SimpleNamespace(host="web.example")],
                           tls=[SimpleNamespace(hosts=["web.example"])] if tls else None)
    return SimpleNamespace(metadata=meta, spec=spec)


def test_ingress_defaults_are_the_controllers_defaults():
    nginx = ingress_policy(_ingress("nginx", {}))
    assert nginx.allowed == ("TLSv1.2", "TLSv1.3") and "ingress-nginx default" in nginx.declared["ssl-protocols"]
    alb = ingress_policy(_ingress("alb", {"alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:x"}, tls=False))
    assert alb.allowed == ("TLSv1.0", "TLSv1.1", "TLSv1.2") and "ELBSecurityPolicy-2016-08" in str(alb.declared)
    unknown = ingress_policy(_ingress("alb", {"alb.ingress.kubernetes.io/ssl-policy": "Custom-1"}))
    assert "declares neither a protocol list" in tls_policy.policy_problems([unknown])[0]
    assert ingress_policy(_ingress("nginx", {}, tls=False)) is None
