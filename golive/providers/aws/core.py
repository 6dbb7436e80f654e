"""The AWS provider's core: sessions, clients, and the one way to read (``AwsProvider.read``).

Reads only. ``read(service, operation, **params)``:
- refuses any operation that is not a read (Describe*, List*, Get*, Search*, BatchGet*): the suite never
  changes cloud state, and never reads secret material (GetSecretValue);
- paginates when boto3 has a paginator for it (the merged result, as ``build_full_result`` gives it);
- makes each distinct read (service, region, operation, params) once per run and shares it;
- retries throttling with botocore's "standard" retry mode and the profile's ``max_attempts``;
- counts the API calls it sent (``stats``) for the run's "API calls per run" figure;
- turns every botocore error into ``CouldNotObserve`` naming the call and endpoint, and what to do.

Service areas add records in their own module (see golive/providers/aws/__init__.py), never here.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections import Counter
from functools import partial
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from golive.audit import AuditLog, aws_call
from golive.cache import RunCache
from golive.profile.model import AwsProvider as AwsConfig
from golive.verdict import CouldNotObserve

READ_OPERATION = re.compile(r"^(Describe|List|Get|Search|BatchGet)[A-Z0-9]")
#: reads that return secret material; the suite checks rotation, never values
SECRET_READS = frozenset({"GetSecretValue", "BatchGetSecretValue", "GetParameter", "GetParameters",
                          "GetParametersByPath", "GetPasswordData", "GetAuthorizationToken"})
DENIED = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
          "AuthorizationError", "AuthorizationErrorException", "Forbidden")
BAD_CREDENTIALS = ("ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidClientTokenId",
                   "UnrecognizedClientException", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                   "AuthFailure", "InvalidToken", "TokenRefreshRequired")
THROTTLED = ("Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
             "TooManyRequestsException", "RequestThrottled", "RequestThrottledException",
             "ProvisionedThroughputExceededException", "SlowDown", "BandwidthLimitExceeded")


class NotAReadOperation(Exception):
    """A caller asked the provider for an operation that could change cloud state (a bug in golive)."""


class AwsProvider:
    """One AWS account/region as the profile's ``providers.aws`` names it; the only code that calls boto3.

    ``stats``: ``calls`` (API requests sent, one per page), ``attempts`` (HTTP attempts incl. retries),
    ``reads`` (distinct reads made), ``cache_hits`` (reads answered from the cache).
    """

    def __init__(self, config: AwsConfig, audit: AuditLog | None = None, shared: RunCache | None = None,
                 label: str = ""):
        self.config = config
        self.label = label  # "<target>/<region>" when the profile names several AWS targets, else ""
        self.shared = shared if shared is not None else RunCache(None)
        self.audit = audit if audit is not None else AuditLog()
        self.stats: Counter[str] = Counter()
        self._cache: dict[str, Any] = {}
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.RLock()
        self._session: boto3.Session | None = None

    # --- where and who ---------------------------------------------------------------------------------
    @property
    def where(self) -> str:
        return self.config.endpoint_url or f"AWS {self.config.region}"

    def target(self, service: str, operation: str, region: str | None = None) -> str:
        region = region or self.config.region
        at = f"AWS {service}:{_api_name(operation)} in {region} at {self.config.endpoint_url or 'the AWS endpoint'}"
        return f"{self.label}: {at}" if self.label else at

    def session(self) -> boto3.Session:
        """boto3's default credential chain, narrowed by the profile (profile name, credentials file)."""
        with self._lock:
            if self._session is None:
                core = botocore.session.Session(profile=self.config.profile)
                if self.config.credentials_file is not None:
                    core.set_config_variable("credentials_file", str(self.config.credentials_file))
                role = getattr(self.config, "role_arn", None)
                if role is not None:
                    core._credentials = self._assumed(core, role)  # botocore's refreshable assume-role credentials
                self._session = boto3.Session(botocore_session=core, region_name=self.config.region)
            return self._session

    def _assumed(self, source: botocore.session.Session, role: str) -> Any:
        """The reader role's temporary credentials: sts:AssumeRole with the chain's credentials, refreshed before
        they expire; audited like every call (it issues credentials and changes no cloud state)."""
        sts = source.create_client("sts", region_name=self.config.region, endpoint_url=self.config.endpoint_url,
                                   config=Config(retries={"mode": "standard", "max_attempts": self.config.max_attempts},
                                                 connect_timeout=self.config.timeout_s,
                                                 read_timeout=self.config.timeout_s, user_agent_appid="golive"))
        sts.meta.events.register("before-call", partial(self._count_call, role=role))
        params = {"RoleArn": role, "RoleSessionName": self.config.session_name}
        if self.config.external_id is not None:
            params["ExternalId"] = self.config.external_id

        def refresh() -> dict[str, str]:
            try:
                got = sts.assume_role(**params)["Credentials"]
            except (BotoCoreError, ClientError) as exc:
                raise self._could_not_observe(exc, "sts", "AssumeRole", None) from exc
            return {"access_key": got["AccessKeyId"], "secret_key": got["SecretAccessKey"],
                    "token": got["SessionToken"], "expiry_time": got["Expiration"].isoformat()}

        return RefreshableCredentials.create_from_metadata(refresh(), refresh, "assume-role")

    def client(self, service: str, region: str | None = None) -> Any:
        """A cached boto3 client with the profile's retries and timeouts; counts every call it sends."""
        region = region or self.config.region
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                config = Config(retries={"mode": "standard", "max_attempts": self.config.max_attempts},
                                connect_timeout=self.config.timeout_s, read_timeout=self.config.timeout_s,
                                user_agent_appid="golive")
                try:
                    client = self.session().client(service, region_name=region, endpoint_url=self.config.endpoint_url,
                                                   config=config)
                except (BotoCoreError, ClientError) as exc:
                    raise self._could_not_observe(exc, service, "(client)", region) from exc
                client.meta.events.register("before-call", self._count_call)
                client.meta.events.register("before-send", self._count_attempt)
                self._clients[key] = client
            return self._clients[key]

    def _count_call(self, model: Any = None, role: str = "", **_: Any) -> None:
        self.stats["calls"] += 1
        if model is not None:  # every call that leaves boto3, whoever made it: the read-only audit
            service = model.service_model
            self.audit.record(aws_call(service.signing_name, model.name, service.service_name, path=role,
                                       target=self.label))

    def _count_attempt(self, **_: Any) -> None:
        self.stats["attempts"] += 1

    # --- reading ---------------------------------------------------------------------------------------
    def read(self, service: str, operation: str, region: str | None = None, **params: Any) -> dict[str, Any]:
        """One read, paginated and merged, made once per run (a copy of the cached answer is returned).

        ``operation`` is the API name ("DescribeDBInstances") or boto3's method name ("describe_db_instances").
        """
        client = self.client(service, region)
        method = _method_name(client, operation)
        api = client.meta.method_to_api_mapping.get(method)
        if api is None:
            raise NotAReadOperation(f"{service} has no operation {operation!r}")
        if not READ_OPERATION.match(api) or api in SECRET_READS:
            raise NotAReadOperation(f"{service}:{api} is not a read golive may make; the suite only describes, "
                                    f"lists and gets configuration (never writes, never reads secret values)")
        key = json.dumps([service, region or self.config.region, api, params], sort_keys=True, default=str)
        with self._lock:
            if key in self._cache:
                self.stats["cache_hits"] += 1
                return copy.deepcopy(self._cache[key])
        def fetch() -> dict[str, Any]:
            try:
                if client.can_paginate(method):
                    answer = client.get_paginator(method).paginate(**params).build_full_result()
                else:
                    answer = getattr(client, method)(**params)
            except (BotoCoreError, ClientError) as exc:
                raise self._could_not_observe(exc, service, api, region) from exc
            answer.pop("ResponseMetadata", None)
            return answer

        # shared with the run's other processes (xdist workers): one read per run, not per worker
        result = self.shared.get_or_compute(f"aws {self.where} {self.config.profile} {self._who()}{key}", fetch)
        with self._lock:
            self._cache[key] = result
            self.stats["reads"] += 1
        return copy.deepcopy(result)

    def _who(self) -> str:
        """What else makes two targets on one endpoint and profile different accounts (never shared reads)."""
        parts = [getattr(self.config, "role_arn", None), self.config.credentials_file]
        return "".join(f"{p} " for p in parts if p is not None)

    def _could_not_observe(self, exc: Exception, service: str, api: str, region: str | None) -> CouldNotObserve:
        target = self.target(service, api, region)
        return CouldNotObserve(target, explain(exc, self.config))


def _method_name(client: Any, operation: str) -> str:
    if operation in client.meta.method_to_api_mapping:
        return operation
    from botocore import xform_name
    return xform_name(operation)


def _api_name(operation: str) -> str:
    if "_" in operation or operation.islower():
        return "".join(part.capitalize() for part in operation.split("_"))
    return operation


def explain(exc: Exception, config: AwsConfig) -> str:
    """What went wrong and what to do, in one sentence for the change board."""
    who = (f"profile {config.profile!r}" if config.profile else "the default credential chain") + (
        f" (credentials file {config.credentials_file})" if config.credentials_file else "")
    if isinstance(exc, ProfileNotFound):
        return (f"AWS profile {config.profile!r} is not configured{' in ' + str(config.credentials_file) if config.credentials_file else ''}; "
                f"create it (`aws configure --profile {config.profile}` / `aws sso login`) or fix {config.field}.profile")
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return (f"no usable AWS credentials from {who}; set AWS_PROFILE or {config.field}.profile, run "
                f"`aws sso login`, or run golive where an instance/task role is available ({exc})")
    if isinstance(exc, NoRegionError):
        return f"no AWS region; set {config.field}.region"
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        return (f"could not connect to {getattr(exc, 'kwargs', {}).get('endpoint_url') or config.endpoint_url or 'AWS'}"
                f" ({exc}); check network/proxy access to the endpoint"
                + ("; for the lab, start it with `golive lab up`" if config.endpoint_url else ""))
    if isinstance(exc, ReadTimeoutError):
        return f"no answer within {config.timeout_s:g} s ({exc}); raise {config.field}.timeout_s or retry later"
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code, message = str(error.get("Code", "")), error.get("Message", "")
        if code in DENIED:
            return (f"access denied ({code}: {message}); grant {who} read access to this call "
                    f"(e.g. the AWS managed policy ReadOnlyAccess or SecurityAudit)")
        if code in BAD_CREDENTIALS:
            return f"the credentials of {who} were refused ({code}: {message}); refresh them (`aws sso login`)"
        if code in THROTTLED:
            return (f"throttled after {config.max_attempts} attempts ({code}: {message}); raise "
                    f"{config.field}.max_attempts or run again later")
        return f"the API answered {code or exc.response.get('ResponseMetadata', {}).get('HTTPStatusCode')}: {message or exc}"
    return f"{type(exc).__name__}: {exc}"
