"""A standby region (runbook 002: geo-redundant): variant ``second-region-broken`` holds the compliant shape in
us-east-1 and a second copy of the MULTI-AZ estate (VPC over three zones, ALB, ECS services, RDS Multi-AZ,
Redis replication group) in eu-west-1, whose one breach is the Redis group's three nodes placed in two of
eu-west-1's three zones. Every other variant holds nothing in eu-west-1.
Facts: standby_region, standby_zones.
"""

from __future__ import annotations

from golive.lab.aws.seeds import Seeding, alb, ecs, elasticache, network, rds

STANDBY_REGION = "eu-west-1"

VARIANTS = {
    "second-region-broken": "us-east-1 compliant; a standby copy of the MULTI-AZ estate in eu-west-1 whose Redis "
                            "nodes sit in two zones (eu-west-1a, eu-west-1b)",
}


def seed(lab: Seeding) -> None:
    if lab.broken(VARIANTS) is None:
        return
    standby = Seeding(lab.endpoint_url, lab.variant, region=STANDBY_REGION)  # same account, second region
    for area in (network, alb, ecs, rds):
        area.seed(standby)  # compliant: the variant is none of theirs
    standby.facts["zones"] = standby.facts["zones"][:2]  # the breach: Redis nodes placed over two zones only
    elasticache.seed(standby)
    lab.facts.update(standby_region=STANDBY_REGION, standby_zones=standby.facts["zones"])
