"""Read-only audit: every cloud API call a run makes, recorded where it leaves the SDK, judged read or not.

The providers refuse writes before sending them; the audit is the independent proof. Calls are appended
to a JSON-lines file in the run cache (shared by xdist workers); the plugin fails the run when any call
was not a read, and ``golive audit-policy`` turns what was recorded into the minimal read-only IAM policy,
Azure role and Kubernetes ClusterRole the suite needs (golive/least_privilege.py).
"""

from __future__ import annotations

import fcntl
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

AWS_READ = re.compile(r"^(Describe|List|Get|Search|BatchGet)[A-Z0-9]")
AWS_SECRET_READS = frozenset({"GetSecretValue", "BatchGetSecretValue", "GetParameter", "GetParameters",
                              "GetParametersByPath", "GetPasswordData", "GetAuthorizationToken"})
#: not a Describe/List/Get, yet read-only: AssumeRole issues temporary credentials of a reader role (profile
#: ``aws_targets[].role_arn``) and changes no cloud state; it is the only exception, by exact action
AWS_CREDENTIAL_CALLS = frozenset({"sts:AssumeRole"})
#: the one Azure POST that is a read: the Log Analytics query API (``POST {logs endpoint}/v1/workspaces/{id}/query``,
#: LOGS-FLOWING) runs a KQL query and changes nothing; golive sends only its own fixed, time-bounded summary query
#: (golive/providers/azure/logflow.py). Every other POST is a write and fails the run.
AZURE_LOG_QUERY = re.compile(r"^/v1/workspaces/[0-9A-Za-z-]+/query$")
AZURE_LOG_QUERY_ACTION = "Microsoft.OperationalInsights/workspaces/query/read"


def is_log_query(method: str, path: str) -> bool:
    """The Log Analytics query POST (a read, by exact path), the only Azure POST golive makes."""
    return method == "POST" and bool(AZURE_LOG_QUERY.match(path))


@dataclass(frozen=True)
class ApiCall:
    """One call as it left the SDK. action: AWS ``service:Operation``, Azure/Kubernetes ``METHOD path``."""

    cloud: str  # aws | azure | kubernetes
    service: str  # AWS signing name (not always the IAM prefix), Azure provider namespace, Kubernetes API group
    action: str
    method: str  # HTTP method for Azure/Kubernetes; the operation name for AWS
    path: str = ""
    sdk_service: str = ""  # AWS: botocore's client name ("cloudwatch"), to find the IAM prefix in the reference
    target: str = ""  # the profile's target ("prod-eu/eu-west-1") when a cloud has several, else ""

    @property
    def is_read(self) -> bool:
        if self.cloud == "aws":
            if self.action in AWS_CREDENTIAL_CALLS:
                return True
            op = self.action.split(":", 1)[1]
            return bool(AWS_READ.match(op)) and op not in AWS_SECRET_READS
        if self.cloud == "azure" and is_log_query(self.method, self.path):
            return True
        return self.method in {"GET", "HEAD"}


class AuditLog:
    """Append-only record of a run's cloud calls; in memory when no file is given."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._calls: list[ApiCall] = []

    def record(self, call: ApiCall) -> None:
        if self.path is None:
            self._calls.append(call)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            line = {k: v for k, v in asdict(call).items() if v or k != "target"}  # one target: as before
            handle.write(json.dumps(line) + "\n")

    def calls(self) -> list[ApiCall]:
        if self.path is None:
            return list(self._calls)
        if not self.path.exists():
            return []
        return [ApiCall(**json.loads(line)) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def writes(self) -> list[ApiCall]:
        return [c for c in self.calls() if not c.is_read]


# --- what the clouds' SDKs send, as ApiCall -------------------------------------------------------------
def aws_call(signing_name: str, operation: str, sdk_service: str = "", path: str = "", target: str = "") -> ApiCall:
    """The API call as sent; its IAM action comes from the reference (golive/least_privilege.py).
    ``path``: the role ARN of an sts:AssumeRole, so the policy can name the roles assumed."""
    return ApiCall("aws", signing_name, f"{signing_name}:{operation}", operation, path, sdk_service, target)


def azure_call(method: str, url: str, target: str = "") -> ApiCall:
    """``target``: the profile's subscription target when Azure has several (issue 18), else ""."""
    path = urlsplit(url).path
    return ApiCall("azure", azure_namespace(path), azure_action(method, path), method, path, target=target)


def kubernetes_call(method: str, url: str, target: str = "") -> ApiCall:
    """``target``: the profile's cluster target when Kubernetes has several (issue 18), else ""."""
    path = urlsplit(url).path
    group, _resource, _verb = kubernetes_rule(method, path)
    return ApiCall("kubernetes", group, f"{method} {path}", method, path, target=target)


# --- Azure: ARM path -> RBAC action ---------------------------------------------------------------------
def azure_namespace(path: str) -> str:
    if AZURE_LOG_QUERY.match(path):
        return "Microsoft.OperationalInsights"
    parts = [p for p in path.split("/") if p]
    lowered = [p.lower() for p in parts]
    if "providers" in lowered:
        return parts[len(lowered) - 1 - lowered[::-1].index("providers") + 1]
    return "Microsoft.Resources"


def azure_action(method: str, path: str) -> str:
    """``Microsoft.Web/sites/config/read`` for GET .../providers/Microsoft.Web/sites/x/config/web; the Log
    Analytics query POST is ``Microsoft.OperationalInsights/workspaces/query/read``."""
    if is_log_query(method, path):
        return AZURE_LOG_QUERY_ACTION
    parts = [p for p in path.split("/") if p]
    lowered = [p.lower() for p in parts]
    verb = "read" if method in {"GET", "HEAD"} else ("delete" if method == "DELETE" else "write")
    if "providers" not in lowered:
        kinds = ["subscriptions"] + (["resourceGroups"] if "resourcegroups" in lowered else [])
        return f"Microsoft.Resources/{'/'.join(kinds)}/{verb}"
    at = len(lowered) - 1 - lowered[::-1].index("providers")
    namespace, rest = parts[at + 1], parts[at + 2:]
    kinds = rest[0::2]
    return "/".join([namespace, *kinds, verb])


# --- Kubernetes: API path -> RBAC rule ------------------------------------------------------------------
def kubernetes_rule(method: str, path: str) -> tuple[str, str, str]:
    """(apiGroup, resource, verb) of a request path: /apis/apps/v1/namespaces/p/deployments -> apps, deployments."""
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] not in {"api", "apis"}:
        return "", "nonResourceURL:" + path, method.lower()
    group, rest = ("", parts[2:]) if parts[0] == "api" else (parts[1], parts[3:])
    if len(rest) >= 2 and rest[0] == "namespaces" and len(rest) > 2:
        rest = rest[2:]
    resource = rest[0] if rest else ""
    if len(rest) > 2:
        resource = f"{resource}/{rest[2]}"  # subresource such as status
    read_verb = "get" if len(rest) >= 2 else "list"
    verb = read_verb if method in {"GET", "HEAD"} else {"POST": "create", "PUT": "update", "PATCH": "patch",
                                                        "DELETE": "delete"}.get(method, method.lower())
    return group, resource, verb
