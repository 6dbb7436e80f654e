"""Profile section of ROLLOUT: every workload fully rolled out and running the release the change ships.

Runbook 004 step 5 "Check pod status" (every pod 1/1 Running, 0 restarts) and its health body's
``"version": "1.2.3"``; runbook 003's ``kubectl rollout status`` of each service. The expected release comes from
the gate's ``--release`` or ``release`` here; ``releases`` names another release for one workload or scope
(a namespace, an ECS cluster, an Azure resource group) that ships on its own cycle.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, HttpUrl, StringConstraints

from golive.compare.targets import pick
from golive.profile.base import NotApplicable, Section

VERSION = r"^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$"  # an image tag (Docker: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})
Release = Annotated[str, StringConstraints(pattern=VERSION)]


class VersionEndpoint(Section):
    """A health endpoint whose JSON body names the running version (runbook 004: ``"version": "1.2.3"``)."""

    name: str = Field(min_length=1, description="the service's name (also a key of 'releases')")
    url: HttpUrl
    field: str = Field(default="version", min_length=1, max_length=200, pattern=r"^[^.]+(\.[^.]+)*$",
                       description="where the body carries the version: a dotted path ('version', 'build.version')")
    requests: int = Field(default=5, ge=1, le=20, description="answers read, to see more than one replica behind "
                                                              "a load balancer; every one must carry the release")


class RolloutSection(Section):
    release: str | None = Field(default=None, pattern=VERSION,
                                description="the release every workload runs (image tag, runbook 004: 1.2.3); the "
                                            "gate's --release overrides it; unset: only 'every replica the same'")
    releases: dict[str, Release] = Field(default_factory=dict, max_length=500,
                                     description="workload name ('<namespace>/<name>', '<cluster>/<service>', site) "
                                                 "or scope (namespace, ECS cluster, resource group) -> its release; "
                                                 "with several targets '<target>[/<region>]/<key>' for one target")
    own_versions: list[str] = Field(default_factory=list, max_length=500,
                                    description="workloads on their own versions (databases, brokers: "
                                                "'<namespace>/kafka'): rolled out, every replica on one version, "
                                                "not compared with the release")
    max_restarts: int = Field(default=0, ge=0, le=1000, description="container restarts a pod may show (runbook 004 "
                                                                    "step 5: RESTARTS 0)")
    ignore_containers: list[str] = Field(default_factory=list, max_length=50,
                                         description="sidecar containers whose image is not the release "
                                                     "(istio-proxy); still judged for readiness and restarts")
    health: Annotated[list[VersionEndpoint], Field(max_length=50)] | NotApplicable = Field(
        default_factory=list, description="health endpoints whose body carries the running version (runbook 004 "
                                          "step 5); every answer must name the release; "
                                          "{not_applicable: reason} before traffic")
    timeout_s: float = Field(default=2.0, gt=0, le=30, description="whole-response deadline of each health request")

    @property
    def health_endpoints(self) -> list[VersionEndpoint]:
        """The health endpoints to read (none when the profile declares them not applicable)."""
        return [] if isinstance(self.health, NotApplicable) else self.health

    def expected(self, name: str, scope: str, release: str | None = None, where: str = "") -> str | None:
        """The release ``name`` must run: its own entry, its scope's, the gate's --release, else ``release``.
        With several targets a key may be addressed to one (``<target>[/<region>]/<name or scope>``); the most
        specific key wins (target/region, then target, then the bare name)."""
        if pick(self.own_versions, name, where, str) is not None:
            return None
        key = pick(self.releases, name, where, str) or pick(self.releases, scope, where, str)
        found = self.releases[key] if key is not None else release or self.release
        return found.removeprefix("v") if found else None

