"""RDS: PostgreSQL silenttalk-production-postgres, Multi-AZ over the private subnets of three zones,
encrypted, 30 days of automated backups (point-in-time recovery). Facts: rds_id, rds_arn.
"""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS = {
    "multi-az-rds-single-az": "the PostgreSQL instance is single-AZ (MultiAZ false)",
}


def seed(lab: Seeding) -> None:
    rds = lab.client("rds")
    group = f"{PREFIX}-db-subnets"
    rds.create_db_subnet_group(DBSubnetGroupName=group, DBSubnetGroupDescription="SilentTalk private subnets",
                               SubnetIds=lab.facts["private_subnets"])
    ident = f"{PREFIX}-postgres"
    multi_az = lab.broken(VARIANTS) != "multi-az-rds-single-az"
    placement = {} if multi_az else {"AvailabilityZone": lab.facts["zones"][0]}  # AWS refuses an AZ with MultiAZ
    db = rds.create_db_instance(
        DBInstanceIdentifier=ident, Engine="postgres", EngineVersion="15.4", DBInstanceClass="db.r6g.large",
        AllocatedStorage=100, StorageType="gp3", StorageEncrypted=True, MasterUsername="silenttalk",
        MasterUserPassword="lab-only-not-a-secret", DBName="silenttalk", DBSubnetGroupName=group,
        VpcSecurityGroupIds=[lab.facts["sg_rds"]], MultiAZ=multi_az, BackupRetentionPeriod=30,
        DeletionProtection=True, PubliclyAccessible=False, **placement)["DBInstance"]
    lab.facts.update(rds_id=ident, rds_arn=db["DBInstanceArn"])
