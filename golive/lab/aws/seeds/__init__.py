"""Seeding the emulator, one module per area, with SilentTalk's AWS shape (runbooks 000/002), compliant.

Each area module has ``VARIANTS: dict[str, str]`` (broken variant name -> what is wrong) and
``seed(lab: Seeding) -> None``, which builds the compliant shape unless ``lab.variant`` is one of its own
variants. Every variant is seeded into its own AWS account of the one emulator process, so every module
runs for every variant: a broken variant is the compliant shape with one area changed.
Modules run in ``AREAS`` order and pass what later areas need (subnet ids, ARNs) through ``lab.facts``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import urllib.request
from dataclasses import dataclass, field
from functools import cached_property
from types import ModuleType
from typing import Any

import boto3
from botocore.config import Config

from golive.lab.aws.extensions import access_key_for

REGION = "us-east-1"  # runbook 000: export AWS_REGION=us-east-1
ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")
PREFIX = "silenttalk-production"
COMPLIANT_ACCOUNT = "123456789012"  # the account of runbook 000's ARNs
SECRET_KEY = "golive-lab-not-a-secret"

#: the areas in seeding order (later ones use facts of earlier ones)
AREAS = ("network", "storage", "alb", "ecs", "rds", "elasticache", "backup", "alarms", "waf", "secrets", "logs",
         "cdn", "metrics", "dashboards", "standby")


def modules() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{area}") for area in AREAS]


def variants() -> dict[str, str]:
    """Every variant the emulator knows: compliant plus each area's broken ones (names are unique)."""
    found: dict[str, str] = {"compliant": "SilentTalk's AWS shape as runbooks 000/002 ask"}
    for module in modules():
        for name, why in module.VARIANTS.items():
            if name in found:
                raise ValueError(f"AWS lab variant {name!r} is defined twice (second in {module.__name__})")
            found[name] = why
    return found


def account_for(variant: str) -> str:
    """The variant's account id: stable across runs, so a profile can name it."""
    if variant == "compliant":
        return COMPLIANT_ACCOUNT
    return "9" + str(int(hashlib.sha256(variant.encode()).hexdigest(), 16))[-11:]


@dataclass
class Seeding:
    """One variant being seeded: its account's boto3 clients and the facts earlier areas left behind."""

    endpoint_url: str
    variant: str
    region: str = REGION
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def account_id(self) -> str:
        return account_for(self.variant)

    @property
    def zones(self) -> tuple[str, ...]:
        """The region's three zones (runbook 000's us-east-1a/b/c in us-east-1, eu-west-1a/b/c in eu-west-1)."""
        return tuple(self.region + zone[-1] for zone in ZONES)

    @cached_property
    def session(self) -> boto3.Session:
        return boto3.Session(aws_access_key_id=access_key_for(self.account_id), aws_secret_access_key=SECRET_KEY,
                             region_name=self.region)

    def client(self, service: str, region: str | None = None) -> Any:
        key = f"client:{service}:{region or self.region}"
        if key not in self.facts:
            self.facts[key] = self.session.client(
                service, endpoint_url=self.endpoint_url, region_name=region or self.region,
                config=Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5, read_timeout=30))
        return self.facts[key]

    def broken(self, module_variants: dict[str, str]) -> str | None:
        """This variant's name if it belongs to the calling area's VARIANTS, else None (seed compliant)."""
        return self.variant if self.variant in module_variants else None

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"

    def lab_post(self, route: str, body: dict[str, Any]) -> dict[str, Any]:
        """Call a lab-only route of the emulator (golive.lab.aws.extensions), for state AWS has no API for."""
        request = urllib.request.Request(f"{self.endpoint_url}{route}", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"lab route {route}: {exc.read().decode(errors='replace')}") from None


def seed(endpoint_url: str, variant: str) -> Seeding:
    """Seed one variant into its account; returns the facts (ids, ARNs) for the caller's evidence."""
    lab = Seeding(endpoint_url, variant)
    for module in modules():
        module.seed(lab)
    return lab
