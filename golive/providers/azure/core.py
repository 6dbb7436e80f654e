"""The Azure provider: real mgmt SDK clients, reads only, each distinct read made once per run.

``AzureProvider(config)`` takes the profile's ``providers.azure``. Credentials come only from
``DefaultAzureCredential`` (environment, workload identity, managed identity, Azure CLI...), with the authority of
the profile's ``cloud``; the clients talk to that cloud's ARM endpoint with its credential scope (``cloud_of``).
``ca_bundle`` is the trust store for a custom cloud's endpoint (the lab's). Area modules beside this one (``postgres.py``, ``monitor.py``...) hold the reads;
``provider.postgres.flexible_servers()`` calls ``postgres.flexible_servers(provider)``. An area function
decorated ``@records("zone_placements")`` contributes to ``provider.zone_placements()``, which is what
``CloudProviders.gather("zone_placements")`` calls; arguments are passed on (``provider.scaling_status(name)``).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from golive.audit import AuditLog, azure_call, is_log_query
from golive.cache import RunCache
from golive.profile.model import AzureProvider as AzureConfig
from golive.verdict import CouldNotObserve, collect

#: the named clouds (profile ``providers.azure.cloud``) -> ARM endpoint and ``AzureAuthorityHosts`` attribute
NAMED_CLOUDS = {
    "public": ("https://management.azure.com", "AZURE_PUBLIC_CLOUD"),
    "usgovernment": ("https://management.usgovcloudapi.net", "AZURE_GOVERNMENT"),
    "china": ("https://management.chinacloudapi.cn", "AZURE_CHINA"),
}

#: the named clouds -> Log Analytics query endpoint (LOGS-FLOWING; the token audience is the endpoint)
LOGS_ENDPOINTS = {
    "public": "https://api.loganalytics.io",
    "usgovernment": "https://api.loganalytics.us",
    "china": "https://api.loganalytics.azure.cn",
}

#: client name -> (module, class) of the mgmt SDK (pinned in requirements.txt)
CLIENTS = {
    "web": ("azure.mgmt.web", "WebSiteManagementClient"),
    "monitor": ("azure.mgmt.monitor", "MonitorManagementClient"),
    "postgres": ("azure.mgmt.postgresqlflexibleservers", "PostgreSQLManagementClient"),
    "redis": ("azure.mgmt.redis", "RedisManagementClient"),
    "cdn": ("azure.mgmt.cdn", "CdnManagementClient"),
    "frontdoor": ("azure.mgmt.frontdoor", "FrontDoorManagementClient"),
    "keyvault": ("azure.mgmt.keyvault", "KeyVaultManagementClient"),
    "network": ("azure.mgmt.network", "NetworkManagementClient"),
    "dataprotection": ("azure.mgmt.dataprotection", "DataProtectionMgmtClient"),
    "loganalytics": ("azure.mgmt.loganalytics", "LogAnalyticsManagementClient"),
    "portal": ("azure.mgmt.portal", "Portal"),
    "logquery": ("azure.monitor.query", "LogsQueryClient"),
}
_READ = re.compile(r"^(get|list)(_|$)")
_SENSITIVE = re.compile(r"keys|secrets|credential|password|token|publishing|test_notifications")
_RECORDS_ATTR = "__golive_records__"


class ReadOnlyViolation(Exception):
    """golive tried to change something in Azure; a bug in golive, never a verdict."""


def records(kind: str) -> Callable[[Callable[..., Iterable[Any]]], Callable[..., Iterable[Any]]]:
    """Mark an area function ``fn(provider) -> records`` as a contributor to ``provider.<kind>()``."""
    def mark(fn: Callable[..., Iterable[Any]]) -> Callable[..., Iterable[Any]]:
        setattr(fn, _RECORDS_ATTR, (*getattr(fn, _RECORDS_ATTR, ()), kind))
        return fn
    return mark


@functools.cache
def areas() -> dict[str, ModuleType]:
    """The area modules of this package, by name."""
    package = importlib.import_module(__package__)
    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name != "core":
            found[info.name] = importlib.import_module(f"{__package__}.{info.name}")
    return found


def _contributors(kind: str) -> list[Callable[..., Iterable[Any]]]:
    return [fn for module in areas().values() for fn in vars(module).values()
            if callable(fn) and kind in getattr(fn, _RECORDS_ATTR, ())]


@dataclass(frozen=True)
class Cloud:
    """Where one Azure cloud's ARM and Microsoft Entra ID are: what the clients and the credential are given."""

    name: str
    arm_endpoint: str
    authority_host: str
    credential_scope: str
    logs_endpoint: str | None = None  # Log Analytics query API; None: a custom cloud that names none
    logs_scope: str | None = None


def cloud_of(config: AzureConfig) -> Cloud:
    """The cloud the profile names: a named cloud's endpoints, or a custom cloud's from the profile (pure)."""
    if config.cloud == "custom":
        audience = str(config.audience)
        scope = audience if audience.endswith("/.default") else f"{audience.rstrip('/')}/.default"
        logs = config.logs_endpoint.rstrip("/").removesuffix("/v1") if config.logs_endpoint else None
        return Cloud("custom", str(config.arm_endpoint).rstrip("/"), str(config.authority_host), scope, logs,
                     scope if logs else None)
    from azure.identity import AzureAuthorityHosts
    arm, host = NAMED_CLOUDS[config.cloud]
    logs = LOGS_ENDPOINTS[config.cloud]
    return Cloud(config.cloud, arm, getattr(AzureAuthorityHosts, host), f"{arm}/.default", logs, f"{logs}/.default")


class _ReadOnlyOperations:
    def __init__(self, client: str, group: str, operations: Any):
        self._where, self._operations = f"{client}.{group}", operations

    def __getattr__(self, name: str) -> Any:
        if not _READ.match(name) or _SENSITIVE.search(name):
            raise ReadOnlyViolation(f"{self._where}.{name} is refused: golive makes reads only (get*/list*) and "
                                    f"never reads keys, secrets' values or credentials")
        return getattr(self._operations, name)


class LogQuery:
    """The Log Analytics query client (LOGS-FLOWING): only ``query_workspace``, answered as plain tables."""

    def __init__(self, client: Any):
        self._client = client

    def query_workspace(self, workspace_id: str, query: str, timespan: Any) -> dict[str, Any]:
        """``{"tables": [{"name", "columns": [names], "rows": [[...]]}], "status"}`` of one query."""
        result = self._client.query_workspace(workspace_id, query, timespan=timespan)
        tables = getattr(result, "tables", None) or getattr(result, "partial_data", None) or []
        return {"status": str(getattr(result, "status", "")), "error": str(getattr(result, "partial_error", "") or ""),
                "tables": [{"name": t.name, "columns": list(t.columns),
                            "rows": [[plain_cell(v) for v in row] for row in t.rows]} for t in tables]}


def plain_cell(value: Any) -> Any:
    """A Log Analytics cell as JSON: datetimes as ISO 8601."""
    return value.isoformat() if hasattr(value, "isoformat") else value


class ReadOnlyClient:
    """An SDK client whose operation groups expose only get*/list* calls."""

    def __init__(self, name: str, client: Any):
        self._name, self._client = name, client

    def __getattr__(self, group: str) -> Any:
        return _ReadOnlyOperations(self._name, group, getattr(self._client, group))


@dataclass
class Stats:
    """What this run asked of ARM: distinct reads, reads answered from the cache, HTTP requests (with retries)."""

    reads: int = 0
    cached: int = 0
    http_requests: int = 0
    by_read: dict[str, int] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """An SDK result as plain data in ARM's REST shape (camelCase keys); pages are listed in full."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    as_dict = getattr(value, "as_dict", None)
    if hasattr(value, "keys") and callable(as_dict):  # TypeSpec models (MutableMapping over the REST JSON)
        return as_dict()
    if callable(getattr(value, "serialize", None)):  # msrest models (azure-mgmt-monitor)
        return value.serialize(keep_readonly=True)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Iterable):  # ItemPaged follows nextLink while we iterate
        return [plain(v) for v in value]
    return value


class AzureProvider:
    """Reads the Azure resources of one subscription and resource group for the checks."""

    def __init__(self, config: AzureConfig, credential: Any = None, audit: AuditLog | None = None,
                 shared: RunCache | None = None, label: str = ""):
        self.config = config
        self.label = label  # the target's name when the profile names several subscriptions, else ""
        self.shared = shared if shared is not None else RunCache(None)
        self.audit = audit if audit is not None else AuditLog()
        self.subscription_id = config.subscription_id
        self.resource_group = config.resource_group
        self.cloud = cloud_of(config)
        self.endpoint = self.cloud.arm_endpoint
        self.stats = Stats()
        self._credential = credential
        self._clients: dict[str, ReadOnlyClient] = {}
        self._cache: dict[tuple[str, str], Any] = {}
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"AzureProvider(subscription {self.subscription_id}, resource group {self.resource_group}, {self.endpoint})"

    # --- clients ---------------------------------------------------------------------------------
    @property
    def credential(self) -> Any:
        if self._credential is None:
            from azure.identity import DefaultAzureCredential
            self._credential = DefaultAzureCredential(authority=self.cloud.authority_host)
        return self._credential

    def client(self, name: str) -> Any:
        """The mgmt SDK client ``name`` (a key of CLIENTS), read-only, built once; ``logquery`` is the Log
        Analytics query client (its one POST is a read, golive/audit.py)."""
        with self._lock:
            if name not in self._clients:
                module, cls = CLIENTS[name]
                sdk = getattr(importlib.import_module(module), cls)
                kwargs: dict[str, Any] = {
                    "retry_total": self.config.max_retries, "retry_connect": min(2, self.config.max_retries),
                    "retry_read": min(2, self.config.max_retries), "retry_backoff_factor": 0.4,
                    "retry_backoff_max": 8, "connection_timeout": self.config.timeout_s,
                    "read_timeout": self.config.timeout_s, "raw_request_hook": self._on_request,
                    "user_agent": "golive/0.1 (go-live verification, read-only)",
                    "base_url": self.cloud.arm_endpoint, "credential_scopes": [self.cloud.credential_scope],
                }
                if self.config.ca_bundle is not None:
                    kwargs["connection_verify"] = str(self.config.ca_bundle)
                if name == "logquery":  # the Log Analytics query API (LOGS-FLOWING), not ARM
                    if self.cloud.logs_endpoint is None:
                        raise CouldNotObserve(self.target("Log Analytics query API"), "the custom cloud names no "
                                              f"logs_endpoint; add {self.config.field}.logs_endpoint to the profile")
                    from azure.monitor.query import LogsQueryClient
                    kwargs.pop("base_url")
                    kwargs.update(endpoint=self.cloud.logs_endpoint, credential_scopes=[self.cloud.logs_scope])
                    self._clients[name] = LogQuery(LogsQueryClient(self.credential, **kwargs))
                    return self._clients[name]
                self._clients[name] = ReadOnlyClient(name, sdk(self.credential, self.subscription_id, **kwargs))
            return self._clients[name]

    def _on_request(self, request: Any) -> None:
        http = request.http_request
        self.audit.record(azure_call(http.method, http.url, target=self.label))
        query = (self.cloud.logs_endpoint is not None and http.url.startswith(f"{self.cloud.logs_endpoint}/")
                 and is_log_query(http.method, urlsplit(http.url).path))  # a read by exact path (golive/audit.py)
        if http.method not in ("GET", "HEAD") and not query:
            raise ReadOnlyViolation(f"{http.method} {http.url} refused: golive makes reads only")
        with self._lock:
            self.stats.http_requests += 1

    # --- reads -----------------------------------------------------------------------------------
    def read(self, client: str, what: str, call: Callable[[ReadOnlyClient], Any]) -> Any:
        """``call(client)`` once per run, as plain data; ``what`` names the read in evidence and errors.

        Every page of a list is read (ItemPaged follows nextLink); throttling (429, Retry-After) and transient
        errors are retried by the SDK's retry policy; what still fails becomes CouldNotObserve.
        """
        key = (client, what)
        with self._lock:
            if key in self._cache:
                self.stats.cached += 1
                return self._unwrap(self._cache[key])
        before = self.stats.http_requests
        try:
            # shared with the run's other processes (xdist workers): one read per run, not per worker
            value: Any = self.shared.get_or_compute(
                f"azure {self.endpoint} {self.subscription_id} {self.resource_group} {client} {what}",
                lambda: plain(call(self.client(client))))
        except CouldNotObserve as exc:
            value = exc
        except Exception as exc:  # noqa: BLE001 (only Azure errors are translated; others re-raised below)
            value = self._could_not_observe(what, exc, client)
            if value is None:
                raise
        with self._lock:
            self._cache[key] = value
            self.stats.reads += 1
            self.stats.by_read[f"{client}: {what}"] = self.stats.http_requests - before
        return self._unwrap(value)

    @staticmethod
    def _unwrap(value: Any) -> Any:
        if isinstance(value, CouldNotObserve):
            raise value
        return value

    def target(self, what: str) -> str:
        return f"Azure {what} (subscription {self.subscription_id}, resource group {self.resource_group})"

    def _could_not_observe(self, what: str, exc: Exception, client: str = "") -> CouldNotObserve | None:
        from azure.core.exceptions import (
            AzureError,
            ClientAuthenticationError,
            HttpResponseError,
            ResourceNotFoundError,
            ServiceRequestError,
            ServiceResponseError,
        )

        target = self.target(what)
        api, where, setting = (("the Log Analytics query API", self.cloud.logs_endpoint, "logs_endpoint")
                               if client == "logquery" else ("ARM", self.endpoint, "arm_endpoint"))
        if isinstance(exc, ClientAuthenticationError) and getattr(exc, "status_code", None) is None:
            return CouldNotObserve(target, f"no usable Azure credential ({_first_line(exc)}); sign in with "
                                           f"`az login`, set AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, "
                                           f"or run where a managed identity with Reader on the resource group "
                                           f"is available")
        if isinstance(exc, ClientAuthenticationError):
            return CouldNotObserve(target, f"ARM refused the credential (HTTP {exc.status_code} "
                                           f"{_code(exc)}: {_message(exc)}); give the identity golive runs as the "
                                           f"Reader role on resource group {self.resource_group}")
        if isinstance(exc, ResourceNotFoundError):
            return CouldNotObserve(target, f"ARM answered 404 {_code(exc)}: {_message(exc)}; check "
                                           f"{self.config.field}.subscription_id/resource_group and the resource name "
                                           f"in the profile")
        if isinstance(exc, HttpResponseError) and exc.status_code == 429:
            return CouldNotObserve(target, f"ARM kept throttling (HTTP 429) after {self.config.max_retries} "
                                           f"retries; run again later or raise {self.config.field}.max_retries")
        if isinstance(exc, HttpResponseError):
            return CouldNotObserve(target, f"{api} answered HTTP {exc.status_code} {_code(exc)}: {_message(exc)}")
        if isinstance(exc, (ServiceRequestError, ServiceResponseError)):
            return CouldNotObserve(target, f"{api} at {where} could not be reached ({_first_line(exc)}); "
                                           f"check the network path, {self.config.field}.cloud ({setting}) and the trust "
                                           f"store ({self.config.field}.ca_bundle)")
        if isinstance(exc, AzureError):
            return CouldNotObserve(target, f"{type(exc).__name__}: {_first_line(exc)}")
        return None

    # --- areas and records -----------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        module = areas().get(name)
        if module is not None:
            return _Area(module, self)
        contributors = _contributors(name)
        if contributors:
            # each contributor reads on its own: one that cannot read is a blind spot, the others still count
            return lambda *args, **kwargs: collect(self, *(_with_args(fn, args, kwargs) for fn in contributors))
        raise AttributeError(f"AzureProvider has no area or record kind {name!r}")


def _with_args(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Callable[[Any], Any]:
    return lambda provider: fn(provider, *args, **kwargs)


class _Area:
    """``provider.<area>``: the area module's functions with the provider bound as first argument."""

    def __init__(self, module: ModuleType, provider: AzureProvider):
        self._module, self._provider = module, provider

    def __getattr__(self, name: str) -> Any:
        fn = getattr(self._module, name)
        return functools.partial(fn, self._provider)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _code(exc: Any) -> str:
    error = getattr(exc, "error", None)
    return getattr(error, "code", None) or getattr(exc, "reason", "") or ""


def _message(exc: Any) -> str:
    error = getattr(exc, "error", None)
    return getattr(error, "message", None) or _first_line(exc)
