"""Storage: the S3 bucket AWS Backup covers (runbook 000: "Backed up resources: ... S3 buckets"), versioned.

Facts: bucket, bucket_arn.
"""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS = {
    "backups-s3-versioning-off": "the media bucket has versioning suspended",
}


def seed(lab: Seeding) -> None:
    s3 = lab.client("s3")
    bucket = f"{PREFIX}-media-{lab.account_id}"
    s3.create_bucket(Bucket=bucket)
    status = "Suspended" if lab.broken(VARIANTS) == "backups-s3-versioning-off" else "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})
    lab.facts.update(bucket=bucket, bucket_arn=f"arn:aws:s3:::{bucket}")
