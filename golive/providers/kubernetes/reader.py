"""Reading a Kubernetes API: one client per run, each distinct read made once, pages followed, errors explained.

Only the ``kubernetes`` client's read verbs pass (``list_*``, ``read_*``, ``get_*``); anything that would change
the cluster is refused before a request is made. Connection errors, API errors and a missing or unusable
kubeconfig become CouldNotObserve naming the server, the read and what to do.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from golive.audit import AuditLog, kubernetes_call
from golive.profile.model import KubernetesProvider as KubernetesConfig
from golive.verdict import CouldNotObserve

READ_VERBS = ("list_", "read_", "get_")
RETRY_STATUS = frozenset({429, 503, 504})


class ReadOnlyError(ValueError):
    """A provider asked the client for a verb that changes the cluster (a bug in golive, not in the target)."""


@dataclass(frozen=True)
class ReadStats:
    """For the run's closing note: requests sent against distinct reads made and objects they returned."""

    requests: int
    reads: int
    objects: int


class KubeReader:
    """The cluster one profile names, read through the official client's typed APIs and CustomObjectsApi."""

    def __init__(self, config: KubernetesConfig, audit: AuditLog | None = None, label: str = ""):
        self.config = config
        self.label = label  # the target's name when the profile names several clusters, else ""
        self.audit = audit if audit is not None else AuditLog()
        self._cache: dict[tuple, Any] = {}
        self._lock = threading.RLock()
        self.requests = 0
        self.objects = 0

    # --- connection -------------------------------------------------------------------------------------
    @property
    def source(self) -> str:
        if self.config.in_cluster:
            return "in-cluster service account"
        where = str(self.config.kubeconfig) if self.config.kubeconfig else "default kubeconfig ($KUBECONFIG or ~/.kube/config)"
        return f"{where}, context {self.config.context or '(current)'}"

    @property
    def target(self) -> str:
        host = self.__dict__.get("client")
        server = host.configuration.host if host is not None else None
        return f"Kubernetes API {server} ({self.source})" if server else f"Kubernetes API ({self.source})"

    @cached_property
    def client(self) -> Any:
        from kubernetes import client, config
        from kubernetes.config.config_exception import ConfigException

        configuration = client.Configuration()
        configuration.retries = 1  # one reconnect; throttling is retried below with backoff
        try:
            if self.config.in_cluster:
                config.load_incluster_config(client_configuration=configuration)
                return self._audited(client.ApiClient(configuration))
            path = self.config.kubeconfig
            if path is not None and not Path(path).is_file():
                raise CouldNotObserve(self.target, f"kubeconfig {path} does not exist; point {self.config.field}."
                                                   f"kubeconfig at the cluster's kubeconfig (for the lab: run "
                                                   f"`golive lab up`)")
            return self._audited(config.new_client_from_config(
                config_file=str(path) if path else None, context=self.config.context, persist_config=False,
                client_configuration=configuration))
        except ConfigException as exc:
            raise CouldNotObserve(self.target, f"the kubeconfig cannot be used: {exc}; check the file, the "
                                               f"context name and its credentials (kubectl --kubeconfig ... "
                                               f"config view)") from None
        except (OSError, ValueError) as exc:
            raise CouldNotObserve(self.target, f"the kubeconfig cannot be read: {exc}") from None

    def _audited(self, api_client: Any) -> Any:
        """Record every HTTP request the client sends, whoever asked for it: the read-only audit."""
        rest = api_client.rest_client
        send = rest.request

        def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            self.audit.record(kubernetes_call(method, url, target=self.label))
            return send(method, url, *args, **kwargs)

        rest.request = request
        return api_client

    # --- reads --------------------------------------------------------------------------------------------
    def call(self, api: str, method: str, **kwargs: Any) -> Any:
        """One read (``read_namespaced_deployment``, ``get_code``...), made once per run."""
        return self._cached(("call", api, method, _frozen(kwargs)), lambda: self._request(api, method, kwargs))

    def items(self, api: str, method: str, **kwargs: Any) -> list[Any]:
        """Every item of a list read, following ``continue`` tokens page by page; made once per run.

        Typed APIs give typed objects (``V1Node``...); ``CustomObjectsApi`` gives dicts.
        """
        if not method.startswith("list_"):
            raise ReadOnlyError(f"{api}.{method}: items() is for list_* reads")

        def fetch() -> list[Any]:
            out: list[Any] = []
            token: str | None = None
            while True:
                page = self._request(api, method, {**kwargs, "limit": self.config.page_size,
                                                   **({"_continue": token} if token else {})})
                batch, token = _page(page)
                out.extend(batch)
                if not token:
                    break
            self.objects += len(out)
            return out

        return self._cached(("items", api, method, _frozen(kwargs)), fetch)

    def stats(self) -> ReadStats:
        return ReadStats(self.requests, len(self._cache), self.objects)

    def _cached(self, key: tuple, fetch: Any) -> Any:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = fetch()
            return self._cache[key]

    def _request(self, api: str, method: str, kwargs: dict[str, Any]) -> Any:
        from kubernetes import client
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        if not method.startswith(READ_VERBS):
            raise ReadOnlyError(f"{api}.{method}: golive only reads; {method.split('_', 1)[0]} is refused")
        bound = getattr(getattr(client, api)(self.client), method)
        what = f"{api}.{method}({', '.join(f'{k}={v}' for k, v in kwargs.items() if k not in ('limit', '_continue'))})"
        for attempt in range(1, self.config.max_attempts + 1):
            self.requests += 1
            try:
                return bound(**kwargs, _request_timeout=self.config.timeout_s)
            except ApiException as exc:
                if exc.status in RETRY_STATUS and attempt < self.config.max_attempts:
                    time.sleep(_backoff(exc, attempt))
                    continue
                raise CouldNotObserve(self.target, f"{what} answered {_api_error(exc)}") from None
            except (HTTPError, OSError) as exc:
                raise CouldNotObserve(self.target, f"{what}: cannot reach the API server ({type(exc).__name__}: "
                                                   f"{_short(exc)}); check the kubeconfig's server address, the "
                                                   f"network path and that the cluster is up") from None
        raise AssertionError("unreachable")


def _page(result: Any) -> tuple[list[Any], str | None]:
    if isinstance(result, dict):  # CustomObjectsApi
        return list(result.get("items") or []), (result.get("metadata") or {}).get("continue") or None
    return list(result.items or []), getattr(result.metadata, "_continue", None) or None


def _frozen(kwargs: dict[str, Any]) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))


def _backoff(exc: Any, attempt: int) -> float:
    after = (exc.headers or {}).get("Retry-After") if hasattr(exc, "headers") else None
    try:
        return min(float(after), 10.0) if after else min(0.5 * 2 ** (attempt - 1), 5.0)
    except ValueError:
        return min(0.5 * 2 ** (attempt - 1), 5.0)


def _api_error(exc: Any) -> str:
    import json

    message = ""
    try:
        message = json.loads(exc.body or "{}").get("message", "")
    except (ValueError, AttributeError):
        message = str(exc.body or "")[:200]
    hint = {401: "the kubeconfig's credentials were rejected; renew the token or certificate",
            403: "the credentials may not read this; grant get/list on it (a read-only ClusterRole)",
            404: "not found; check the namespace and name, or whether the API (CRD) is installed",
            410: "the list changed while paging; run again"}.get(exc.status, "see the API server's message")
    return f"HTTP {exc.status} {exc.reason}: {message or '(no message)'}; {hint}"


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "reason", None) or exc)
    return text if len(text) < 200 else text[:200] + "..."
