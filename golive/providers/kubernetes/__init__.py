"""Kubernetes provider: the cluster's objects through the official client, turned into records by area modules.

``KubernetesProvider(config)`` holds one KubeReader (reader.py: cached, counted, paged, read-only) and the
typed reads every area needs (``nodes()``, ``deployments()``, ``hpas()``, ``prometheus_rules()``...).
A reader without ``namespace`` reads every namespace of the profile, one list call each.

Records for checks come from area modules in this package, one per area (``zones.py`` for MULTI-AZ,
``backups.py`` for BACKUPS, ...). An area module marks its record functions with ``@provides``; they become
methods of the provider, so ``providers.gather("zone_placements")`` finds them and adding an area touches no
shared file::

    from golive.providers.kubernetes import provides

    @provides
    def zone_placements(kube) -> list[ZonePlacement]:
        zones = {n.metadata.name: n.metadata.labels.get(ZONE) for n in kube.nodes()}
        ...
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from golive.audit import AuditLog
from golive.profile.model import KubernetesProvider as KubernetesConfig
from golive.providers.kubernetes.reader import KubeReader, ReadOnlyError, ReadStats

__all__ = ["ZONE_LABEL", "KubeReader", "KubernetesProvider", "ReadOnlyError", "ReadStats", "provides"]

ZONE_LABEL = "topology.kubernetes.io/zone"
_CORE = {"reader"}
_PROVIDED: dict[str, Callable[..., Any]] = {}


def provides(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Make ``fn(kube, ...)`` a method of KubernetesProvider (a record read for ``providers.gather``)."""
    known = _PROVIDED.get(fn.__name__)
    if known is not None and known.__module__ != fn.__module__:  # a re-imported module replaces its own
        raise ValueError(f"two Kubernetes area modules provide {fn.__name__}: {_PROVIDED[fn.__name__].__module__} "
                         f"and {fn.__module__}")
    _PROVIDED[fn.__name__] = fn
    return fn


def _load_areas() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name not in _CORE and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


class KubernetesProvider:
    """One cluster, read only, each distinct read once per run."""

    def __init__(self, config: KubernetesConfig, reader: KubeReader | None = None, audit: AuditLog | None = None,
                 label: str = ""):
        self.config = config
        self.read = reader or KubeReader(config, audit, label)
        self.namespaces: tuple[str, ...] = tuple(config.namespaces)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        _load_areas()
        fn = _PROVIDED.get(name)
        if fn is None:
            raise AttributeError(f"{type(self).__name__} has no read {name!r} (no area module provides it)")
        return lambda *args, **kwargs: fn(self, *args, **kwargs)

    @property
    def target(self) -> str:
        return self.read.target

    def stats(self) -> ReadStats:
        return self.read.stats()

    # --- typed reads shared by the areas ---------------------------------------------------------------
    def _each(self, namespace: str | None, api: str, method: str, **kwargs: Any) -> list[Any]:
        spaces = (namespace,) if namespace else self.namespaces
        return [obj for ns in spaces for obj in self.read.items(api, method, namespace=ns, **kwargs)]

    def version(self) -> str:
        return self.read.call("VersionApi", "get_code").git_version

    def nodes(self, label_selector: str = "") -> list[Any]:
        """V1Node, cluster-wide (zone: ``node.metadata.labels[ZONE_LABEL]``)."""
        return self.read.items("CoreV1Api", "list_node", **_sel(label_selector))

    def pods(self, namespace: str | None = None, label_selector: str = "") -> list[Any]:
        return self._each(namespace, "CoreV1Api", "list_namespaced_pod", **_sel(label_selector))

    def services(self, namespace: str | None = None, label_selector: str = "") -> list[Any]:
        return self._each(namespace, "CoreV1Api", "list_namespaced_service", **_sel(label_selector))

    def deployments(self, namespace: str | None = None, label_selector: str = "") -> list[Any]:
        return self._each(namespace, "AppsV1Api", "list_namespaced_deployment", **_sel(label_selector))

    def statefulsets(self, namespace: str | None = None, label_selector: str = "") -> list[Any]:
        return self._each(namespace, "AppsV1Api", "list_namespaced_stateful_set", **_sel(label_selector))

    def hpas(self, namespace: str | None = None) -> list[Any]:
        """V2HorizontalPodAutoscaler (autoscaling/v2: metrics, behavior, status)."""
        return self._each(namespace, "AutoscalingV2Api", "list_namespaced_horizontal_pod_autoscaler")

    def pdbs(self, namespace: str | None = None) -> list[Any]:
        return self._each(namespace, "PolicyV1Api", "list_namespaced_pod_disruption_budget")

    def ingresses(self, namespace: str | None = None) -> list[Any]:
        return self._each(namespace, "NetworkingV1Api", "list_namespaced_ingress")

    def custom(self, group: str, version: str, plural: str, namespace: str | None = None) -> list[dict[str, Any]]:
        """Custom resources (CRDs) as dicts, through CustomObjectsApi."""
        return self._each(namespace, "CustomObjectsApi", "list_namespaced_custom_object", group=group,
                          version=version, plural=plural)

    def prometheus_rules(self, namespace: str | None = None) -> list[dict[str, Any]]:
        return self.custom("monitoring.coreos.com", "v1", "prometheusrules", namespace)

    def velero_schedules(self) -> list[dict[str, Any]]:
        return self.custom("velero.io", "v1", "schedules", self.config.velero_namespace)

    def velero_backups(self, label_selector: str = "") -> list[dict[str, Any]]:
        return self.read.items("CustomObjectsApi", "list_namespaced_custom_object", group="velero.io", version="v1",
                               namespace=self.config.velero_namespace, plural="backups", **_sel(label_selector))


def _sel(label_selector: str) -> dict[str, str]:
    return {"label_selector": label_selector} if label_selector else {}
