"""ElastiCache: replication group silenttalk-production-redis, Multi-AZ with automatic failover, one node in
each of the three zones. Facts: redis_group.
"""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS = {
    "multi-az-elasticache-no-failover": "the Redis replication group has Multi-AZ and automatic failover off",
}


def seed(lab: Seeding) -> None:
    cache = lab.client("elasticache")
    group = f"{PREFIX}-redis-subnets"
    cache.create_cache_subnet_group(CacheSubnetGroupName=group, CacheSubnetGroupDescription="SilentTalk private",
                                    SubnetIds=lab.facts["private_subnets"])
    safe = lab.broken(VARIANTS) != "multi-az-elasticache-no-failover"
    zones = lab.facts["zones"]
    cache.create_replication_group(
        ReplicationGroupId=f"{PREFIX}-redis", ReplicationGroupDescription="SilentTalk sessions and presence",
        Engine="redis", EngineVersion="7.0", CacheNodeType="cache.r6g.large", NumCacheClusters=3,
        PreferredCacheClusterAZs=[zones[i % len(zones)] for i in range(3)], CacheSubnetGroupName=group,
        SecurityGroupIds=[lab.facts["sg_redis"]], AutomaticFailoverEnabled=safe, MultiAZEnabled=safe,
        AtRestEncryptionEnabled=True, TransitEncryptionEnabled=True, SnapshotRetentionLimit=7)
    lab.facts.update(redis_group=f"{PREFIX}-redis")
