"""The emulated ARM's resource store and the id helpers the fixtures use.

Resources are plain ARM JSON (camelCase, as the REST API answers). Lookups are case-insensitive like
ARM's; ids and names are returned as the fixture wrote them.
"""

from __future__ import annotations

import copy
import hashlib
import re
import uuid
from collections.abc import Iterator
from typing import Any

SUBSCRIPTION = "5e1a7a1c-0000-4000-8000-000000000002"
RESOURCE_GROUP = "silenttalk-production-rg"
LOCATION = "eastus"
TENANT = "72f988bf-0000-4000-8000-000000000002"
#: the only bearer token the lab's ARM accepts; its managed-identity endpoint issues it
LAB_TOKEN = "golive-lab-offline-token"
#: the lab's ARM as a custom cloud: token audience (resource), and the secret App Service's managed-identity
#: endpoint asks for (``IDENTITY_HEADER``); both worthless anywhere else
LAB_AUDIENCE = "https://management.lab.golive.test"
IDENTITY_HEADER = "golive-lab-identity-header"
IDENTITY_PATH = "/msi/token"
RG_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"


def subscription_for(variant: str) -> str:
    """The subscription id a variant's emulator serves: stable across runs (a profile can name it) and its own per
    variant, so two emulators are two subscriptions (issue 18); the compliant platform keeps ``SUBSCRIPTION``."""
    if variant == "compliant":
        return SUBSCRIPTION
    return str(uuid.UUID(hashlib.sha256(variant.encode()).hexdigest()[:32], version=4))


def rid(rtype: str, *names: str, group: str = RESOURCE_GROUP) -> str:
    """``rid("Microsoft.Web/sites/config", "api", "web")`` -> .../providers/Microsoft.Web/sites/api/config/web."""
    namespace, *types = rtype.split("/")
    if len(types) != len(names):
        raise ValueError(f"{rtype} needs {len(types)} names, got {names}")
    tail = "/".join(f"{t}/{n}" for t, n in zip(types, names, strict=True))
    return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}/providers/{namespace}/{tail}"


def resource(rtype: str, *names: str, properties: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    """One ARM resource: id, name, type, the given top-level keys (location, sku, zones...) and properties."""
    out: dict[str, Any] = {"id": rid(rtype, *names), "name": names[-1], "type": rtype, **top}
    if properties is not None:
        out["properties"] = properties
    return out


def merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """JSON merge patch (RFC 7396): dicts merge, other values replace, None deletes the key."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


class Arm:
    """Every resource of one emulated subscription, by lower-cased id."""

    def __init__(self) -> None:
        self._by_id: dict[str, dict[str, Any]] = {}

    def add(self, *resources: dict[str, Any]) -> None:
        for res in resources:
            key = res["id"].lower()
            if key in self._by_id:
                raise ValueError(f"two fixtures define {res['id']}")
            self._by_id[key] = res

    def get(self, resource_id: str) -> dict[str, Any]:
        try:
            return self._by_id[resource_id.lower()]
        except KeyError:
            raise KeyError(f"no fixture resource {resource_id}") from None

    def merge(self, resource_id: str, patch: dict[str, Any]) -> None:
        """Change a resource in place (a broken variant): ``arm.merge(id, {"properties": {"x": None}})``."""
        merge(self.get(resource_id), patch)

    def remove(self, resource_id: str) -> None:
        """Delete a resource and its children."""
        key = resource_id.lower()
        self.get(resource_id)
        for other in [k for k in self._by_id if k == key or k.startswith(key + "/")]:
            del self._by_id[other]

    def find(self, rtype: str) -> list[dict[str, Any]]:
        return [r for r in self._by_id.values() if r["type"].lower() == rtype.lower()]

    def moved_to(self, subscription: str) -> Arm:
        """The same resources deployed in ``subscription``: the fixtures' ``SUBSCRIPTION`` replaced in every id and
        reference (any case), as ARM answers for resources there."""
        if subscription.lower() == SUBSCRIPTION:
            return self
        old, out = re.compile(re.escape(SUBSCRIPTION), re.IGNORECASE), Arm()
        out.add(*(_replaced(res, old, subscription) for res in self))
        return out

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self._by_id.values()))

    def __contains__(self, resource_id: str) -> bool:
        return resource_id.lower() in self._by_id


def _replaced(value: Any, old: re.Pattern[str], new: str) -> Any:
    """``value`` with ``old`` replaced by ``new`` in every string (dict keys too), other values as they are."""
    if isinstance(value, str):
        return old.sub(lambda _: new, value)
    if isinstance(value, dict):
        return {_replaced(k, old, new): _replaced(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, old, new) for v in value]
    return copy.deepcopy(value)
