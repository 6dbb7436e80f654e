"""Secrets Manager: the application's secrets, each rotated by a rotation Lambda every 30 days; a customer KMS key
(alias/silenttalk-production-secrets) with automatic rotation on, which encrypts them.

The Lambda exists only so the rotation can be configured (moto checks it); it is never invoked.
Facts: secrets (name -> ARN), kms_key.
"""

from __future__ import annotations

import io
import json
import zipfile

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {
    "secrets-rotation-broken": "secret silenttalk-production/database has no rotation (RotationEnabled false), "
                               "silenttalk-production/jwt rotates every 90 days (profile: 30), and KMS key "
                               "alias/silenttalk-production-secrets has automatic rotation off",
}
KMS_ALIAS = f"alias/{PREFIX}-secrets"

SECRETS = ("database", "redis", "jwt", "turn")


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("rotate.py", "def handler(event, context):\n    return None\n")
    return out.getvalue()


def seed(lab: Seeding) -> None:
    iam, lam, sm = lab.client("iam"), lab.client("lambda"), lab.client("secretsmanager")
    role = iam.create_role(RoleName=f"{PREFIX}-secrets-rotation", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
    rotator = lam.create_function(FunctionName=f"{PREFIX}-secrets-rotation", Runtime="python3.12", Role=role,
                                  Handler="rotate.handler", Code={"ZipFile": _zip()})["FunctionArn"]
    broken = lab.broken(VARIANTS)
    kms = lab.client("kms")
    key = kms.create_key(Description="SilentTalk secrets", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=KMS_ALIAS, TargetKeyId=key)
    if broken is None:
        kms.enable_key_rotation(KeyId=key)
    found = {}
    for name in SECRETS:
        secret = sm.create_secret(Name=f"{PREFIX}/{name}", SecretString=json.dumps({"value": "lab-only"}),
                                  Description=f"SilentTalk {name} credentials", KmsKeyId=key)["ARN"]
        days = 90 if (broken, name) == ("secrets-rotation-broken", "jwt") else 30
        if (broken, name) != ("secrets-rotation-broken", "database"):
            sm.rotate_secret(SecretId=secret, RotationLambdaARN=rotator,
                             RotationRules={"AutomaticallyAfterDays": days}, RotateImmediately=False)
        found[f"{PREFIX}/{name}"] = secret
    lab.facts.update(secrets=found, kms_key=key)
