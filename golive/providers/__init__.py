"""Cloud providers: the only code that knows an SDK. Each returns small typed records (records.py).

``CloudProviders`` is built once per run from the profile's ``providers`` section. A check asks it for
records (``zone_placements()``, ``backup_schedules()``...) and gets them from every configured cloud;
it never branches on the cloud itself. Reads only. A read that fails is a blind spot carried by the records
(``Records.blind``); every other read still counts (a reader role missing one permission hides nothing else).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from golive.audit import AuditLog
from golive.cache import RunCache
from golive.profile.model import Providers
from golive.verdict import CouldNotObserve, Records


class CloudProviders:
    """The clouds a profile names, created lazily (no SDK import for a cloud the profile does not use)."""

    def __init__(self, config: Providers, cache: RunCache | None = None, audit: AuditLog | None = None):
        self.config = config
        self.cache = cache if cache is not None else RunCache(None)
        self.audit = audit if audit is not None else AuditLog()

    @cached_property
    def aws(self) -> Any:
        if self.config.aws is None:
            return None
        from golive.providers.aws import AwsProvider
        return AwsProvider(self.config.aws, audit=self.audit, shared=self.cache)

    @cached_property
    def azure(self) -> Any:
        if self.config.azure is None:
            return None
        from golive.providers.azure import AzureProvider
        return AzureProvider(self.config.azure, audit=self.audit, shared=self.cache)

    @cached_property
    def kubernetes(self) -> Any:
        if self.config.kubernetes is None:
            return None
        from golive.providers.kubernetes import KubernetesProvider
        return KubernetesProvider(self.config.kubernetes, audit=self.audit)

    def configured(self) -> list[Any]:
        found = [p for p in (self.aws, self.azure, self.kubernetes) if p is not None]
        if not found:
            raise CouldNotObserve("the cloud", "the profile declares no providers (providers.aws, providers.azure "
                                               "or providers.kubernetes); add the one this environment runs on")
        return found

    def gather(self, method: str, *args: Any, **kwargs: Any) -> Records:
        """Records of one kind from every configured cloud that knows that kind; what one cloud or read
        could not see is a blind spot (``.blind``), and the other clouds' records still count."""
        out = Records()
        for provider in self.configured():
            read = getattr(provider, method, None)
            if read is None:
                continue
            try:
                out.add(read(*args, **kwargs))
            except CouldNotObserve as exc:
                out.blind.extend(exc.blind)
        return out
