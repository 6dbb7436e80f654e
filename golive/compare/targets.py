"""Several targets (issue 18 bullet 1): records judged per target, profile entries addressed to one target.

A record read in a cloud with several targets carries its ``where`` ("prod-eu/eu-west-1", "sub-b"); one read in
a single-target cloud has ``where == ""`` and every helper here leaves it, its messages and its entries as before.

- ``wheres(*kinds)``: the targets the records came from, in order of first appearance ("" for a single target).
- ``part(records, where)``: that target's records, with the blind spots of that target (those naming it) and the
  blind spots naming no target.
- ``names(entries, where)``: the profile's resource names that apply in a target: a bare ``name`` applies in
  every target, ``<target>/<name>`` and ``<target>/<region>/<name>`` only in theirs (stripped to ``name``).
- ``entries(items, where, every, attr)``: the profile entries that apply in a target, each stripped of its
  target, the most specific of several for one resource.
- ``pick(entries, name, where, key)``: the most specific entry for one resource (target/region, then target,
  then the bare name), for sections that override per resource.
- ``named(where, text)``: the message prefixed with its target, or as is for a single target.
- ``concerns(entry, spot, every)``: whether a blind spot could hide what a profile entry names.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

from golive.verdict import BlindSpot, Records

T = TypeVar("T")


def where_of(rec: Any) -> str:
    return getattr(rec, "where", "") or ""


def wheres(*kinds: Iterable[Any]) -> list[str]:
    """Every target the records came from, in order of first appearance; [""] when there are none."""
    out: list[str] = []
    for kind in kinds:
        for rec in kind:
            if where_of(rec) not in out:
                out.append(where_of(rec))
    return out or [""]


def _mine(spot: BlindSpot, where: str, every: Sequence[str]) -> bool:
    if where:
        return spot.what.startswith(f"{where}:")
    return not any(w and spot.what.startswith(f"{w}:") for w in every)


def part(records: Sequence[Any], where: str, every: Sequence[str] = ()) -> Records:
    """That target's records and blind spots (blind spots naming no known target go with the "" target)."""
    blind = getattr(records, "blind", ())
    if not where and not any(every):
        return Records(list(records), blind)
    return Records([r for r in records if where_of(r) == where],
                   [b for b in blind if _mine(b, where, every)])


def _scopes(where: str) -> list[str]:
    """"a/r" -> ["a/r", "a"]: the prefixes an entry may use to address this target, most specific first."""
    parts = where.split("/") if where else []
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


def _heads(every: Sequence[str]) -> set[str]:
    """The target names of these wheres ("prod-eu/eu-west-1" -> "prod-eu"): what an entry's first part may name."""
    return {w.split("/")[0] for w in every if w}


def specificity(entry: str, name: str, where: str) -> int | None:
    """How specifically ``entry`` addresses resource ``name`` in ``where``: 0 bare, 1 target, 2 target/region;
    None when it does not address it."""
    if entry == name:
        return 0
    for scope in _scopes(where):
        if entry == f"{scope}/{name}":
            return scope.count("/") + 1
    return None


def address(entry: str, where: str, every: Sequence[str] = ()) -> tuple[int, str] | None:
    """(specificity, the bare name) of a profile name in this target: 0 for a bare name, 1 for
    ``<target>/<name>``, 2 for ``<target>/<region>/<name>``; None when it addresses another target (its first
    part names one of ``every``)."""
    for scope in _scopes(where):
        if entry.startswith(f"{scope}/"):
            return scope.count("/") + 1, entry[len(scope) + 1:]
    others = _heads(every) - ({where.split("/")[0]} if where else set())
    return None if entry.split("/")[0] in others else (0, entry)


def names(entries: Iterable[str], where: str, every: Sequence[str] = ()) -> list[str]:
    """The names that apply in ``where``: bare names, and names addressed to this target (stripped); an entry
    addressed to another target does not apply here."""
    out: list[str] = []
    for entry in entries:
        found = address(entry, where, every)
        if found is not None and found[1] not in out:
            out.append(found[1])
    return out


def entries(items: Iterable[T], where: str, every: Sequence[str], attr: str | Callable[[T], str],
            group: Callable[[T], Hashable] | None = None) -> list[T]:
    """The profile entries (pydantic models) that apply in ``where``, each with its ``attr`` name stripped of
    the target; of several entries for the same resource (within one ``group``) the most specific applies.
    ``attr`` may be a function naming each entry's addressing field ("" for an entry that addresses no resource:
    it applies in every target as written)."""
    best: dict[tuple[Hashable, str], tuple[int, T]] = {}
    for item in items:
        field = attr(item) if callable(attr) else attr
        found = address(getattr(item, field), where, every) if field else (0, "")
        if found is None:
            continue
        rank, name = found
        ident = (group(item) if group else None, name)
        if ident not in best or rank > best[ident][0]:
            best[ident] = (rank, item.model_copy(update={field: name}) if rank else item)  # type: ignore[attr-defined]
    return [item for _, item in best.values()]


def pick(entries: Iterable[T], name: str, where: str, key: Callable[[T], str]) -> T | None:
    """The most specific entry addressing resource ``name`` in ``where`` (None when none does)."""
    found = [(s, i, e) for i, e in enumerate(entries) if (s := specificity(key(e), name, where)) is not None]
    return max(found, key=lambda t: (t[0], -t[1]))[2] if found else None


def concerns(entry: str, spot: BlindSpot, every: Sequence[str]) -> bool:
    """Could this blind spot hide what the profile's ``entry`` names? An entry addressed to a target: only a
    blind spot of that target; a bare one: any."""
    head = entry.split("/")[0]
    if head not in _heads(every):
        return True
    return spot.what.startswith((f"{head}/", f"{head}:"))


def named(where: str, text: str) -> str:
    return f"{where}: {text}" if where else text


def spot(where: str, found: BlindSpot) -> BlindSpot:
    return BlindSpot(named(where, found.what), found.why) if where and not found.what.startswith(f"{where}:") \
        else found
