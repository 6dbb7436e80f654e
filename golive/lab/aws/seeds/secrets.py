"""Secrets Manager: the application's secrets, each rotated by a rotation Lambda every 30 days.

The Lambda exists only so the rotation can be configured (moto checks it); it is never invoked.
Facts: secrets (name -> ARN).
"""

from __future__ import annotations

import io
import json
import zipfile

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS: dict[str, str] = {}

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
    found = {}
    for name in SECRETS:
        secret = sm.create_secret(Name=f"{PREFIX}/{name}", SecretString=json.dumps({"value": "lab-only"}),
                                  Description=f"SilentTalk {name} credentials")["ARN"]
        sm.rotate_secret(SecretId=secret, RotationLambdaARN=rotator,
                         RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False)
        found[f"{PREFIX}/{name}"] = secret
    lab.facts.update(secrets=found)
