"""The profile: one environment's targets, thresholds, providers and waivers, validated strictly."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from golive.profile.base import NotApplicable, SecretRef, Section
from golive.profile.items.alarms import AlarmsSection
from golive.profile.items.autoscaling import AutoscalingSection
from golive.profile.items.backups import BackupsSection
from golive.profile.items.cdn import CdnSection
from golive.profile.items.dashboards import DashboardsSection
from golive.profile.items.health import HealthSection
from golive.profile.items.latency_p95 import LatencyP95Section
from golive.profile.items.log_retention import LogRetentionSection
from golive.profile.items.logs_flowing import LogsFlowingSection
from golive.profile.items.multi_az import MultiAzSection
from golive.profile.items.rollout import RolloutSection
from golive.profile.items.sec_headers import SecHeadersSection
from golive.profile.items.secrets import SecretsSection
from golive.profile.items.smoke import SmokeSection
from golive.profile.items.tls_only import TlsOnlySection
from golive.profile.items.turn import TurnSection
from golive.profile.items.waf_429 import Waf429Section
from golive.profile.items.websocket import WebsocketSection
from golive.profile.watch import WatchSection
from golive.registry import BY_ID


class Trust(Section):
    ca_bundle: Path | None = Field(default=None, description="PEM trust store of every probe that speaks TLS "
                                   "(health, headers, CDN, WAF burst, sampler, TLS-ONLY, TURN TLS), trusted as "
                                   "OpenSSL and curl trust it; the system store when absent")


AWS_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


class AwsProvider(Section):
    region: str = Field(pattern=AWS_REGION.pattern)
    profile: str | None = Field(default=None, description="AWS profile name; the default credential chain when absent")
    endpoint_url: str | None = Field(default=None, description="emulator endpoint (lab only)")
    credentials_file: Path | None = Field(default=None, description="shared credentials file to read instead of "
                                                                    "~/.aws/credentials (the lab's fake keys)")
    max_attempts: int = Field(default=5, ge=1, le=20, description="botocore 'standard' retry mode attempts")
    timeout_s: float = Field(default=10.0, gt=0, le=120, description="connect and read timeout of each API call")

    @property
    def field(self) -> str:
        """Where this account sits in the profile, for messages that say what to fix."""
        return "providers.aws"


class AzureProvider(Section):
    """One subscription and resource group in one Azure cloud; credentials come from DefaultAzureCredential."""

    subscription_id: str = Field(pattern=r"^[0-9a-fA-F-]{36}$")
    resource_group: str = Field(min_length=1)
    cloud: Literal["public", "usgovernment", "china", "custom"] = Field(
        default="public", description="the Azure cloud: public, usgovernment, china, or custom (an ARM-compatible "
                                      "endpoint such as Azure Stack Hub: give arm_endpoint, authority_host, audience)")
    arm_endpoint: str | None = Field(default=None, pattern=r"^https://", description="ARM endpoint of a custom cloud")
    authority_host: str | None = Field(default=None, pattern=r"^https://",
                                       description="Microsoft Entra authority of a custom cloud")
    audience: str | None = Field(default=None, min_length=1, description="token audience of a custom cloud's ARM "
                                                                         "(the credential scope is <audience>/.default)")
    logs_endpoint: str | None = Field(default=None, pattern=r"^https://",
                                      description="Log Analytics query endpoint of a custom cloud (LOGS-FLOWING; "
                                                  "its token audience is the cloud's audience)")
    ca_bundle: Path | None = None
    timeout_s: float = Field(default=20.0, gt=0, le=120, description="connect and read timeout of each ARM request")
    max_retries: int = Field(default=4, ge=0, le=20, description="retries of throttled (429) and failed requests")

    @property
    def field(self) -> str:
        """Where this subscription sits in the profile, for messages that say what to fix."""
        return "providers.azure"

    @model_validator(mode="before")
    @classmethod
    def _removed_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and "lab_token" in data:
            raise ValueError("lab_token is gone: credentials come from DefaultAzureCredential only (the lab's "
                             "emulator serves a managed-identity token endpoint); remove the key")
        if isinstance(data, dict) and "base_url" in data:
            raise ValueError("base_url is gone: name the cloud instead (cloud: custom with arm_endpoint, "
                             "authority_host and audience)")
        return data

    @model_validator(mode="after")
    def _custom_cloud(self) -> AzureProvider:
        fields = ("arm_endpoint", "authority_host", "audience")
        if self.cloud == "custom":
            missing = [name for name in fields if getattr(self, name) is None]
            if missing:
                raise ValueError(f"cloud: custom needs {', '.join(missing)} (the ARM endpoint, the Entra authority "
                                 f"and the token audience of that cloud)")
        else:
            given = [name for name in (*fields, "logs_endpoint") if getattr(self, name) is not None]
            if given:
                raise ValueError(f"{', '.join(given)} apply only to cloud: custom; cloud {self.cloud} has its own")
        return self


class KubernetesProvider(Section):
    """A cluster through its kubeconfig (or the in-cluster service account), reading only the namespaces named."""

    kubeconfig: Path | None = Field(default=None, description="kubeconfig file; $KUBECONFIG or ~/.kube/config when "
                                                               "absent (and in_cluster is false)")
    context: str | None = Field(default=None, description="kubeconfig context; its current-context when absent")
    in_cluster: bool = Field(default=False, description="use the pod's service account (golive runs in the cluster)")
    namespaces: list[str] = Field(min_length=1, description="namespaces the checks read (one list call each)")
    velero_namespace: str = Field(default="velero", description="where Velero's Schedules and Backups live")
    timeout_s: float = Field(default=10.0, gt=0, le=120, description="timeout of each API request")
    page_size: int = Field(default=500, ge=1, le=5000, description="list page size (limit/continue)")
    max_attempts: int = Field(default=4, ge=1, le=10, description="attempts per request when throttled (429/503)")

    @property
    def field(self) -> str:
        """Where this cluster sits in the profile, for messages that say what to fix."""
        return "providers.kubernetes"

    @model_validator(mode="after")
    def _one_source(self) -> KubernetesProvider:
        if self.in_cluster and self.kubeconfig is not None:
            raise ValueError("give either kubeconfig or in_cluster: true, not both")
        return self


TARGET_NAME = r"^[a-z0-9][a-z0-9._-]*$"  # how findings and profile entries address a target ("prod-eu/...")


class AwsTarget(AwsProvider):
    """One AWS account among several (``providers.aws_targets``): its credentials (a profile, a credentials file,
    or a read-only role assumed from the standard chain) and the regions read in it."""

    name: str = Field(pattern=TARGET_NAME, description="how findings and profile entries address this account")
    regions: list[str] = Field(default_factory=list, description="regions read in this account; [region] when "
                                                                   "empty (region is also where STS is called)")
    role_arn: str | None = Field(default=None, pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$",
                                 description="a reader role to assume (sts:AssumeRole) with the chain's credentials")
    external_id: str | None = Field(default=None, min_length=2, description="the role's sts:ExternalId condition")
    session_name: str = Field(default="golive", pattern=r"^[\w+=,.@-]{2,64}$",
                              description="RoleSessionName, as CloudTrail shows the session")

    @property
    def field(self) -> str:
        return f"providers.aws_targets[{self.name}]"

    @model_validator(mode="after")
    def _regions(self) -> AwsTarget:
        bad = [r for r in self.regions if not AWS_REGION.match(r)]
        if bad:
            raise ValueError(f"aws_targets[{self.name}].regions: {', '.join(bad)} are not AWS region names")
        if self.external_id is not None and self.role_arn is None:
            raise ValueError(f"aws_targets[{self.name}]: external_id needs role_arn (it is sent with AssumeRole)")
        return self

    def read_regions(self) -> list[str]:
        return list(dict.fromkeys(self.regions or [self.region]))


class AzureTarget(AzureProvider):
    """One Azure subscription (and resource group) among several (``providers.azure_targets``)."""

    name: str = Field(pattern=TARGET_NAME, description="how findings and profile entries address this subscription")

    @property
    def field(self) -> str:
        return f"providers.azure_targets[{self.name}]"


class KubernetesTarget(KubernetesProvider):
    """One cluster (kubeconfig context) among several (``providers.kubernetes_targets``)."""

    name: str = Field(pattern=TARGET_NAME, description="how findings and profile entries address this cluster")

    @property
    def field(self) -> str:
        return f"providers.kubernetes_targets[{self.name}]"


class Providers(Section):
    """The clouds read. One target per cloud (``aws``, ``azure``, ``kubernetes``) or several (``*_targets``, each
    with a ``name``): records and findings of a cloud with several targets are prefixed ``<name>/`` (AWS:
    ``<name>/<region>``), and profile entries may address one target as ``<name>/<resource>``."""

    aws: AwsProvider | None = None
    azure: AzureProvider | None = None
    kubernetes: KubernetesProvider | None = None
    aws_targets: list[AwsTarget] = Field(default_factory=list, description="several AWS accounts/regions")
    azure_targets: list[AzureTarget] = Field(default_factory=list, description="several Azure subscriptions")
    kubernetes_targets: list[KubernetesTarget] = Field(default_factory=list, description="several clusters")

    @model_validator(mode="after")
    def _one_way_per_cloud(self) -> Providers:
        for cloud in ("aws", "azure", "kubernetes"):
            targets = getattr(self, f"{cloud}_targets")
            if targets and getattr(self, cloud) is not None:
                raise ValueError(f"give providers.{cloud} (one target) or providers.{cloud}_targets (several), "
                                 f"not both")
            names = [t.name for t in targets]
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise ValueError(f"providers.{cloud}_targets names {', '.join(twice)} twice; names address targets")
        return self


MAX_WAIVER_DAYS = 366  # a known non-compliance is accepted for a while, not for ever


class Waiver(Section):
    item: str
    reason: str = Field(min_length=3)
    ticket: str = Field(min_length=2)
    expires: dt.date

    @model_validator(mode="after")
    def _known_item(self) -> Waiver:
        if self.item not in BY_ID:
            raise ValueError(f"waiver names unknown checklist item {self.item!r}; known: {', '.join(sorted(BY_ID))}")
        latest = dt.date.today() + dt.timedelta(days=MAX_WAIVER_DAYS)
        if self.expires > latest:
            raise ValueError(f"waiver for {self.item} expires {self.expires}; a waiver lasts at most {MAX_WAIVER_DAYS} "
                             f"days (until {latest}): renew it under its ticket instead")
        return self


def _section(kind: type[Section]) -> Any:
    return Field(default=None, alias=_ALIASES[kind])


def _which(value: Any) -> str:
    has_reason = isinstance(value, dict | NotApplicable) and (
        isinstance(value, NotApplicable) or "not_applicable" in value)
    return "not-applicable" if has_reason else "section"


def _or_not_applicable(kind: type[Section]) -> Any:
    """The item's section, or ``{not_applicable: reason}``; errors name the branch the user meant."""
    return Annotated[Annotated[kind, Tag("section")] | Annotated[NotApplicable, Tag("not-applicable")],
                     Discriminator(_which)]


_ALIASES: dict[type[Section], str] = {
    HealthSection: "HEALTH", TlsOnlySection: "TLS-ONLY", SecHeadersSection: "SEC-HEADERS", CdnSection: "CDN",
    RolloutSection: "ROLLOUT", LogsFlowingSection: "LOGS-FLOWING", DashboardsSection: "DASHBOARDS",
    Waf429Section: "WAF-429", MultiAzSection: "MULTI-AZ", BackupsSection: "BACKUPS", AlarmsSection: "ALARMS",
    SecretsSection: "SECRETS", LogRetentionSection: "LOG-RETENTION", TurnSection: "TURN",
    LatencyP95Section: "LATENCY-P95", AutoscalingSection: "AUTOSCALING",
    WebsocketSection: "WEBSOCKET", SmokeSection: "SMOKE",
}


class Items(Section):
    """Per checklist item: its section, ``{not_applicable: reason}``, or absent (then the check fails closed)."""

    health: _or_not_applicable(HealthSection) | None = _section(HealthSection)
    rollout: _or_not_applicable(RolloutSection) | None = _section(RolloutSection)
    tls_only: _or_not_applicable(TlsOnlySection) | None = _section(TlsOnlySection)
    sec_headers: _or_not_applicable(SecHeadersSection) | None = _section(SecHeadersSection)
    cdn: _or_not_applicable(CdnSection) | None = _section(CdnSection)
    waf_429: _or_not_applicable(Waf429Section) | None = _section(Waf429Section)
    multi_az: _or_not_applicable(MultiAzSection) | None = _section(MultiAzSection)
    backups: _or_not_applicable(BackupsSection) | None = _section(BackupsSection)
    alarms: _or_not_applicable(AlarmsSection) | None = _section(AlarmsSection)
    dashboards: _or_not_applicable(DashboardsSection) | None = _section(DashboardsSection)
    secrets: _or_not_applicable(SecretsSection) | None = _section(SecretsSection)
    log_retention: _or_not_applicable(LogRetentionSection) | None = _section(LogRetentionSection)
    logs_flowing: _or_not_applicable(LogsFlowingSection) | None = _section(LogsFlowingSection)
    turn: _or_not_applicable(TurnSection) | None = _section(TurnSection)
    latency_p95: _or_not_applicable(LatencyP95Section) | None = _section(LatencyP95Section)
    autoscaling: _or_not_applicable(AutoscalingSection) | None = _section(AutoscalingSection)
    websocket: _or_not_applicable(WebsocketSection) | None = _section(WebsocketSection)
    smoke: _or_not_applicable(SmokeSection) | None = _section(SmokeSection)

    def get(self, item_id: str) -> Section | None:
        return getattr(self, item_id.lower().replace("-", "_"))


class Profile(Section):
    """One environment. Every number in it comes from a runbook in shared/seeds/."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = ""
    runbooks: list[Literal["000", "001", "002", "003", "004"]] = Field(min_length=1)
    lab: bool = Field(default=False, description="start the embedded lab for this run")
    load: bool = Field(default=False, description="let -m production run the items marked load")
    waf_burst: bool = Field(default=False, description="allow the live WAF burst (it blocks the caller's IP)")
    trust: Trust = Trust()
    secrets: dict[str, SecretRef] = Field(default_factory=dict)
    providers: Providers = Providers()
    waivers: list[Waiver] = Field(default_factory=list)
    items: Items
    watch: WatchSection | None = Field(default=None, description="`golive watch`: the post-deploy watch "
                                        "against the runbooks' rollback triggers")

    @model_validator(mode="before")
    @classmethod
    def _empty_blocks_are_defaults(cls, data: Any) -> Any:
        """``providers:`` with every line commented out means no providers, not an error."""
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if not (v is None and k in {"providers", "trust", "secrets",
                                                                              "waivers"})}
        return data

    @model_validator(mode="after")
    def _one_waiver_per_item(self) -> Profile:
        seen: set[str] = set()
        for waiver in self.waivers:
            if waiver.item in seen:
                raise ValueError(f"two waivers for {waiver.item}; keep one per item")
            seen.add(waiver.item)
        return self
