"""TLS-ONLY, configured half: declared policies against the runbooks, and against the live handshakes.

Pure functions over TlsPolicy records (golive/providers/records_tls.py) and TlsObservations
(golive/probes/tls.py); no network, no SDK.
"""

from __future__ import annotations

from collections.abc import Sequence

from golive.probes.tls import ALLOWED, RUNBOOKS_TLS, TlsObservation
from golive.providers.records_tls import DATA_KINDS, EDGE_KINDS, PROTOCOL_ORDER, TlsPolicy, normalize_protocol
from golive.verdict import Fact

RUNBOOK_DATA = "runbook 002 (lines 254-255) requires SSL/TLS required and non-SSL disabled"


def label(policy: TlsPolicy) -> str:
    """"kind resource", prefixed with its target when the profile names several ("prod-eu/eu-west-1: alb ...")."""
    return f"{policy.where}: {policy.kind} {policy.resource}" if policy.where else f"{policy.kind} {policy.resource}"


def _declared(policy: TlsPolicy) -> str:
    said = ", ".join(f"{k}={v}" for k, v in policy.declared.items())
    return label(policy) + (f" ({said})" if said else "")


def policy_problems(policies: Sequence[TlsPolicy]) -> list[str]:
    """Every declared policy that allows more than TLS 1.3 (edges) or lets clients in without TLS (data)."""
    found: list[str] = []
    for policy in policies:
        try:
            allowed = policy.allowed
        except ValueError as exc:
            found.append(f"{_declared(policy)}: {exc}")
            continue
        if policy.kind in EDGE_KINDS:
            if not allowed:
                found.append(f"{_declared(policy)}: declares neither a protocol list nor a minimum version")
            elif set(allowed) != ALLOWED:
                found.append(f"{_declared(policy)} allows {', '.join(allowed)}; {RUNBOOKS_TLS}")
        elif policy.kind in DATA_KINDS:
            if policy.tls_required is not True:
                state = "unknown" if policy.tls_required is None else "off"
                found.append(f"{_declared(policy)}: TLS required is {state}; {RUNBOOK_DATA}")
            if allowed and PROTOCOL_ORDER.index(allowed[0]) < PROTOCOL_ORDER.index("TLSv1.2"):
                found.append(f"{_declared(policy)} allows {', '.join(allowed)}; minimum must be TLS 1.2 or newer "
                             f"(TLS 1.3 where the service offers it)")
        else:
            found.append(f"{_declared(policy)}: unknown kind {policy.kind!r} (known: "
                         f"{', '.join(sorted(EDGE_KINDS | DATA_KINDS))})")
    return found


def policy_facts(policies: Sequence[TlsPolicy]) -> list[Fact]:
    """TLS-ONLY drift (configured half): per declared policy the protocols it allows (and TLS required for data
    stores), with the raw values read, each against the runbooks (ok: the policy has no finding)."""
    out: list[Fact] = []
    for policy in policies:
        where = label(policy)
        held = not policy_problems([policy])
        try:
            allowed: list[str] | str = list(policy.allowed)
        except ValueError as exc:
            allowed = str(exc)
        wanted = sorted(ALLOWED) if policy.kind in EDGE_KINDS else "TLS 1.2 or newer"
        out.append(Fact(where, "protocols allowed", allowed, wanted, held))
        if policy.kind in DATA_KINDS:
            out.append(Fact(where, "TLS required", policy.tls_required, True, policy.tls_required))
        out += [Fact(where, key, value) for key, value in sorted(policy.declared.items())]
    return out


def _observed_name(obs: TlsObservation) -> str:
    return (obs.server_name or obs.host).lower().rstrip(".")


def disagreements(policies: Sequence[TlsPolicy], observations: Sequence[TlsObservation]) -> list[str]:
    """Where a declared policy and the live handshakes on a host it serves differ, both shown."""
    found: list[str] = []
    by_host: dict[str, list[TlsObservation]] = {}
    for obs in observations:
        by_host.setdefault(_observed_name(obs), []).append(obs)
    for policy in policies:
        try:
            allowed = set(policy.allowed)
        except ValueError:
            continue  # reported by policy_problems
        if not allowed:
            continue
        for host in policy.hosts:
            for obs in by_host.get(host.lower().rstrip("."), []):
                offered = {normalize_protocol(p) for p in obs.offered}
                if offered != allowed:
                    found.append(f"configured and live disagree on {obs.target}: {_declared(policy)} allows "
                                 f"{', '.join(p for p in PROTOCOL_ORDER if p in allowed)}; the live handshakes "
                                 f"accept {', '.join(p for p in PROTOCOL_ORDER if p in offered) or 'nothing'}")
    return found


def unmatched_hosts(policies: Sequence[TlsPolicy], observations: Sequence[TlsObservation]) -> list[str]:
    """Live endpoints no declared policy names (for evidence: what could not be reconciled)."""
    declared = {h.lower().rstrip(".") for p in policies for h in p.hosts}
    return [obs.target for obs in observations if _observed_name(obs) not in declared]
