"""Data Protection (Azure Backup): a backup vault's policies, backup instances, recovery points and jobs."""

from __future__ import annotations

from typing import Any


def vault(az: Any, name: str) -> dict:
    return az.read("dataprotection", f"backup vault {name}", lambda c: c.backup_vaults.get(az.resource_group, name))


def vaults(az: Any) -> list[dict]:
    return az.read("dataprotection", "backup vaults",
                   lambda c: c.backup_vaults.get_in_resource_group(az.resource_group))


def policies(az: Any, vault: str) -> list[dict]:
    return az.read("dataprotection", f"backup policies of vault {vault}",
                   lambda c: c.backup_policies.list(az.resource_group, vault))


def instances(az: Any, vault: str) -> list[dict]:
    return az.read("dataprotection", f"backup instances of vault {vault}",
                   lambda c: c.backup_instances.list(az.resource_group, vault))


def recovery_points(az: Any, vault: str, instance: str) -> list[dict]:
    return az.read("dataprotection", f"recovery points of {instance} in vault {vault}",
                   lambda c: c.recovery_points.list(az.resource_group, vault, instance))


def jobs(az: Any, vault: str) -> list[dict]:
    return az.read("dataprotection", f"backup jobs of vault {vault}", lambda c: c.jobs.list(az.resource_group, vault))
