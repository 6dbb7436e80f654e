"""WAF-429 configuration: compare the web ACLs the providers read with the profile. Pure, no network.

``findings(acls, expected)`` returns one Finding per field that breaks the profile (the rule, the field,
the value seen and the one asked for), for evidence and for the failure message.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from golive.compare import targets
from golive.profile.items.waf_429 import ExpectedRateRule, WafConfiguration
from golive.providers.records_waf import RateRule, WafAcl
from golive.verdict import BlindSpot, Fact, Records

RUNBOOK = "runbook 002"
PLAIN_BLOCK_STATUS = 403  # what AWS and Azure answer for a Block without a custom response code


@dataclass(frozen=True)
class Finding:
    acl: str
    rule: str
    field: str
    seen: object
    expected: object
    message: str


def _path(path: str | None) -> str | None:
    return None if path in (None, "", "/", "/*") else path.rstrip("/*") or None


def _covers(allow_scope: str | None, rule_scope: str | None) -> bool:
    """An allow rule on ``allow_scope`` lets through requests the rate rule on ``rule_scope`` should count."""
    allow, scope = _path(allow_scope), _path(rule_scope)
    return allow is None or (scope is not None and (scope == allow or scope.startswith(allow + "/")))


def _acls_to_judge(acls: list[WafAcl], expected: WafConfiguration) -> tuple[list[WafAcl], list[Finding]]:
    protects = expected.protects
    named = [a for a in acls if expected.acl in (None, a.name)]
    if not named:
        read = ", ".join(sorted(a.name for a in acls))
        return [], [Finding(expected.acl or "", "", "name", read, expected.acl,
                            f"web ACL {expected.acl!r} not found; the providers read: {read}")]
    bound = [a for a in named if protects in a.associated_with]
    if bound:
        return bound, []
    if expected.acl:
        return [], [Finding(a.name, "", "associated_with", list(a.associated_with), protects,
                            f"web ACL {a.name} is not associated with {protects} (associated with "
                            f"{list(a.associated_with) or 'nothing'}), so it filters none of its traffic")
                    for a in named]
    seen = "; ".join(f"{a.name} -> {list(a.associated_with) or 'nothing'}" for a in named)
    return [], [Finding("", "", "associated_with", seen, protects,
                        f"no web ACL / WAF policy is associated with {protects}; read: {seen}")]


def _rule_findings(rule: RateRule, want: ExpectedRateRule, expected: WafConfiguration,
                   allows: list[tuple[str, int]]) -> list[Finding]:
    out: list[Finding] = []
    where = f"rate rule {rule.name} (ACL {rule.acl}, {want.name})"

    def add(field_name: str, seen: object, asked: object, message: str) -> None:
        out.append(Finding(rule.acl, rule.name, field_name, seen, asked, f"{where}: {message}"))

    if rule.limit != want.limit:
        how = "too high" if rule.limit > want.limit else "lower than asked: legitimate users get 429 sooner"
        add("limit", rule.limit, want.limit, f"limit {rule.limit} requests per {rule.window_s} s is {how}; "
                                             f"{RUNBOOK} requires {want.limit}")
    if rule.window_s != want.window_s:
        add("window_s", rule.window_s, want.window_s, f"window is {rule.window_s} s; {RUNBOOK} requires "
                                                      f"{want.limit} requests per {want.window_s} s")
    if rule.aggregate != expected.aggregate:
        add("aggregate", rule.aggregate, expected.aggregate, f"counts per {rule.aggregate}; the profile requires "
                                                              f"per {expected.aggregate} (per client IP)")
    if rule.action != "Block":
        add("action", rule.action, "Block", f"action is {rule.action}: over-limit clients are not blocked"
                                            + (" (detection only)" if rule.action in ("Count", "Log") else ""))
    else:
        status = rule.response_code or PLAIN_BLOCK_STATUS
        if status != expected.response_code:
            plain = " (a plain Block without CustomResponse)" if rule.response_code is None else ""
            add("response_code", status, expected.response_code,
                f"Block answers {status}{plain}; runbook 000 expects {expected.response_code} Too Many Requests: "
                f"set CustomResponse ResponseCode {expected.response_code} (Azure customBlockResponseStatusCode)")
    for name, priority in allows:
        if priority < rule.priority:
            add("priority", rule.priority, f"< {priority}",
                f"priority {rule.priority} comes after allow rule {name} (priority {priority}), which lets the "
                f"requests through before they are counted")
    return out


def findings(acls: list[WafAcl], expected: WafConfiguration) -> list[Finding]:
    """Every field of the associated ACLs that breaks the profile's configuration; empty when all hold."""
    judged, found = _acls_to_judge(acls, expected)
    for acl in judged:
        if acl.mode != "Prevention":
            found.append(Finding(acl.name, "", "mode", acl.mode, "Prevention",
                                 f"web ACL {acl.name} is in {acl.mode} mode: rules only log, nothing is blocked; "
                                 f"{RUNBOOK} requires Prevention"))
        have = {g.lower() for g in acl.managed_groups}
        missing = [g for g in expected.managed_groups if g.lower() not in have]
        if missing:
            found.append(Finding(acl.name, "", "managed_groups", list(acl.managed_groups), expected.managed_groups,
                                 f"web ACL {acl.name} lacks managed rule group(s) {', '.join(missing)} "
                                 f"(has {', '.join(acl.managed_groups) or 'none'})"))
    if not judged:
        return found
    for want in expected.rules:
        scope = _path(want.scope_path)
        candidates = [(r, acl) for acl in judged for r in acl.rules if _path(r.scope_path) == scope]
        if not candidates:
            acl_names = ", ".join(a.name for a in judged)
            found.append(Finding(acl_names, "", "rules", [r.name for a in judged for r in a.rules], want.name,
                                 f"no rate-based rule on {scope or 'every path'} in {acl_names}; {RUNBOOK} requires "
                                 f"{want.limit} requests per {want.window_s} s per IP ({want.name})"))
            continue
        per_rule = [_rule_findings(r, want, expected, [(a.name, a.priority) for a in acl.allow_rules
                                                       if _covers(a.scope_path, r.scope_path)])
                    for r, acl in candidates]
        if all(per_rule):
            found += [f for problems in per_rule for f in problems]
    return found


def per_target(acls: Records, expected: WafConfiguration) -> list[tuple[str, Records, WafConfiguration]]:
    """(where, that target's ACLs, the configuration as it applies there) per target (issue 18): ``protects``
    and ``acl`` may be addressed ``<target>[/<region>]/<name>``; a target they address elsewhere is not judged.
    One target: ("", acls, expected)."""
    every = targets.wheres(acls)
    if every == [""]:
        return [("", acls, expected)]
    out = []
    for where in every:
        here = targets.entries([expected], where, every, "protects")
        if expected.acl:
            here = targets.entries(here, where, every, "acl")
        out += [(where, targets.part(acls, where, every), config) for config in here]
    return out


def named(where: str, found: list[Finding], unseen: list[BlindSpot]) -> tuple[list[Finding], list[BlindSpot]]:
    """Findings and blind spots prefixed with their target (as they are for a single target)."""
    return ([replace(f, message=targets.named(where, f.message)) for f in found],
            [targets.spot(where, b) for b in unseen])


def verdict(acls: list[WafAcl], expected: WafConfiguration, all_read: bool = True,
            ) -> tuple[list[Finding], list[BlindSpot]]:
    """``findings`` and the blind spots. ``all_read``: every read of ACLs and associations succeeded. When one
    failed, an ACL not found or not associated with ``protects`` is unseen (it may sit behind the blind read),
    never a breach; the ACLs that were found associated are judged as usual."""
    found = findings(acls, expected)
    if all_read:
        return found, []
    unseen = [f for f in found if f.field in ("name", "associated_with") and not f.rule]
    if not unseen:
        return found, []
    what = f"the web ACL{' ' + expected.acl if expected.acl else ''} protecting {expected.protects}"
    return ([f for f in found if f not in unseen],
            [BlindSpot(what, f"not returned associated with it by the reads that succeeded (it may be behind a "
                             f"blind read); read: {unseen[0].seen or 'nothing'}")])


def facts(acls: list[WafAcl], expected: WafConfiguration, found: list[Finding]) -> list[Fact]:
    """WAF-429 drift: every ACL's mode and every rate rule's fields, against the profile (ok: no finding on it)."""
    broken = {(f.acl, f.rule, f.field) for f in found}
    out: list[Fact] = []
    for acl in acls:
        judged = expected.acl in (None, acl.name) and expected.protects in acl.associated_with
        out.append(Fact(acl.name, "associated", judged, True, judged))
        if not judged:
            continue
        out.append(Fact(acl.name, "mode", acl.mode, "Prevention", (acl.name, "", "mode") not in broken))
        out.append(Fact(acl.name, "managed_groups", sorted(acl.managed_groups), expected.managed_groups,
                        (acl.name, "", "managed_groups") not in broken))
        for rule in acl.rules:
            want = next((w for w in expected.rules if _path(w.scope_path) == _path(rule.scope_path)), None)
            asked = {"limit": want and want.limit, "window_s": want and want.window_s,
                     "aggregate": expected.aggregate, "action": "Block", "response_code": expected.response_code}
            seen = {"limit": rule.limit, "window_s": rule.window_s, "aggregate": rule.aggregate,
                    "action": rule.action, "response_code": rule.response_code or PLAIN_BLOCK_STATUS}
            for name, value in seen.items():
                ok = None if want is None else (acl.name, rule.name, name) not in broken
                out.append(Fact(f"{acl.name} rule {rule.name}", name, value, asked[name], ok))
    return out
