"""RDS: PostgreSQL silenttalk-production-postgres, Multi-AZ over the private subnets of three zones,
encrypted, 30 days of automated backups (point-in-time recovery). Facts: rds_id, rds_arn.
"""

from __future__ import annotations

from golive.lab.aws.extensions import OMIT_TAG
from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS = {
    "multi-az-rds-single-az": "the PostgreSQL instance is single-AZ (MultiAZ false)",
    "multi-az-rds-standby-zone-omitted": "the Multi-AZ instance comes back without SecondaryAvailabilityZone "
                                         "(an API omitting a field: unknown, not false)",
    "multi-az-rds-same-name-subnet-group": "the DB subnet group is named like the instance and spans two zones "
                                           "(names are unique per kind, not per account)",
}


def seed(lab: Seeding) -> None:
    rds = lab.client("rds")
    broken = lab.broken(VARIANTS)
    ident = f"{PREFIX}-postgres"
    same_name = broken == "multi-az-rds-same-name-subnet-group"
    group = ident if same_name else f"{PREFIX}-db-subnets"
    subnets = lab.facts["private_subnets"][:2] if same_name else lab.facts["private_subnets"]
    rds.create_db_subnet_group(DBSubnetGroupName=group, DBSubnetGroupDescription="SilentTalk private subnets",
                               SubnetIds=subnets)
    multi_az = broken != "multi-az-rds-single-az"
    omit = ([{"Key": OMIT_TAG, "Value": "SecondaryAvailabilityZone"}]
            if broken == "multi-az-rds-standby-zone-omitted" else [])
    placement = {} if multi_az else {"AvailabilityZone": lab.facts["zones"][0]}  # AWS refuses an AZ with MultiAZ
    db = rds.create_db_instance(
        DBInstanceIdentifier=ident, Engine="postgres", EngineVersion="15.4", DBInstanceClass="db.r6g.large",
        AllocatedStorage=100, StorageType="gp3", StorageEncrypted=True, MasterUsername="silenttalk",
        MasterUserPassword="lab-only-not-a-secret", DBName="silenttalk", DBSubnetGroupName=group,
        VpcSecurityGroupIds=[lab.facts["sg_rds"]], MultiAZ=multi_az, BackupRetentionPeriod=30,
        DeletionProtection=True, PubliclyAccessible=False, **({"Tags": omit} if omit else {}),
        **placement)["DBInstance"]
    lab.facts.update(rds_id=ident, rds_arn=db["DBInstanceArn"])
