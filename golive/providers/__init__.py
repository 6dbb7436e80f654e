"""Cloud providers: the only code that knows an SDK. Each returns small typed records (records.py).

``CloudProviders`` is built once per run from the profile's ``providers`` section. A check asks it for
records (``zone_placements()``, ``backup_schedules()``...) and gets them from every configured cloud;
it never branches on the cloud itself. Reads only. A read that fails is a blind spot carried by the records
(``Records.blind``); every other read still counts (a reader role missing one permission hides nothing else).

Many targets (``providers.aws_targets``/``azure_targets``/``kubernetes_targets``): one provider per AWS
(account, region), Azure subscription or cluster, read concurrently in a bounded pool (``POOL``); a record of a
cloud with several targets gets its ``where`` ("prod-eu/eu-west-1"), so the same name in two accounts stays two
resources, and its blind spots name the target. A profile with one target per cloud reads as before.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import Any

from golive.audit import AuditLog
from golive.cache import RunCache
from golive.compare import targets
from golive.profile.model import Providers
from golive.verdict import BlindSpot, CouldNotObserve, Records

POOL = 8  # targets read at once, at most (each target's reads stay sequential, cached once per run)


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

    @cached_property
    def targets(self) -> list[tuple[str, Any]]:
        """(where, provider) of every target: "" for ``providers.aws|azure|kubernetes`` (one target, read and
        reported as it always was); "<name>/<region>" for each AWS target and region, "<name>" for each Azure
        subscription and cluster of ``*_targets``, even a list of one, so the names a profile addresses
        (``<name>/<resource>``) always mean what they say."""
        from golive.profile.model import AwsTarget

        found: list[tuple[str, Any]] = []
        if self.config.aws_targets:
            from golive.providers.aws import AwsProvider
            for target in self.config.aws_targets:
                for region in target.read_regions():
                    where = f"{target.name}/{region}"
                    config: AwsTarget = target.model_copy(update={"region": region})
                    found.append((where, AwsProvider(config, audit=self.audit, shared=self.cache, label=where)))
        if self.config.azure_targets:
            from golive.providers.azure import AzureProvider
            found += [(t.name, AzureProvider(t, audit=self.audit, shared=self.cache, label=t.name))
                      for t in self.config.azure_targets]
        if self.config.kubernetes_targets:
            from golive.providers.kubernetes import KubernetesProvider
            found += [(t.name, KubernetesProvider(t, audit=self.audit, label=t.name))
                      for t in self.config.kubernetes_targets]
        found += [("", p) for p in (self.aws, self.azure, self.kubernetes) if p is not None]
        return found

    def of(self, cloud: str) -> list[tuple[str, Any]]:
        """(where, provider) of one cloud's targets (aws | azure | kubernetes); [] when the profile lacks it."""
        return [(w, p) for w, p in self.targets if type(p).__module__.startswith(f"golive.providers.{cloud}")]

    def configured(self) -> list[Any]:
        found = [p for _, p in self.targets]
        if not found:
            raise CouldNotObserve("the cloud", "the profile declares no providers (providers.aws, providers.azure "
                                               "or providers.kubernetes); add the one this environment runs on")
        return found

    def gather(self, method: str, *args: Any, only: str | None = None, addressed: tuple[str, ...] = (),
               **kwargs: Any) -> Records:
        """Records of one kind from every configured cloud that knows that kind; what one cloud or read
        could not see is a blind spot (``.blind``), and the other clouds' records still count.

        ``only``: one cloud's targets (aws | azure | kubernetes). ``addressed``: the keyword arguments holding
        profile names that may be addressed to one target (``<target>[/<region>]/<name>``, issue 18): each
        target reads the names that apply to it, stripped of the target; a target left with no name to read
        where the profile named some is not read at all. ``Records.per_target`` counts what each target (of several)
        returned when its reads all succeeded (``judge.saw`` makes each a fact, for the evidence and drift); an
        empty target is not itself a finding: what the profile names and no target returned is the check's to
        judge."""
        self.configured()  # no provider at all: could not observe
        pool = self.of(only) if only else self.targets
        every = [where for where, _ in pool]
        readers = []
        for where, provider in pool:
            read = getattr(provider, method, None)
            mine = {**kwargs, **{k: _applying(kwargs[k], where, every) for k in addressed}}
            if read is None or (addressed and any(kwargs[k] for k in addressed)
                                and not any(mine[k] for k in addressed)):
                continue
            readers.append((where, read, mine))
        if any(where for where, _, _ in readers):  # several targets: concurrently, each target in its own thread
            with ThreadPoolExecutor(max_workers=min(POOL, len(readers)), thread_name_prefix="golive-read") as pool_:
                answers = list(pool_.map(lambda r: _read(r[0], r[1], args, r[2]), readers))
        else:
            answers = [_read(where, read, args, mine) for where, read, mine in readers]
        out = Records()
        out.kind = method
        for (where, _, _), answer in zip(readers, answers, strict=True):
            out.add(answer)
            if where and not answer.blind:
                out.per_target[where] = out.per_target.get(where, 0) + len(answer)
        return out


def _applying(names: str | tuple[str, ...], where: str, every: list[str]) -> str | tuple[str, ...]:
    """The profile names (or the one name) that apply in ``where``, stripped of their target ("" / () if none)."""
    if isinstance(names, str):
        return next(iter(targets.names([names], where, every)), "")
    return tuple(targets.names(names, where, every))


def read_at(where: str, read: Any, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None) -> Records:
    """``read(*args, **kwargs)`` of one target, its records placed there (see ``_read``)."""
    return _read(where, read, args, kwargs or {})


def _read(where: str, read: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Records:
    """One target's records, each with its ``where`` (when it has one); a failed read: its blind spots."""
    out = Records()
    try:
        found = read(*args, **kwargs)
    except CouldNotObserve as exc:
        out.blind.extend(_at(where, b) for b in exc.blind)
        return out
    out.extend(_placed(where, rec) for rec in found)
    out.blind.extend(_at(where, b) for b in getattr(found, "blind", ()))
    return out


def _placed(where: str, rec: Any) -> Any:
    """The record with its target; records of a single-target cloud (and types without ``where``) as read."""
    if where and dataclasses.is_dataclass(rec) and "where" in {f.name for f in dataclasses.fields(rec)}:
        return dataclasses.replace(rec, where=where)
    return rec


def _at(where: str, spot: BlindSpot) -> BlindSpot:
    return BlindSpot(f"{where}: {spot.what}", spot.why) if where and not spot.what.startswith(f"{where}:") else spot
