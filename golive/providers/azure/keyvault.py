"""Key Vault: vaults (soft delete, purge protection) and their secrets' attributes (management plane: no values)."""

from __future__ import annotations

from typing import Any


def vaults(az: Any) -> list[dict]:
    return az.read("keyvault", "Key Vaults", lambda c: c.vaults.list_by_resource_group(az.resource_group))


def secrets(az: Any, vault: str) -> list[dict]:
    """Each secret's ``properties.attributes`` (enabled, exp, created, updated); never its value."""
    return az.read("keyvault", f"secrets of Key Vault {vault}", lambda c: c.secrets.list(az.resource_group, vault))
