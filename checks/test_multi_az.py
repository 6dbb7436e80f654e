"""MULTI-AZ: every tier spans three zones, strictly: load balancer, compute, database, cache, queue, nodes, workloads.

Runbook 000: VPC and subnets in 3 AZs, RDS and ElastiCache Multi-AZ; runbook 002: zone-redundant PostgreSQL
HA, Redis Premium zones, App Service zone redundancy; runbook 003: PostgreSQL 3 / Redis 6 / Kafka 3 multi-AZ;
runbook 004: 3 availability zones. Every resource the providers find is judged; the profile's listed ones
must also be found.
"""

from dataclasses import asdict, is_dataclass

from golive.compare import zones
from golive.registry import BY_ID
from golive.verdict import CouldNotObserve, require


def _reads(provider) -> dict:
    stats = provider.stats() if callable(provider.stats) else provider.stats
    return asdict(stats) if is_dataclass(stats) else dict(stats)


def test_every_tier_spans_three_zones(section, profile, providers, evidence):
    placements = providers.gather("zone_placements")
    evidence.json("API reads (calls per run against resources read)",
                  {type(p).__name__: _reads(p) for p in providers.configured()} | {"resources read": len(placements)})
    if not placements:
        raise CouldNotObserve("the zone placement of every tier", "no provider returned any resource "
                              "(zone_placements); check the providers' credentials, region/resource group/"
                              "namespaces in the profile, and read permissions")
    evidence.json("resource -> zones", zones.table(placements, section))
    asked = [ref.runbook for ref in BY_ID["MULTI-AZ"].runbook]  # the runbooks that ask for three zones
    runbooks = [r for r in profile.runbooks if r in asked] or asked
    require(zones.problems(placements, section, runbooks),
            f"tiers not spread over {section.min_zones} zones on profile {profile.name}")
