"""MULTI-AZ: zone placements compared with the profile, strictly (three zones means three, not "more than one").

``problems(placements, section, runbooks)`` is pure: the providers' ZonePlacement records in, one sentence
per breach out, each naming the resource, the API field and the value seen. ``table(...)`` is the evidence
(resource -> zones, flags, members, what was required and the fields read).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from golive.profile.items.multi_az import MultiAzSection
from golive.providers.records import ZonePlacement


def label(rec: ZonePlacement) -> str:
    return f"{rec.kind or rec.tier} {rec.resource}"


def runbook_words(runbooks: Sequence[str]) -> str:
    """'runbook 000 requires' / 'runbooks 000/002 require'."""
    if len(runbooks) == 1:
        return f"runbook {runbooks[0]} requires"
    return f"runbooks {'/'.join(runbooks)} require"


def _zones(zones: Iterable[str]) -> str:
    found = list(zones)
    return f"{len(found)} zone{'s' if len(found) != 1 else ''} ({', '.join(found) or 'none'})"


def unfound(placements: Iterable[ZonePlacement], section: MultiAzSection, runbooks: Sequence[str]) -> list[str]:
    """Resources the profile lists that no read returned (a breach when every read succeeded)."""
    placements = list(placements)
    seen = {(p.tier, p.resource) for p in placements}
    return [f"{res.tier} {res.name}: not found in the cloud (found in this tier: "
            f"{', '.join(sorted(p.resource for p in placements if p.tier == res.tier)) or 'nothing'}); "
            f"{runbook_words(runbooks)} it across {section.zones_for(res.tier, res.name)} zones"
            for res in section.resources if (res.tier, res.name) not in seen]


def problems(placements: Iterable[ZonePlacement], section: MultiAzSection, runbooks: Sequence[str],
             all_read: bool = True) -> list[str]:
    """Every breach: listed resources not found (only when every read succeeded), too few zones, redundancy
    flags off, too few members."""
    placements = list(placements)
    says = runbook_words(runbooks)
    out: list[str] = unfound(placements, section, runbooks) if all_read else []
    for rec in placements:
        need = section.zones_for(rec.tier, rec.resource)
        zones = tuple(dict.fromkeys(rec.zones))
        for flag, ok in rec.flags.items():
            if not ok:
                out.append(f"{label(rec)}: {flag} is false; {says} Multi-AZ across {section.min_zones} zones")
        if len(zones) < need:
            out.append(f"{label(rec)}: {_zones(zones)} from {rec.source or 'the provider'}; {says} {need} zones")
        replicas = section.replicas_for(rec.tier, rec.resource)
        if rec.members is not None and rec.members < replicas:
            out.append(f"{label(rec)}: {rec.members} member{'s' if rec.members != 1 else ''}; {says} at least "
                       f"{replicas}")
    return out


def table(placements: Iterable[ZonePlacement], section: MultiAzSection) -> list[dict[str, Any]]:
    """The evidence: one row per resource, with what it needed and which API fields were read."""
    rows = []
    for rec in sorted(placements, key=lambda p: (p.tier, p.kind, p.resource)):
        rows.append({"tier": rec.tier, "kind": rec.kind, "resource": rec.resource, "zones": list(dict.fromkeys(rec.zones)),
                     "zones_required": section.zones_for(rec.tier, rec.resource), "flags": dict(rec.flags),
                     "members": rec.members, "members_required": section.replicas_for(rec.tier, rec.resource)
                     if rec.members is not None else None,
                     "listed_in_profile": section.expected(rec.tier, rec.resource) is not None, "read": rec.source})
    return rows
