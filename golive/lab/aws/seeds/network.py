"""Network: the VPC over three zones (public + private subnet in each) and the security groups.

TURN's group opens 3478 UDP/TCP, 5349 TCP (TLS) and the relay range 49152-65535 UDP (runbook 000).
Facts: vpc_id, public_subnets, private_subnets, zones, sg_<name>.
"""

from __future__ import annotations

from golive.lab.aws.seeds import PREFIX, Seeding

VARIANTS = {
    "multi-az-two-zones": "public and private subnets in two zones only, so every tier spans two AZs",
    "sg-turn-relay-closed": "TURN security group has no rule for the relay range 49152-65535/udp",
    "sg-turn-no-3478-udp": "TURN security group opens 3478/tcp but not 3478/udp",
    "sg-turn-ssh-world": "TURN security group also opens SSH 22/tcp to 0.0.0.0/0",
}

ANYWHERE = [{"CidrIp": "0.0.0.0/0"}]


def _rule(proto: str, low: int, high: int | None = None, sources: list | None = None, group: str | None = None):
    rule = {"IpProtocol": proto, "FromPort": low, "ToPort": high or low}
    if group:
        rule["UserIdGroupPairs"] = [{"GroupId": group}]
    else:
        rule["IpRanges"] = sources or ANYWHERE
    return rule


def seed(lab: Seeding) -> None:
    ec2 = lab.client("ec2")
    zones = lab.zones[:2] if lab.broken(VARIANTS) == "multi-az-two-zones" else lab.zones
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": f"{PREFIX}-vpc"}]}])["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public, private = [], []
    for i, zone in enumerate(zones):
        for kind, base, out in (("public", 0, public), ("private", 10, private)):
            out.append(ec2.create_subnet(
                VpcId=vpc, CidrBlock=f"10.0.{base + i}.0/24", AvailabilityZone=zone, TagSpecifications=[
                    {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": f"{PREFIX}-{kind}-{zone}"}]}],
            )["Subnet"]["SubnetId"])
    lab.facts.update(vpc_id=vpc, public_subnets=public, private_subnets=private, zones=list(zones))

    def group(name: str, what: str, rules: list[dict]) -> str:
        gid = ec2.create_security_group(GroupName=f"{PREFIX}-{name}", Description=what, VpcId=vpc)["GroupId"]
        if rules:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules)
        lab.facts[f"sg_{name}"] = gid
        return gid

    alb = group("alb", "ALB: HTTPS and the HTTP redirect", [_rule("tcp", 443), _rule("tcp", 80)])
    ecs = group("ecs", "ECS tasks behind the ALB", [_rule("tcp", 3000, 3001, group=alb)])
    group("rds", "PostgreSQL from ECS", [_rule("tcp", 5432, group=ecs)])
    group("redis", "Redis from ECS", [_rule("tcp", 6379, group=ecs)])
    group("turn", "coturn: STUN/TURN 3478 UDP+TCP, TURN over TLS 5349, relay 49152-65535 UDP",
          _turn_rules(lab.broken(VARIANTS)))


def _turn_rules(variant: str | None) -> list[dict]:
    rules = {"udp-3478": _rule("udp", 3478), "tcp-3478": _rule("tcp", 3478), "tls-5349": _rule("tcp", 5349),
             "relay": _rule("udp", 49152, 65535)}
    match variant:
        case "sg-turn-relay-closed":
            del rules["relay"]
        case "sg-turn-no-3478-udp":
            del rules["udp-3478"]
        case "sg-turn-ssh-world":
            rules["ssh"] = _rule("tcp", 22)
    return list(rules.values())
