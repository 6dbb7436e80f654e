"""Azure: the provider core (core.py) and one module per area of the platform (runbook 002).

Every area function takes the provider and reads through ``provider.read(client, what, call)`` (cached,
counted, errors -> CouldNotObserve), returning plain ARM-shaped data or records (golive.providers.records).
"""

from golive.providers.azure.core import AzureProvider, ReadOnlyViolation, records

__all__ = ["AzureProvider", "ReadOnlyViolation", "records"]
