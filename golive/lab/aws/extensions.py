"""What moto 5.2.5 lacks and the checks read, added inside the lab's emulator process only.

Loaded by ``golive.lab.aws.server`` before the first request, so the real boto3 client reads these APIs
unchanged (same URLs, same JSON shapes as AWS):

- accounts: an access key id ``AKIALAB0<12-digit account id>`` selects that account (one seeded account per lab
  variant; moto only reads 20-character keys, and otherwise maps every unknown key to its default account);
- AWS Backup: backup selections (Create/Get/List/Delete), backup jobs (List/Describe), recovery points
  (ListRecoveryPointsByBackupVault/ByResource, DescribeRecoveryPoint) and ListProtectedResources;
- ElastiCache: a (cluster-mode disabled) replication group gets ``NumCacheClusters`` members, each in its
  ``PreferredCacheClusterAZs`` zone (moto 5.2.5 creates one member only);
- RDS: ``SecondaryAvailabilityZone`` of a Multi-AZ instance (a zone of its subnet group other than the primary's),
  left out for an instance tagged ``golive-lab:omit = SecondaryAvailabilityZone`` (real APIs omit fields);
- WAFv2: ``ListResourcesForWebACL`` (moto 5.2.5 records associations but has no call to list them);
- CloudFront: ``GetCachePolicy`` of AWS's managed cache policies (moto 5.2.5 has no cache policies; their ids and
  TTLs are the same in every account, as AWS documents them), served in CloudFront's REST-XML shape;
- ECS: a new service runs its desired count at once and its PRIMARY deployment is COMPLETED, as a steady service
  reads on AWS (moto 5.2.5 starts every service at MOTO_ECS_SERVICE_RUNNING, default 0 running, IN_PROGRESS); a
  service tagged ``golive-lab:running = N`` runs N tasks, its deployment IN_PROGRESS while N < desired;
- a lab-only route ``POST /golive-lab/backup-jobs`` that records a finished job (and its recovery point when
  COMPLETED) with a chosen time and state; AWS has no API for that, the seeds need it for "30 h old"/"failed".
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any
from urllib.parse import unquote

ACCOUNT_KEY = re.compile(r"^AKIALAB[0R](\d{12})$")  # R: the restricted reader (restricted.py)
LAB_ROUTE = "/golive-lab/backup-jobs"
OMIT_TAG = "golive-lab:omit"  # a seeded resource's field the emulator leaves out of its answers
CACHE_POLICY_ROUTE = re.compile(r"^/2020-05-31/cache-policy/([^/]+)$")


def access_key_for(account_id: str) -> str:
    """The lab's fake access key id that selects ``account_id`` in the emulator."""
    return f"AKIALAB0{account_id}"


# --- accounts -------------------------------------------------------------------------------------------
def _patch_accounts() -> None:
    import moto.iam.models as iam_models

    original = iam_models.get_account_id_from
    if getattr(original, "golive", False):
        return

    def get_account_id_from(access_key: str) -> str:
        match = ACCOUNT_KEY.match(access_key or "")
        return match.group(1) if match else original(access_key)

    get_account_id_from.golive = True  # type: ignore[attr-defined]
    iam_models.get_account_id_from = get_account_id_from


# --- RDS -----------------------------------------------------------------------------------------------
def _patch_rds() -> None:
    from moto.rds.models import DBInstance

    def secondary_availability_zone(self: Any) -> str | None:
        if not self.multi_az or any(t.get("Key") == OMIT_TAG and t.get("Value") == "SecondaryAvailabilityZone"
                                    for t in getattr(self, "tags", None) or []):
            return None
        zones: list[str] = []
        group = getattr(self, "db_subnet_group", None)
        for subnet in getattr(group, "subnets", None) or []:
            zone = getattr(subnet, "availability_zone", None)
            if zone and zone not in zones:
                zones.append(zone)
        others = [z for z in zones if z != self.availability_zone]
        if others:
            return others[0]
        return f"{self.region}b" if not self.availability_zone.endswith("b") else f"{self.region}a"

    DBInstance.secondary_availability_zone = property(secondary_availability_zone)  # type: ignore[attr-defined]


# --- ECS -----------------------------------------------------------------------------------------------
RUNNING_TAG = "golive-lab:running"  # an ECS service's running task count (a deployment caught mid-way)


def _patch_ecs() -> None:
    from moto.ecs.models import Service

    if getattr(Service, "_golive_running", False):
        return
    created = Service.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        created(self, *args, **kwargs)
        tags = {t.get("key"): t.get("value") for t in self.tags or []}
        running = int(tags.get(RUNNING_TAG, self.desired_count))
        self.running_count, self.pending_count = running, max(self.desired_count - running, 0)
        for deployment in self.deployments:
            done = running >= self.desired_count
            deployment.update(runningCount=running, pendingCount=self.pending_count,
                              rolloutState="COMPLETED" if done else "IN_PROGRESS",
                              rolloutStateReason=f"ECS deployment {deployment['id']} "
                                                 f"{'completed' if done else 'in progress'}.")

    Service.__init__ = init  # type: ignore[method-assign]
    Service._golive_running = True  # type: ignore[attr-defined]


# --- ElastiCache ---------------------------------------------------------------------------------------
def _patch_elasticache() -> None:
    from moto.elasticache.models import ReplicationGroup

    original = ReplicationGroup._set_node_members_clusters_disabled
    if getattr(original, "golive", False):
        return

    def members(self: Any, *args: Any, **kwargs: Any) -> None:
        if not kwargs.get("replicas_per_node_group") and (kwargs.get("num_cache_clusters") or 1) > 1:
            kwargs["replicas_per_node_group"] = kwargs["num_cache_clusters"] - 1
        original(self, *args, **kwargs)

    members.golive = True  # type: ignore[attr-defined]
    ReplicationGroup._set_node_members_clusters_disabled = members


# --- AWS Backup ----------------------------------------------------------------------------------------
def _store(backend: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """Per account/region: selections, jobs and recovery points, kept on moto's backend instance."""
    if not hasattr(backend, "golive"):
        backend.golive = {"selections": {}, "jobs": {}, "points": {}}
    return backend.golive


def _epoch(value: Any) -> float | None:
    if value is None or isinstance(value, int | float):
        return value
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def _arg(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _after(value: float | None, bound: str | None) -> bool:
    return bound is None or (value is not None and value >= _epoch(bound))


def _before(value: float | None, bound: str | None) -> bool:
    return bound is None or (value is not None and value <= _epoch(bound))


def _patch_backup() -> None:
    import moto.backup.urls as urls
    from moto.backup.exceptions import ResourceNotFoundException
    from moto.backup.responses import BackupResponse

    def path(self: BackupResponse) -> str:
        return unquote(self.path.split("?", 1)[0])

    def store(self: BackupResponse) -> dict[str, dict[str, dict[str, Any]]]:
        return _store(self.backup_backend)

    def plan_id(self: BackupResponse) -> str:
        return path(self).split("/backup/plans/", 1)[1].split("/", 1)[0]

    def create_backup_selection(self: BackupResponse) -> str:
        params = json.loads(self.body)
        pid = plan_id(self)
        self.backup_backend.get_backup_plan(backup_plan_id=pid, version_id=None)  # 404 for an unknown plan
        sid = str(uuid.uuid4())
        store(self)["selections"][sid] = {
            "SelectionId": sid, "BackupPlanId": pid, "CreationDate": dt.datetime.now(dt.UTC).timestamp(),
            "CreatorRequestId": params.get("CreatorRequestId"), "BackupSelection": params["BackupSelection"]}
        return json.dumps({k: store(self)["selections"][sid][k] for k in ("SelectionId", "BackupPlanId",
                                                                          "CreationDate")})

    def _selection(self: BackupResponse) -> dict[str, Any]:
        sid = path(self).rstrip("/").rsplit("/", 1)[-1]
        found = store(self)["selections"].get(sid)
        if found is None:
            raise ResourceNotFoundException(msg=f"Failed reading backup selection {sid}")
        return found

    def get_backup_selection(self: BackupResponse) -> str:
        return json.dumps({k: v for k, v in _selection(self).items() if v is not None})

    def delete_backup_selection(self: BackupResponse) -> str:
        store(self)["selections"].pop(_selection(self)["SelectionId"])
        return "{}"

    def list_backup_selections(self: BackupResponse) -> str:
        pid = plan_id(self)
        out = [{"SelectionId": s["SelectionId"], "SelectionName": s["BackupSelection"]["SelectionName"],
                "BackupPlanId": pid, "CreationDate": s["CreationDate"], "CreatorRequestId": s["CreatorRequestId"],
                "IamRoleArn": s["BackupSelection"].get("IamRoleArn")}
               for s in store(self)["selections"].values() if s["BackupPlanId"] == pid]
        return json.dumps({"BackupSelectionsList": [{k: v for k, v in s.items() if v is not None} for s in out]})

    def list_backup_jobs(self: BackupResponse) -> str:
        q = self.querystring
        jobs = [j for j in store(self)["jobs"].values()
                if _arg(q, "resourceArn") in (None, j["ResourceArn"])
                and _arg(q, "state") in (None, j["State"])
                and _arg(q, "backupVaultName") in (None, j["BackupVaultName"])
                and _arg(q, "resourceType") in (None, j["ResourceType"])
                and _after(j["CreationDate"], _arg(q, "createdAfter"))
                and _before(j["CreationDate"], _arg(q, "createdBefore"))
                and _after(j.get("CompletionDate"), _arg(q, "completeAfter"))
                and _before(j.get("CompletionDate"), _arg(q, "completeBefore"))]
        return json.dumps({"BackupJobs": sorted(jobs, key=lambda j: -j["CreationDate"])})

    def describe_backup_job(self: BackupResponse) -> str:
        jid = path(self).rstrip("/").rsplit("/", 1)[-1]
        job = store(self)["jobs"].get(jid)
        if job is None:
            raise ResourceNotFoundException(msg=f"Failed reading backup job {jid}")
        return json.dumps(job)

    def _points(self: BackupResponse, vault: str | None = None, resource: str | None = None) -> list[dict[str, Any]]:
        q = self.querystring
        found = [p for p in store(self)["points"].values()
                 if vault in (None, p["BackupVaultName"]) and resource in (None, p["ResourceArn"])
                 and _arg(q, "resourceArn") in (None, p["ResourceArn"])
                 and _arg(q, "resourceType") in (None, p["ResourceType"])
                 and _after(p["CreationDate"], _arg(q, "createdAfter"))
                 and _before(p["CreationDate"], _arg(q, "createdBefore"))]
        return sorted(found, key=lambda p: -p["CreationDate"])

    def list_recovery_points_by_backup_vault(self: BackupResponse) -> str:
        vault = path(self).split("/backup-vaults/", 1)[1].split("/", 1)[0]
        self.backup_backend.describe_backup_vault(vault)  # 404 for an unknown vault
        return json.dumps({"RecoveryPoints": _points(self, vault=vault)})

    def list_recovery_points_by_resource(self: BackupResponse) -> str:
        resource = re.sub(r"/recovery-points/?$", "", path(self).split("/resources/", 1)[1])
        keys = ("RecoveryPointArn", "CreationDate", "Status", "EncryptionKeyArn", "BackupSizeBytes",
                "BackupVaultName", "IsParent", "ResourceName", "VaultType")
        return json.dumps({"RecoveryPoints": [
            {k: p[k if k != "BackupSizeBytes" else "BackupSizeInBytes"] for k in keys
             if p.get(k if k != "BackupSizeBytes" else "BackupSizeInBytes") is not None}
            for p in _points(self, resource=resource)]})

    def describe_recovery_point(self: BackupResponse) -> str:
        arn = path(self).split("/recovery-points/", 1)[1].rstrip("/")
        point = store(self)["points"].get(arn)
        if point is None:
            raise ResourceNotFoundException(msg=f"Failed reading recovery point {arn}")
        return json.dumps(point)

    def list_protected_resources(self: BackupResponse) -> str:
        newest: dict[str, dict[str, Any]] = {}
        for point in store(self)["points"].values():
            if point["Status"] == "COMPLETED" and (point["ResourceArn"] not in newest or
                                                    point["CreationDate"] > newest[point["ResourceArn"]]["CreationDate"]):
                newest[point["ResourceArn"]] = point
        return json.dumps({"Results": [
            {"ResourceArn": p["ResourceArn"], "ResourceType": p["ResourceType"], "LastBackupTime": p["CreationDate"],
             "ResourceName": p.get("ResourceName"), "LastBackupVaultArn": p["BackupVaultArn"],
             "LastRecoveryPointArn": p["RecoveryPointArn"]} for p in newest.values()]})

    for fn in (create_backup_selection, get_backup_selection, delete_backup_selection, list_backup_selections,
               list_backup_jobs, describe_backup_job, list_recovery_points_by_backup_vault,
               list_recovery_points_by_resource, describe_recovery_point, list_protected_resources):
        setattr(BackupResponse, fn.__name__, fn)

    extra = (  # botocore's URIs; moto turns "/?$" into no slash, so the trailing slash is written out
        "{0}/backup-jobs/$", "{0}/backup-jobs/(?P<job>[^/]+)$",
        "{0}/backup-vaults/(?P<name>[^/]+)/recovery-points/$",
        "{0}/backup-vaults/(?P<name>[^/]+)/recovery-points/(?P<arn>.+)$",
        "{0}/resources/$", "{0}/resources/(?P<arn>.+)/recovery-points/$",
    )
    for pattern in extra:
        urls.url_paths.setdefault(pattern, BackupResponse.dispatch)


# --- WAFv2 ---------------------------------------------------------------------------------------------
#: ListResourcesForWebACL ResourceType -> what its ARNs contain
_WAF_RESOURCE_TYPES = {"APPLICATION_LOAD_BALANCER": ":loadbalancer/app/", "API_GATEWAY": ":apigateway:",
                       "APPSYNC": ":appsync:", "COGNITO_USER_POOL": ":cognito-idp:", "APP_RUNNER_SERVICE": ":apprunner:",
                       "VERIFIED_ACCESS_INSTANCE": ":verified-access-instance/", "AMPLIFY": ":amplify:"}


def _patch_wafv2() -> None:
    from moto.wafv2.exceptions import WAFNonexistentItemException
    from moto.wafv2.responses import WAFV2Response

    def list_resources_for_web_acl(self: WAFV2Response) -> Any:
        body = json.loads(self.body)
        acl = self.wafv2_backend.wacls.get(body["WebACLArn"])
        if acl is None:
            raise WAFNonexistentItemException
        marker = _WAF_RESOURCE_TYPES.get(body.get("ResourceType") or "APPLICATION_LOAD_BALANCER")
        arns = [arn for arn in acl.associated_resources if marker and marker in arn]
        return 200, {"Content-Type": "application/json"}, json.dumps({"ResourceArns": arns})

    WAFV2Response.list_resources_for_web_acl = list_resources_for_web_acl


# --- CloudFront managed cache policies -------------------------------------------------------------------
#: id -> (name, comment, MinTTL, DefaultTTL, MaxTTL, gzip/brotli in the cache key); AWS's managed policies
MANAGED_CACHE_POLICIES: dict[str, tuple[str, str, int, int, int, bool]] = {
    "658327ea-f89d-4fab-a63d-7e88639e58f6": ("Managed-CachingOptimized", "Default policy when CF compression is "
                                             "enabled", 1, 86400, 31536000, True),
    "4135ea2d-6df8-44a3-9df3-4b5a84be39ad": ("Managed-CachingDisabled", "Policy with caching disabled", 0, 0, 0,
                                             False),
    "b2884449-e4de-46a7-ac36-70bc7f1ddd6d": ("Managed-CachingOptimizedForUncompressedObjects", "Default policy "
                                             "when compression is disabled", 1, 86400, 31536000, False),
    "83da9c7e-98b4-4e11-a168-04f0df8e2c65": ("Managed-UseOriginCacheControlHeaders", "Policy for origins that "
                                             "return Cache-Control headers", 0, 0, 31536000, True),
}
_CF_NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"


def cache_policy_response(policy_id: str) -> tuple[str, list[tuple[str, str]], str]:
    """``GET /2020-05-31/cache-policy/<id>`` as CloudFront answers it: (status, headers, XML body)."""
    known = MANAGED_CACHE_POLICIES.get(policy_id)
    if known is None:
        body = (f'<?xml version="1.0"?><ErrorResponse xmlns="{_CF_NS}"><Error><Type>Sender</Type>'
                f"<Code>NoSuchCachePolicy</Code><Message>The cache policy does not exist.</Message></Error>"
                f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
        return "404 Not Found", [("Content-Type", "text/xml")], body
    name, comment, low, default, high, encodings = known
    flag = "true" if encodings else "false"
    body = (f'<?xml version="1.0"?><CachePolicy xmlns="{_CF_NS}"><Id>{policy_id}</Id>'
            f"<LastModifiedTime>2020-08-21T23:46:07.000Z</LastModifiedTime><CachePolicyConfig>"
            f"<Comment>{comment}</Comment><Name>{name}</Name><DefaultTTL>{default}</DefaultTTL>"
            f"<MaxTTL>{high}</MaxTTL><MinTTL>{low}</MinTTL><ParametersInCacheKeyAndForwardedToOrigin>"
            f"<EnableAcceptEncodingGzip>{flag}</EnableAcceptEncodingGzip>"
            f"<EnableAcceptEncodingBrotli>{flag}</EnableAcceptEncodingBrotli>"
            f"<HeadersConfig><HeaderBehavior>none</HeaderBehavior></HeadersConfig>"
            f"<CookiesConfig><CookieBehavior>none</CookieBehavior></CookiesConfig>"
            f"<QueryStringsConfig><QueryStringBehavior>none</QueryStringBehavior></QueryStringsConfig>"
            f"</ParametersInCacheKeyAndForwardedToOrigin></CachePolicyConfig></CachePolicy>")
    return "200 OK", [("Content-Type", "text/xml"), ("ETag", "E23ZP02F085DFQ")], body


def record_backup_job(body: dict[str, Any]) -> dict[str, Any]:
    """The lab route: a finished backup job (and its recovery point when COMPLETED) at a chosen time."""
    from moto.backup.models import backup_backends

    backend = backup_backends[body["account_id"]][body["region"]]
    vault = backend.describe_backup_vault(body["vault"])
    completed = _epoch(body["completed_at"])
    started = completed - float(body.get("duration_s", 900))
    jid = body.get("job_id") or uuid.uuid4().hex.upper()
    point_arn = None
    created_by = {k: v for k, v in {"BackupPlanId": body.get("plan_id"), "BackupPlanArn": body.get("plan_arn"),
                                     "BackupRuleId": body.get("rule_id")}.items() if v}
    if body["state"] == "COMPLETED":
        point_arn = body.get("recovery_point_arn") or (
            f"arn:aws:backup:{body['region']}:{body['account_id']}:recovery-point:{uuid.uuid4()}")
        _store(backend)["points"][point_arn] = {
            "RecoveryPointArn": point_arn, "BackupVaultName": vault.backup_vault_name,
            "BackupVaultArn": vault.backup_vault_arn, "ResourceArn": body["resource_arn"],
            "ResourceType": body["resource_type"], "ResourceName": body.get("resource_name"),
            "CreatedBy": created_by, "IamRoleArn": body.get("iam_role_arn"), "Status": "COMPLETED",
            "CreationDate": started, "CompletionDate": completed, "BackupSizeInBytes": 1 << 20,
            "Lifecycle": {"DeleteAfterDays": int(body.get("delete_after_days", 30))},
            "CalculatedLifecycle": {"DeleteAt": completed + 86400 * int(body.get("delete_after_days", 30))},
            "IsEncrypted": True, "VaultType": "BACKUP_VAULT"}
        vault.num_of_recovery_points += 1
    job = {"AccountId": body["account_id"], "BackupJobId": jid, "BackupVaultName": vault.backup_vault_name,
           "BackupVaultArn": vault.backup_vault_arn, "ResourceArn": body["resource_arn"],
           "ResourceType": body["resource_type"], "ResourceName": body.get("resource_name"),
           "CreationDate": started, "State": body["state"], "PercentDone": "100.0" if point_arn else "0.0",
           "CreatedBy": created_by, "IamRoleArn": body.get("iam_role_arn"), "StartBy": started + 3600}
    if point_arn:
        job.update(RecoveryPointArn=point_arn, CompletionDate=completed, BackupSizeInBytes=1 << 20)
    else:
        job.update(StatusMessage=body.get("message", "Backup job failed"), CompletionDate=completed)
    _store(backend)["jobs"][jid] = {k: v for k, v in job.items() if v is not None}
    return _store(backend)["jobs"][jid]


class LabRoutes:
    """WSGI middleware: ``POST /golive-lab/backup-jobs`` for the seeds, ``GET`` of a CloudFront managed cache
    policy; everything else goes to moto."""

    def __init__(self, app: Any):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        policy = CACHE_POLICY_ROUTE.match(environ.get("PATH_INFO") or "")
        if policy and environ.get("REQUEST_METHOD") == "GET":
            status, headers, text = cache_policy_response(unquote(policy.group(1)))
            start_response(status, headers)
            return [text.encode()]
        if environ.get("PATH_INFO") != LAB_ROUTE:
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            job = record_backup_job(json.loads(environ["wsgi.input"].read(length)))
            status, body = "200 OK", json.dumps(job)
        except Exception as exc:  # the seed prints it; the lab start fails with the reason
            status, body = "400 Bad Request", json.dumps({"error": f"{type(exc).__name__}: {exc}"})
        start_response(status, [("Content-Type", "application/json")])
        return [body.encode()]


def _patch_cloudwatch() -> None:
    """CloudWatch percentiles (``Stat: p95``), which moto answers with no value: nearest rank over the period's
    values, as `golive watch` reads TargetResponseTime p95 from GetMetricData."""
    import math

    from moto.cloudwatch.models import Statistics

    if getattr(Statistics, "_golive_percentiles", False):
        return
    original = Statistics.get_statistics_for_type

    def get_statistics_for_type(self: Any, stat: str) -> Any:
        found = re.fullmatch(r"p(\d+(?:\.\d+)?)", stat)
        if not found:
            return original(self, stat)
        values = sorted(self.metric_single_values_list)
        return values[max(1, math.ceil(float(found.group(1)) / 100 * len(values))) - 1] if values else None

    Statistics.get_statistics_for_type = get_statistics_for_type
    Statistics._golive_percentiles = True


def install() -> None:
    """Apply every extension (idempotent); call before the server handles its first request."""
    _patch_cloudwatch()
    _patch_accounts()
    _patch_rds()
    _patch_elasticache()
    _patch_ecs()
    _patch_backup()
    _patch_wafv2()
