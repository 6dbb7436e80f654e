"""A standby region (runbook 002: geo-redundant): variant ``second-region-broken`` holds the compliant shape in
us-east-1 and a second copy of the MULTI-AZ estate (VPC over three zones, ALB, ECS services, RDS Multi-AZ,
Redis replication group) and of runbook 000's alarms in eu-west-1, with two breaches there only: the Redis
group's three nodes sit in two of eu-west-1's three zones, and eu-west-1's alerts topic has no subscription.
Every other variant holds nothing in eu-west-1.
Facts: standby_region, standby_zones, standby_topic_arn.
"""

from __future__ import annotations

from dataclasses import dataclass

from golive.lab.aws.seeds import Seeding, alarms, alb, ecs, elasticache, network, rds

STANDBY_REGION = "eu-west-1"

VARIANTS = {
    "second-region-broken": "us-east-1 compliant; a standby copy in eu-west-1 of the MULTI-AZ estate whose Redis "
                            "nodes sit in two zones (eu-west-1a, eu-west-1b), and of the alarms, whose alerts topic "
                            "has no subscription",
}


@dataclass
class _Standby(Seeding):
    """The variant's account seen in the standby region; an area seeds ``breaks`` when it is one of its own."""

    breaks: str = ""

    def broken(self, module_variants: dict[str, str]) -> str | None:
        return self.breaks if self.breaks in module_variants else None


def seed(lab: Seeding) -> None:
    if lab.broken(VARIANTS) is None:
        return
    standby = _Standby(lab.endpoint_url, lab.variant, region=STANDBY_REGION)  # same account, second region
    for area in (network, alb, ecs, rds):
        area.seed(standby)  # compliant
    standby.facts["zones"] = standby.facts["zones"][:2]  # the breach: Redis nodes placed over two zones only
    elasticache.seed(standby)
    standby.breaks = "alarm-topic-no-subscription"  # the alarms as us-east-1's, notifying nobody
    alarms.seed(standby)
    lab.facts.update(standby_region=STANDBY_REGION, standby_zones=standby.facts["zones"],
                     standby_topic_arn=standby.facts.get("topic_arn"))
