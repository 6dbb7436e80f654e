"""AWS: the provider (core.py) and one module per service area that turns reads into records.

A service-area module (``golive/providers/aws/<area>.py``) defines functions that take the provider first
and return records (golive/providers/records.py), and lists them in ``PROVIDES``; the provider finds them by
name, so ``providers.gather("zone_placements")`` reaches ``zones.zone_placements(aws)`` without any shared
file changing::

    # golive/providers/aws/zones.py
    PROVIDES = ("zone_placements",)

    def zone_placements(aws: AwsProvider) -> list[ZonePlacement]:
        found = aws.read("rds", "DescribeDBInstances")["DBInstances"]
        ...
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache, partial
from typing import Any

from golive.providers.aws.core import AwsProvider as _Core
from golive.providers.aws.core import NotAReadOperation

__all__ = ["AwsProvider", "NotAReadOperation", "record_readers"]

_CORE_MODULES = {"core"}


@cache
def record_readers() -> dict[str, Callable[..., Any]]:
    """Every service area's record functions, by name (``PROVIDES`` of each module in this package)."""
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name in _CORE_MODULES or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name in getattr(module, "PROVIDES", ()):
            if name in found:
                raise RuntimeError(f"AWS record reader {name!r} is defined in two modules ({module.__name__})")
            found[name] = getattr(module, name)
    return found


class AwsProvider(_Core):
    """The AWS provider with every service area's record readers as methods (``aws.zone_placements()``)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        reader = record_readers().get(name)
        if reader is None:
            raise AttributeError(f"AwsProvider has no record reader {name!r}")
        return partial(reader, self)
