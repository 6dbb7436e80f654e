"""MULTI-AZ: zone placements compared with the profile, strictly (three zones means three, not "more than one").

``problems(placements, section, runbooks)`` is pure: the providers' ZonePlacement records in, one sentence
per breach out, each naming the resource, the API field and the value seen. ``blind_spots(placements)`` names
every field an API did not return (absent is unknown, not false: never a pass, never a breach).
``table(...)`` is the evidence (resource -> zones, flags, members, what was required and the fields read).

A profile entry applies to exactly one resource: same tier and name, and its ``kind`` when it names one. An
entry without kind that matches resources of several kinds applies to none (each is judged at the section's
bar) and is a finding naming the candidates.

Several targets (providers.*_targets): a record carries its ``where`` ("prod-eu/eu-west-1"), messages name it
("prod-eu/eu-west-1: RDS pg: ..."), and an entry may address one target as ``<target>/<name>`` or
``<target>/<region>/<name>`` ("prod-eu/silenttalk-redis"); an entry without a target applies in every target,
and the most specific entry addressing a resource is the one that applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from golive.profile.items.multi_az import MultiAzSection, ZoneResource
from golive.providers.records import ZonePlacement
from golive.verdict import BlindSpot, Fact


def label(rec: ZonePlacement) -> str:
    named = f"{rec.kind or rec.tier} {rec.resource}"
    return f"{rec.where}: {named}" if rec.where else named


def addresses(name: str, rec: ZonePlacement) -> bool:
    """Does a profile entry's name address this resource: its name, or ``<target>[/<region>]/<name>``."""
    if name == rec.resource:
        return True
    parts = rec.where.split("/") if rec.where else []
    return any(name == "/".join([*parts[:n], rec.resource]) for n in range(1, len(parts) + 1))


def runbook_words(runbooks: Sequence[str]) -> str:
    """'runbook 000 requires' / 'runbooks 000/002 require'."""
    if len(runbooks) == 1:
        return f"runbook {runbooks[0]} requires"
    return f"runbooks {'/'.join(runbooks)} require"


def _zones(zones: Iterable[str]) -> str:
    found = list(zones)
    return f"{len(found)} zone{'s' if len(found) != 1 else ''} ({', '.join(found) or 'none'})"


def _named(placements: list[ZonePlacement], res: ZoneResource) -> list[ZonePlacement]:
    return [p for p in placements if p.tier == res.tier and addresses(res.name, p)
            and (res.kind is None or res.kind.lower() == (p.kind or p.tier).lower())]


def _ambiguous(placements: list[ZonePlacement], section: MultiAzSection) -> dict[int, list[ZonePlacement]]:
    """Entries without kind that match resources of several kinds (id(entry) -> the candidates)."""
    out = {}
    for res in section.resources:
        found = _named(placements, res)
        if res.kind is None and len({p.kind or p.tier for p in found}) > 1:
            out[id(res)] = found
    return out


def entry(rec: ZonePlacement, section: MultiAzSection, placements: Iterable[ZonePlacement]) -> ZoneResource | None:
    """The one profile entry for this resource; None when unlisted or when its entry is ambiguous."""
    kind = (rec.kind or rec.tier).lower()
    candidates = [r for r in section.resources if r.tier == rec.tier and addresses(r.name, rec)
                  and (r.kind is None or r.kind.lower() == kind)]
    found = max(candidates, key=lambda r: (r.name.count("/") - rec.resource.count("/"), r.kind is not None),
                default=None)  # the most specific: target/region, then target, then the bare name
    if found is not None and id(found) in _ambiguous(list(placements), section):
        return None
    return found


def ambiguities(placements: Iterable[ZonePlacement], section: MultiAzSection) -> list[str]:
    """A name without kind matching resources of several kinds: a profile error found after reading."""
    out = []
    for res in section.resources:
        found = _ambiguous(list(placements), section).get(id(res))
        if found:
            kinds = sorted({p.kind or p.tier for p in found})
            out.append(f"{res.tier} {res.name}: ambiguous: matches {' and '.join(label(p) for p in found)}; "
                       f"qualify it with kind ({' or '.join(f'kind: {k}' for k in kinds)}) so its settings apply "
                       f"to one resource (until then each is judged at the section's {section.min_zones} zones)")
    return out


def unfound(placements: Iterable[ZonePlacement], section: MultiAzSection, runbooks: Sequence[str]) -> list[str]:
    """Resources the profile lists that no read returned (a breach when every read succeeded)."""
    placements = list(placements)
    out = []
    for res in section.resources:
        if _named(placements, res):
            continue
        here = sorted(label(p) if res.kind else p.resource for p in placements if p.tier == res.tier)
        out.append(f"{res.tier} {res.kind + ' ' if res.kind else ''}{res.name}: not found in the cloud (found in "
                   f"this tier: {', '.join(here) or 'nothing'}); {runbook_words(runbooks)} it across "
                   f"{section.zones_for(res)} zones")
    return out


def problems(placements: Iterable[ZonePlacement], section: MultiAzSection, runbooks: Sequence[str],
             all_read: bool = True) -> list[str]:
    """Every breach: listed resources not found (only when every read succeeded), ambiguous names, too few
    zones (unless a field the count needs was not returned), redundancy flags off, too few members."""
    placements = list(placements)
    says = runbook_words(runbooks)
    out: list[str] = unfound(placements, section, runbooks) if all_read else []
    out += ambiguities(placements, section)
    for rec in placements:
        listed = entry(rec, section, placements)
        need = section.zones_for(listed)
        zones = tuple(dict.fromkeys(rec.zones))
        for flag, ok in rec.flags.items():
            if ok is False:
                out.append(f"{label(rec)}: {flag} is false; {says} Multi-AZ across {section.min_zones} zones")
        if len(zones) < need and not rec.unknown:
            out.append(f"{label(rec)}: {_zones(zones)} from {rec.source or 'the provider'}; {says} {need} zones")
        replicas = section.replicas_for(listed)
        if rec.members is not None and rec.members < replicas:
            out.append(f"{label(rec)}: {rec.members} member{'s' if rec.members != 1 else ''}; {says} at least "
                       f"{replicas}")
    return out


def blind_spots(placements: Iterable[ZonePlacement]) -> list[BlindSpot]:
    """Every field an API did not return, naming the field and the resource (absent is unknown, not false)."""
    out = []
    for rec in placements:
        where = rec.source or "the provider"
        out += [BlindSpot(f"{label(rec)}: {field}", f"not returned by {where}, so its zones are not counted "
                          f"(absent is unknown, not false)") for field in rec.unknown]
        out += [BlindSpot(f"{label(rec)}: {flag}", f"not returned by {where} (absent is unknown, not false)")
                for flag, ok in rec.flags.items() if ok is None]
    return out


def table(placements: Iterable[ZonePlacement], section: MultiAzSection) -> list[dict[str, Any]]:
    """The evidence: one row per resource, with what it needed and which API fields were read."""
    placements = list(placements)
    rows = []
    for rec in sorted(placements, key=lambda p: (p.tier, p.kind, p.resource, p.where)):
        listed = entry(rec, section, placements)
        rows.append({**({"where": rec.where} if rec.where else {}),
                     "tier": rec.tier, "kind": rec.kind, "resource": rec.resource, "zones": list(dict.fromkeys(rec.zones)),
                     "zones_required": section.zones_for(listed), "flags": dict(rec.flags),
                     "not_returned": list(rec.unknown), "members": rec.members,
                     "members_required": section.replicas_for(listed) if rec.members is not None else None,
                     "listed_in_profile": listed is not None, "read": rec.source})
    return rows


def facts(placements: Iterable[ZonePlacement], section: MultiAzSection) -> list[Fact]:
    """MULTI-AZ drift: per resource its zone count (and names), redundancy flags and members, against the profile."""
    placements = list(placements)
    out: list[Fact] = []
    for rec in placements:
        listed = entry(rec, section, placements)
        need, zones = section.zones_for(listed), tuple(dict.fromkeys(rec.zones))
        out.append(Fact(label(rec), "zones", len(zones), need, None if rec.unknown else len(zones) >= need))
        out.append(Fact(label(rec), "zone names", sorted(zones)))
        out += [Fact(label(rec), flag, ok, True, ok) for flag, ok in sorted(rec.flags.items())]
        if rec.members is not None:
            replicas = section.replicas_for(listed)
            out.append(Fact(label(rec), "members", rec.members, replicas, rec.members >= replicas))
    return out
