"""Verdicts: findings (breaches seen) and blind spots (what could not be seen), and how a test concludes.

A check judges every target and every read that succeeded, and names every one that failed. ``Judgement``
collects both and concludes the test (every checklist item):

- at least one finding: **non-compliant** (an AssertionError listing every finding, then "not observed: ...");
- no finding, at least one blind spot: **could not observe** (CouldNotObserve naming each blind spot);
- neither: the test passes.

A blind spot never hides a breach, and a breach never hides a blind spot. Non-compliance messages name the
runbook number and the value seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


class CouldNotObserve(Exception):
    """The target, credentials, API or profile data needed to judge an item were not available."""

    def __init__(self, target: str, cause: str, blind: Iterable[BlindSpot] = ()):
        self.target = target
        self.cause = cause
        self.blind = tuple(blind) or (BlindSpot(target, cause),)
        super().__init__(f"Could not observe {target}: {cause}")

    @classmethod
    def of(cls, blind: Iterable[BlindSpot]) -> CouldNotObserve:
        """One error naming every blind spot (what, where, why)."""
        spots = tuple(dict.fromkeys(blind))
        if len(spots) == 1:
            return cls(spots[0].what, spots[0].why)
        return cls(f"{len(spots)} targets or reads", "\n" + "\n".join(f"  - {s}" for s in spots), spots)


@dataclass(frozen=True)
class BlindSpot:
    """A target or read that could not be observed: what (and where) it is, and why."""

    what: str
    why: str

    def __str__(self) -> str:
        return f"{self.what}: {self.why}"


@dataclass(frozen=True)
class Fact:
    """One value a check judged, for "what changed since the last run" (issue 15, every item that records facts):
    ``resource`` -> ``field`` -> ``observed``, against ``required``, and whether it held (``ok``; None when the
    field was not judged alone). ``volatile`` values (ages, latencies, timestamps) are compared by ``ok`` only."""

    resource: str
    field: str
    observed: Any
    required: Any = None
    ok: bool | None = None
    volatile: bool = False


class Records(list):
    """Records of one kind as read, with the reads that failed on the way (``blind``)."""

    def __init__(self, items: Iterable[Any] = (), blind: Iterable[BlindSpot] = ()):
        super().__init__(items)
        self.blind: list[BlindSpot] = list(blind)
        self.kind = ""  # what was read (the provider method), when gathered over several targets
        self.per_target: dict[str, int] = {}  # target (of several) -> records it returned (0: read, nothing found)

    def add(self, found: Iterable[Any]) -> None:
        """Append records (keeping the blind spots they carry)."""
        self.extend(found)
        self.blind.extend(getattr(found, "blind", ()))


def collect(source: Any, *readers: Any) -> Records:
    """Each ``reader(source)``'s records; a reader that cannot read becomes a blind spot, the others still count."""
    return each(readers, lambda reader: reader(source))


def each(things: Iterable[Any], read: Any) -> Records:
    """``read(thing)`` for every thing; one that cannot be read is a blind spot, the rest still count."""
    out = Records()
    for thing in things:
        try:
            out.add(read(thing))
        except CouldNotObserve as exc:
            out.blind.extend(exc.blind)
    return out


def non_compliant(problems: list[str], headline: str, blind: Iterable[BlindSpot] = ()) -> str:
    """One failure message listing every problem found, then what was not observed, for the change board."""
    lines = [f"NON-COMPLIANT: {headline}"] + [f"  - {p}" for p in problems]
    spots = list(dict.fromkeys(blind))
    if spots:
        lines += [f"Not observed ({len(spots)}), so not judged:"] + [f"  - {s}" for s in spots]
    return "\n".join(lines)


def require(problems: list[str], headline: str) -> None:
    """Fail the check with every problem listed, or return when there are none."""
    if problems:
        raise AssertionError(non_compliant(problems, headline))


class Judgement:
    """One test's findings and blind spots (the ``judge`` fixture); ``conclude()`` gives the verdict."""

    def __init__(self, attach: Callable[[list[Fact]], None] | None = None) -> None:
        self.findings: list[str] = []
        self.blind: list[BlindSpot] = []
        self.facts: list[Fact] = []
        self._attach = attach  # where the facts go as evidence when the test concludes

    def fact(self, resource: str, field: str, observed: Any, required: Any = None, ok: bool | None = None,
             volatile: bool = False) -> None:
        """Record one value judged (resource -> field -> observed vs required), for drift between runs."""
        self.facts.append(Fact(resource, field, observed, required, ok, volatile))

    def record(self, facts: Iterable[Fact]) -> None:
        self.facts.extend(facts)

    def saw(self, records: Any) -> Any:
        """Records as read; the reads that failed on the way become this test's blind spots. Over several
        targets, how many records each target returned is a fact, so a target that suddenly returns nothing (a
        wrong region, an emptied account) shows in the evidence and in what changed since the last run."""
        self.blind.extend(getattr(records, "blind", ()))
        for where, count in getattr(records, "per_target", {}).items():
            self.fact(where, f"{records.kind} returned", count)
        return records

    def blind_to(self, what: str | CouldNotObserve, why: str = "") -> None:
        if isinstance(what, CouldNotObserve):
            self.blind.extend(what.blind)
        else:
            self.blind.append(BlindSpot(what, why))

    @contextmanager
    def observing(self) -> Iterator[None]:
        """Run one observation; if it cannot see its target, that target is a blind spot and the test goes on."""
        try:
            yield
        except CouldNotObserve as exc:
            self.blind_to(exc)

    def find(self, problems: Iterable[str]) -> None:
        self.findings.extend(problems)

    def conclude(self, headline: str) -> None:
        """Non-compliant when anything was found (blind spots listed too); could not observe when only blind."""
        blind = list(dict.fromkeys(self.blind))
        if self.facts and self._attach is not None:
            self._attach(self.facts)
        if self.findings:
            raise AssertionError(non_compliant(self.findings, headline, blind))
        if blind:
            raise CouldNotObserve.of(blind)
