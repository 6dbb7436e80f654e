"""`golive discover` (issue 17): a draft profile from the estate itself, read through the gate's own providers.

The draft names every resource each checklist item would judge (read with the same reads, recorder and audit as
the gate, so discover sees exactly what the gate judges), takes every threshold from the runbooks
(golive/discover_catalogue.py and the section models' defaults), comments what was seen on every entry, marks
with ``# DECIDE:`` what only a person can choose, and lists at the top what could not be read with the read-only
policy that covers discover's reads. Deterministic: sorted, no timestamps, so the same estate gives the same file.
Drafting is table-driven: ``DRAFTERS`` maps an item to the function drafting its section; an item without one is
drafted ``{not_applicable: ...}`` with a DECIDE line, so new checklist items slot in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from golive import discover_catalogue as cat
from golive.discover_merge import offered_lines
from golive.discover_yaml import Listed, Noted, plain, render
from golive.providers import CloudProviders
from golive.registry import BY_ID, ITEMS
from golive.verdict import BlindSpot, CouldNotObserve, Records

KINDS = ("zone_placements", "backup_schedules", "data_protection", "alarm_rules", "alarm_actions",
         "secret_rotations", "vault_protections", "log_retentions", "waf_acls", "scaling_policies", "tls_policies",
         "cdn_cache_policies", "rollouts", "dashboards")
TURN_PORTS = (3478, 5349)
FLOW_LOOKBACK_S = 7 * 86400  # LOGS-FLOWING: a log store with an event in the last week is one that should flow
DECIDE = "DECIDE:"
# max_connections of RDS PostgreSQL/MySQL's default parameter group: LEAST(DBInstanceClassMemory/9531392, 5000)
_CLASS_GIB = {"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32, "4xlarge": 64,
              "8xlarge": 128, "12xlarge": 192, "16xlarge": 256, "24xlarge": 384}
_MEMORY_OPTIMIZED = ("db.r", "db.x", "db.z")


@dataclass(frozen=True)
class Derived:
    """A number golive derives from the estate, and how (shown beside it)."""

    value: int
    how: str


@dataclass
class Estate:
    """What discover read: records by kind, TURN-facing firewall groups, derived numbers, blind spots."""

    clouds: tuple[str, ...]
    records: dict[str, Records]
    namespaces: tuple[str, ...] = ()  # the Kubernetes namespaces read
    turn_groups: list[tuple[str, str]] = field(default_factory=list)  # (group, what it opens)
    derived: dict[tuple[str, str], Derived] = field(default_factory=dict)  # (resource, quantity) -> number
    blind: list[BlindSpot] = field(default_factory=list)
    blind_of: dict[str, list[BlindSpot]] = field(default_factory=dict)  # kind -> its reads that failed

    def of(self, kind: str) -> Records:
        return self.records.get(kind, Records())

    def unread(self, *kinds: str) -> str:
        """The failed reads behind ``kinds`` (``rds:DescribeDBInstances, ...``), or "" when all were read."""
        return ", ".join(sorted({_read_name(b) for k in kinds for b in self.blind_of.get(k, ())}))

    def note_blind(self, kind: str, spots: Any) -> None:
        for spot in spots:
            if spot not in self.blind:
                self.blind.append(spot)
            self.blind_of.setdefault(kind, []).append(spot)


# Which kinds of records each item's draft comes from (a failed read there is said on that item's section).
ITEM_KINDS: dict[str, tuple[str, ...]] = {
    "MULTI-AZ": ("zone_placements",), "BACKUPS": ("backup_schedules", "data_protection"),
    "ALARMS": ("alarm_rules", "alarm_actions", "derived"), "SECRETS": ("secret_rotations", "vault_protections"),
    "LOG-RETENTION": ("log_retentions",), "WAF-429": ("waf_acls",), "AUTOSCALING": ("scaling_policies",),
    "TLS-ONLY": ("tls_policies",), "CDN": ("cdn_cache_policies",), "ROLLOUT": ("rollouts",),
    "TURN": ("turn_groups",), "DASHBOARDS": ("dashboards",), "LOGS-FLOWING": ("log_retentions", "log_flows"),
}
_ACTION = re.compile(r"\b[a-z][a-z0-9-]*:[A-Z][A-Za-z0-9]+")


def _read_name(spot: BlindSpot) -> str:
    """A failed read by its permission name (``rds:DescribeDBInstances``) when it shows one, else its target."""
    found = _ACTION.search(spot.what) or _ACTION.search(spot.why)
    return found.group(0) if found else " ".join(spot.what.split())[:100]


# ---- reading --------------------------------------------------------------------------------------------------
def observe(providers: CloudProviders) -> Estate:
    """Every kind the cloud items judge, read once (the run cache keeps each call), plus the numbers golive derives."""
    clouds = tuple(name for name in ("aws", "azure", "kubernetes") if getattr(providers.config, name) is not None)
    kube = providers.config.kubernetes
    estate = Estate(clouds, {}, tuple(kube.namespaces) if kube is not None else ())
    for kind in KINDS:
        found = providers.gather(kind)
        estate.records[kind] = found
        estate.note_blind(kind, found.blind)
    stores = estate.of("log_retentions")
    flows = providers.gather("log_flows", log_groups=tuple(r.name for r in stores if r.kind == "log-group"),
                             namespaces=estate.namespaces, workspaces=tuple(r.name for r in stores
                                                                           if r.kind == "workspace"),
                             window_s=FLOW_LOOKBACK_S, max_events=1)  # which stores ever receive events
    estate.records["log_flows"] = flows
    estate.note_blind("log_flows", flows.blind)
    for cloud, read, kind in (("aws", _aws_derived, "derived"), ("azure", _azure_derived, "derived"),
                              ("aws", _aws_turn_groups, "turn_groups"), ("azure", _azure_turn_groups, "turn_groups")):
        if cloud in clouds:
            try:
                read(getattr(providers, cloud), estate)
            except CouldNotObserve as exc:
                estate.note_blind(kind, exc.blind)
    estate.turn_groups.sort()
    return estate


def rds_max_connections(instance_class: str) -> int | None:
    """The default max_connections of an RDS instance class (None when the class is not in the table)."""
    size = instance_class.rsplit(".", 1)[-1]
    gib = _CLASS_GIB.get(size)
    if gib is None:
        return None
    gib *= 2 if instance_class.startswith(_MEMORY_OPTIMIZED) else 1
    return min(gib * 2**30 // 9531392, 5000)


def _aws_derived(aws: Any, estate: Estate) -> None:
    for db in aws.read("rds", "DescribeDBInstances").get("DBInstances", []):
        ident = db["DBInstanceIdentifier"]
        if db.get("AllocatedStorage"):
            gib = int(db["AllocatedStorage"])
            estate.derived[(ident, "allocated_bytes")] = Derived(gib * 2**30, f"AllocatedStorage {gib} GiB")
        conns = rds_max_connections(str(db.get("DBInstanceClass", "")))
        if conns is not None:
            estate.derived[(ident, "max_connections")] = Derived(
                conns, f"default max_connections of {db['DBInstanceClass']}; DECIDE: the parameter group's value "
                       f"if it sets one")


def _azure_derived(az: Any, estate: Estate) -> None:
    from golive.providers.azure.postgres import configuration, flexible_servers
    for server in flexible_servers(az):
        value = configuration(az, server["name"], "max_connections").get("properties", {}).get("value")
        if value and str(value).isdigit():
            estate.derived[(server["name"], "max_connections")] = Derived(int(value), "server parameter "
                                                                                      "max_connections")


def _opens_turn(low: int, high: int) -> bool:
    return any(low <= port <= high for port in TURN_PORTS)


def _aws_turn_groups(aws: Any, estate: Estate) -> None:
    for group in aws.read("ec2", "DescribeSecurityGroups").get("SecurityGroups", []):
        ports = sorted({f"{p['FromPort']}/{p.get('IpProtocol')}" for p in group.get("IpPermissions", [])
                        if p.get("FromPort") is not None and _opens_turn(int(p["FromPort"]), int(p["ToPort"]))})
        if ports:
            estate.turn_groups.append((group.get("GroupName") or group["GroupId"], "opens " + ", ".join(ports)))


def _azure_turn_groups(az: Any, estate: Estate) -> None:
    from golive.providers.azure.firewall import effective_inbound
    for nsg in az.read("network", "network security groups", lambda c: c.network_security_groups.list(az.resource_group)):
        ports = sorted({f"{r.port_from}/{r.protocol}" for r in effective_inbound(nsg) if _opens_turn(r.port_from, r.port_to)})
        if ports:
            estate.turn_groups.append((nsg["name"], "opens " + ", ".join(ports)))


# ---- drafting, one function per item ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Ask:
    """What the user asked: the runbooks the thresholds come from."""

    runbooks: tuple[str, ...]


def _na(why: str, candidates: str = "") -> Noted:
    return Noted({"not_applicable": f"{DECIDE} {why}"}, "", (f"{DECIDE} {why}",) + ((candidates,) if candidates else ()))


def _hosts(estate: Estate) -> list[str]:
    found = {h for p in estate.of("tls_policies") for h in p.hosts}
    found |= {h for p in estate.of("cdn_cache_policies") for h in p.hosts}
    return sorted(h for h in found if "*" not in h)


def _live(estate: Estate, what: str) -> Noted:
    hosts = _hosts(estate)
    seen = f"hosts seen on TLS listeners, ingresses and CDN domains: {', '.join(hosts)}" if hosts else \
        "no TLS listener, ingress or CDN host seen"
    return _na(f"live only: name {what} here (see `golive explain`), or say why it does not apply", seen)


_DATA_STORES = ("postgresql/", "redis/", "rds/", "elasticache/")  # TLS, but not HTTPS on 443: not a live endpoint


def _host_sources(estate: Estate) -> dict[str, list[str]]:
    """Each host seen on a TLS listener, ingress or CDN domain, and the resources it was seen on."""
    found: dict[str, set[str]] = {}
    for p in estate.of("tls_policies"):
        for h in p.hosts:
            found.setdefault(h, set()).add(p.resource)
    for c in estate.of("cdn_cache_policies"):
        for h in c.hosts:
            found.setdefault(h, set()).add(c.distribution)
    web = {h: sorted(found[h]) for h in _hosts(estate)}
    return {h: where for h, where in web.items() if not all(w.startswith(_DATA_STORES) for w in where)}


def _live_entries(estate: Estate, entry: Callable[[str], dict[str, Any]], *decide: str) -> Noted | None:
    """TLS-ONLY, SEC-HEADERS, HEALTH: one live entry per host seen, each noted with where it was seen."""
    sources = _host_sources(estate)
    if not sources:
        return None
    above = (f"{DECIDE} remove hosts that are not live yet, or declare the live half not applicable before "
             "traffic",) + decide
    return Noted(Listed(Noted(entry(h), "seen on " + ", ".join(where)) for h, where in sources.items()), "", above)


def _sec_headers(estate: Estate, ask: Ask) -> Any:
    origins = _live_entries(estate, lambda h: {"name": h, "url": f"https://{h}/"})
    return {"origins": origins} if origins else _live(estate, cat.LIVE_ONLY["SEC-HEADERS"])


def _health(estate: Estate, ask: Ask) -> Any:
    found = _live_entries(estate, lambda h: {"name": h, "url": f"https://{h}/health", "contract": "status-ok"},
                          f"{DECIDE} the runbook's contract and path")
    return {"endpoints": found} if found else _live(estate, cat.LIVE_ONLY["HEALTH"])


def _multi_az(estate: Estate, ask: Ask) -> Any:
    found = sorted(estate.of("zone_placements"), key=lambda r: (r.tier, r.resource, r.kind))
    if not found:
        return _na("no zoned resource was read (load balancers, services, databases, caches, nodes, workloads)")
    entries = []
    for r in found:
        flags = ", ".join(f"{k} {str(v).lower()}" for k, v in sorted(r.flags.items()))
        seen = f"{len(r.zones)} zones ({', '.join(r.zones)})" + (f", {r.members} members" if r.members else "") + \
            (f", {flags}" if flags else "") + (f"; not returned: {', '.join(r.unknown)}" if r.unknown else "")
        entry = {"tier": r.tier, "name": r.resource, **({"kind": r.kind} if r.kind else {})}
        short = len(r.zones) < 3 or (r.members is not None and r.members < 3)
        above = (f"{DECIDE} {r.resource} shows {len(r.zones)} zones / {r.members} members; the runbooks ask 3. "
                 f"Spread it, or when the service cannot do more add min_zones, min_replicas and because: <why>",) \
            if short else ()
        entries.append(Noted(entry, seen, above))
    return {"min_zones": Noted(3, "runbooks 000/002/003/004: three zones for every tier"),
            "min_replicas": 3, "resources": Listed(entries)}


def _backups(estate: Estate, ask: Ask) -> Any:
    plans = sorted(estate.of("backup_schedules"), key=lambda s: (s.plan, s.rule))
    covered = sorted({c for s in plans for c in s.covers})
    if not plans or not covered:
        return _na("no backup plan/policy/schedule covering a resource was read")
    copied = sorted({c for s in plans if s.copies_to for c in s.covers} | {
        d.resource for d in estate.of("data_protection") if d.settings.get("geo_redundant_backup")} & set(covered))
    section: dict[str, Any] = {
        "interval_h": Noted(6, "runbooks 000/002: every 6 h (0, 6, 12, 18 UTC)"),
        "retention_days": Noted(30, "runbooks 000/002: 30 days"),
    }
    if "001" in ask.runbooks:
        section["max_age_h"] = Noted(24, "runbook 001: backup verified < 24 h old")
    by_resource = {c: sorted({s.plan for s in plans if c in s.covers}) for c in covered}
    section["resources"] = Listed(Noted(c, f"backed up by {', '.join(by_resource[c])}") for c in covered)
    section["schedules"] = Listed(Noted(p, f"{', '.join(sorted({s.expression for s in plans if s.plan == p}))}, kept "
                                           f"{_days({s.retention_days for s in plans if s.plan == p})}")
                                  for p in sorted({s.plan for s in plans}))
    if copied:  # none: left out (the default), so a later merge inserts the list when copies appear
        section["cross_region"] = Noted(Listed(copied), "copies to another region seen (runbook 002: geo-redundant); "
                                                        f"{DECIDE} keep the ones that must be")
    return section


def _days(values: set[float | None]) -> str:
    return ", ".join("forever" if v is None else f"{v:g} days" for v in sorted(values, key=lambda v: v or 1e9))


def _direction(comparison: str | None) -> str:
    return {">": "up", ">=": "up", "<": "down", "<=": "down"}.get(comparison or "", comparison or "")


def _match(want: dict[str, Any], rules: list[Any]) -> list[Any]:
    hits = [r for r in rules if r.cloud == want["cloud"] and want["metric"] in r.metrics
            and (want.get("namespace") is None or r.namespace == want["namespace"])
            and all(r.dimensions.get(k) == v for k, v in want.get("dimensions", {}).items())
            and _direction(r.comparison) == _direction(want["comparison"])]
    return sorted(hits, key=lambda r: (r.name.startswith("TargetTracking-"), r.threshold != want["threshold"],
                                       not r.actions, r.name))


def _alarms(estate: Estate, ask: Ask) -> Any:
    wanted = [w for w in cat.ALARMS if w["cloud"] in estate.clouds and w["runbook"] in ask.runbooks]
    if not wanted:
        return _na(f"the runbooks named ({', '.join(ask.runbooks)}) list no alarm for the clouds read")
    rules = list(estate.of("alarm_rules"))
    section_runbook = wanted[0]["runbook"]
    entries = []
    for want in wanted:
        entry = {k: v for k, v in want.items() if k not in ("of_maximum", "runbook")}
        if want["runbook"] != section_runbook:
            entry = {"cloud": want["cloud"], "runbook": want["runbook"], **{k: v for k, v in entry.items() if k != "cloud"}}
        hits = _match(want, rules)
        above: tuple[str, ...] = ()
        if hits:
            rule = hits[0]
            entry = {**{k: entry[k] for k in ("cloud", "runbook", "name", "says") if k in entry}, "alarm": rule.name,
                     **{k: v for k, v in entry.items() if k not in ("cloud", "runbook", "name", "says")}}
            seen = (f"seen: {rule.comparison} {rule.threshold:g} over {rule.window_s or rule.period_s} s on "
                    f"{', '.join(rule.resources) or 'no dimension'}, {len(rule.actions)} action(s)"
                    + (f"; also on this metric: {', '.join(h.name for h in hits[1:4])}" if len(hits) > 1 else ""))
            resources = rule.resources
        elif estate.unread("alarm_rules"):
            seen = (f"NOT READ: the alarms could not be read ({estate.unread('alarm_rules')}), so whether one on "
                    f"{want['metric']} exists is unknown (not missing); the runbook asks it")
            resources = ()
        else:
            seen = (f"NOT FOUND: no {want['cloud']} alarm on {want['metric']}"
                    + (f" in {want['namespace']}" if want.get("namespace") else "") + "; required, the first gate "
                    "names it (create it, or name an existing one with alarm:)")
            resources = ()
        if "of_maximum" in want:
            quantity = want["of_maximum"]
            derived = sorted(((res, d) for (res, q), d in estate.derived.items() if q == quantity
                              and (res in resources or not resources)), key=lambda x: x[0])
            if derived:
                res, d = derived[0]
                entry["of_maximum"] = d.value
                seen += f"; of_maximum {d.value} = {quantity} of {res} ({d.how})"
            else:
                unread = estate.unread("derived")
                above = (f"{DECIDE} of_maximum: {quantity} could not be derived"
                         + (f" (NOT READ: {unread})" if unread else "")
                         + f" (threshold {want['threshold']} is a percentage of it); add of_maximum: <{quantity}>",)
        entries.append(Noted(entry, seen, above))
    return {"runbook": section_runbook, "alarms": entries}


def _secrets(estate: Estate, ask: Ask) -> Any:
    rot = estate.of("secret_rotations")
    secrets = sorted({r.name for r in rot if r.kind == "secret"})
    keys = sorted({(r.aliases[0] if r.aliases else r.name) for r in rot if r.kind == "kms-key"})
    vaults = sorted({v.name for v in estate.of("vault_protections")} | {r.store for r in rot if r.kind == "key-vault-secret"})
    if not (secrets or keys or vaults):
        return _na("no secret, KMS key or Key Vault was read")
    by = {r.name: r for r in rot}
    prot = {v.name: v for v in estate.of("vault_protections")}
    section: dict[str, Any] = {"rotation_days": Noted(30, f"{DECIDE} runbook 002 line 273 asks automatic rotation "
                                                          "without an interval; 30 days is a common choice")}
    if secrets:
        section["secrets"] = Listed(Noted(s, f"rotation {_on(by[s].rotation_enabled)}, every {by[s].interval_days} "
                                             "days") for s in secrets)
    if keys:
        section["kms_keys"] = Listed(Noted(k, "key rotation " + _on(next((r.rotation_enabled for r in rot
                                                                           if k in r.aliases or k == r.name), None)))
                                     for k in keys)
    if vaults:
        section["key_vaults"] = Listed(Noted({"name": v}, f"soft delete {_on(prot[v].soft_delete)} "
                                                          f"({prot[v].soft_delete_days} days), purge protection "
                                                          f"{_on(prot[v].purge_protection)}" if v in prot else
                                             "vault properties not read") for v in vaults)
    return section


def _on(flag: bool | None) -> str:
    return "not returned" if flag is None else "on" if flag else "OFF"


def _log_retention(estate: Estate, ask: Ask) -> Any:
    logs = sorted(estate.of("log_retentions"), key=lambda r: (r.kind, r.name))
    if not logs:
        return _na("no log group or workspace was read")

    def seen(r: Any) -> str:
        return "never expires" if r.never_expires else f"{r.retention_days} days" if r.retention_days else \
            "retention not returned"
    section: dict[str, Any] = {"min_days": Noted(30, "runbook 002 lines 314-315: 30-day retention")}
    groups = Listed(Noted(r.name, seen(r)) for r in logs if r.kind == "log-group")
    spaces = Listed(Noted(r.name, seen(r)) for r in logs if r.kind == "workspace")
    if groups:
        section["log_groups"] = groups
    if spaces:
        section["workspaces"] = spaces
    return section


def _custom_host(hosts: tuple[str, ...]) -> str | None:
    return next((h for h in hosts if not h.endswith((".cloudfront.net", ".azurefd.net"))), None)


def _cdn(estate: Estate, ask: Ask) -> Any:
    policies = sorted(estate.of("cdn_cache_policies"), key=lambda p: (p.distribution, p.path_pattern))
    live = _live(estate, "asset URLs served from the CDN (runbook 000 line 600: X-Cache)")
    if not policies:
        return _na("no CloudFront distribution, Front Door route or cached ingress was read")
    names = []
    for dist in sorted({p.distribution for p in policies}):
        mine = [p for p in policies if p.distribution == dist]
        static = [p for p in mine if p.path_pattern in ("/static/*",)] or mine
        host = _custom_host(static[0].hosts) or dist
        paths = ", ".join(f"{p.path_pattern} {'cached' if p.caching_enabled else 'not cached'}"
                          + (f" (default TTL {p.default_ttl_s} s)" if p.default_ttl_s else "") for p in mine)
        names.append(Noted(host, f"{dist}: {paths}"))
    return {"assets": live, "configured": {"distributions": Listed(names),
                                           "static_paths": Noted(["/static/*"], "runbook 000: static assets"),
                                           "min_default_ttl_s": 86400}}


def _short(names: tuple[str, ...]) -> str:
    plain_names = [n for n in names if ":" not in n and not n.startswith("/")]
    return (plain_names or list(names) or ["?"])[0]


def _waf(estate: Estate, ask: Ask) -> Any:
    acls = sorted(estate.of("waf_acls"), key=lambda a: (not a.rules, not a.associated_with, a.scope == "ingress",
                                                         a.name))
    live = _na("the live burst blocks the caller's IP for the window: name a burstable URL and its limit (live: "
               "{url, burstable: true, expected_limit}) and set waf_burst: true, or keep this reason")
    if not acls:
        return {"configuration": _na("no web ACL / WAF policy was read"), "live": live}
    acl = acls[0]
    others = [f"{a.name} ({a.scope}, protects {_short(a.associated_with)})" for a in acls[1:]]
    above = (f"{DECIDE} the configuration judges one ACL; also seen: {', '.join(others)}",) if others else ()
    config = {"protects": Noted(_short(acl.associated_with), f"{acl.scope} ACL associated with "
                                                             f"{', '.join(sorted(set(acl.associated_with)))}"),
              "acl": Noted(acl.name, f"{len(acl.rules)} rate rule(s), mode {acl.mode}")}
    if acl.managed_groups:
        config["managed_groups"] = sorted(acl.managed_groups)
    return {"configuration": Noted(config, "rules: runbook 002's 2000 req/5 min per IP and 1000 on /api "
                                           "(the section's default)", above), "live": live}


def _turn(estate: Estate, ask: Ask) -> Any:
    live = _na("TURN allocations need the relays and their shared secret: add live: {secret: {env: <VAR>}, realm, "
               "servers: [{name, host}]} naming the environment variable that holds use-auth-secret")
    if not estate.turn_groups:
        return {"live": live, "firewall": _na("no security group / NSG opening 3478 or 5349 was read")}
    return {"live": live, "firewall": {
        "groups": Listed(Noted(g, why) for g, why in estate.turn_groups),
        "udp_port": Noted(3478, "runbook 000 line 407: listening-port=3478"), "tcp_port": 3478, "tls_port": 5349}}


def _tls(estate: Estate, ask: Ask) -> Any:
    policies = sorted(estate.of("tls_policies"), key=lambda p: p.resource)
    endpoints = _live_entries(estate, lambda h: {"name": h, "host": h, "port": 443})
    live = {"endpoints": endpoints} if endpoints else \
        _na("name the endpoints to handshake with (live: {endpoints: [{name, host, port}]}); hosts seen: none")
    if not policies:
        return {"live": live, "configuration": _na("no TLS listener or policy was read")}
    seen = "; ".join(f"{p.resource} {'/'.join(p.protocols) or 'min ' + str(p.min_version)}" for p in policies)
    return {"live": live, "configuration": Noted({}, f"every declared policy is judged: {seen}")}


def _autoscaling(estate: Estate, ask: Ask) -> Any:
    found = sorted(estate.of("scaling_policies"), key=lambda p: (p.platform, p.resource))
    if not found:
        return _na("no scaling policy was read")
    entries = []
    for p in found:
        options = _capacities(p, ask)
        if not options:
            entries.append(Noted({"resource": p.resource, "platform": p.platform, "min_capacity": p.min_capacity or 1,
                                  "max_capacity": p.max_capacity or 1, "target": 70}, "seen",
                                 (f"{DECIDE} no runbook named gives this scaler's capacity; these are the estate's",)))
            continue
        chosen = next((o for o in options if (o[1], o[2]) == (p.min_capacity, p.max_capacity)), options[0])
        runbook, low, high = chosen
        entry: dict[str, Any] = {"resource": p.resource, "platform": p.platform, "min_capacity": low,
                                 "max_capacity": high, "target": 70, "runbook": runbook}
        if p.platform == "azure-autoscale":
            entry.update(scale_in_threshold=30, window_s=300)
        seen = f"seen {p.min_capacity}-{p.max_capacity} at {p.target} % {p.metric}"
        above = (f"{DECIDE} runbook {runbook} gives {low}-{high}; other runbooks named: "
                 + ", ".join(f"{o[0]} {o[1]}-{o[2]}" for o in options if o != chosen),) if len(options) > 1 else ()
        entries.append(Noted(entry, seen, above))
    live = _na("the live half sends load: name the target, the scaler and caps (see `golive explain AUTOSCALING`), "
               "or keep this reason")
    return {"runbook": "002", "policies": Listed(entries), "live": live}


def _capacities(p: Any, ask: Ask) -> list[tuple[str, int, int]]:
    out = []
    base = cat.CAPACITY.get(p.platform)
    if base and base[0] in ask.runbooks:
        out.append(base)
    name = p.resource.rsplit("/", 1)[-1]
    if p.platform == "kubernetes-hpa" and "003" in ask.runbooks and name in cat.CAPACITY_003:
        out.append(("003", *cat.CAPACITY_003[name]))
    return out


def _rollout(estate: Estate, ask: Ask) -> Any:
    found = list(estate.of("rollouts"))
    if not found:
        return _na("no Deployment, StatefulSet, ECS service or App Service was read")
    tags: dict[str, set[str]] = {}
    for r in found:
        for _, image in r.images:
            tags.setdefault(r.scope, set()).add(image.rsplit(":", 1)[-1] if ":" in image.rsplit("/", 1)[-1] else "?")
    seen = "; ".join(f"{scope}: {', '.join(sorted(v))}" for scope, v in sorted(tags.items()))
    return Noted({"max_restarts": Noted(0, "runbook 004 step 5: RESTARTS 0")},
                 f"{len(found)} workloads read",
                 (f"{DECIDE} release: the version this go-live ships (and releases: per scope, own_versions: for "
                  f"databases/brokers); image tags seen: {seen}",))


def _dashboards(estate: Estate, ask: Ask) -> Any:
    wanted = {cloud: metrics for cloud, metrics in cat.DASHBOARD_METRICS.items() if cloud in estate.clouds}
    if not wanted:
        return _na("dashboards are drafted for AWS (CloudWatch) and Azure (portal) only")
    found = list(estate.of("dashboards"))
    entries = []
    for cloud, metrics in sorted(wanted.items()):
        mine = sorted((d for d in found if d.cloud == cloud),
                      key=lambda d: (-len(set(metrics) & set(d.metrics or ())), d.name))
        says = f"runbook 000 lines 606 and 659-683: a {cloud} dashboard charting {', '.join(metrics)}"
        if not mine:
            unread = estate.unread("dashboards")
            seen = (f"NOT READ ({unread}): unknown whether one exists (not missing)" if unread else
                    "NOT FOUND: no dashboard seen; required, the first gate names it (create it and name it here)")
            entries.append(Noted({"cloud": cloud, "name": f"{cloud}-dashboard-not-found", "metrics": list(metrics)},
                                 seen, (f"{DECIDE} {says}",)))
            continue
        chosen = mine[0]
        charted = "body not parsed" if chosen.metrics is None else f"charts {len(chosen.metrics)} metrics" + (
            f"; lacks {', '.join(m for m in metrics if m not in chosen.metrics)}" if set(metrics) - set(
                chosen.metrics) else "")
        others = [d.name for d in mine[1:]]
        above = (f"{DECIDE} {says}; also seen: {', '.join(others)}",) if others else ()
        entries.append(Noted({"cloud": cloud, "name": chosen.name, "metrics": list(metrics)}, charted, above))
    return {"dashboards": entries}


def _logs_flowing(estate: Estate, ask: Ask) -> Any:
    flows = sorted(estate.of("log_flows"), key=lambda f: (f.kind, f.name))
    live = [f for f in flows if f.newest is not None]
    if not live:
        return _na("no log group, workspace or Kubernetes namespace with an event in the last week was read")
    silent = [f"{f.kind} {f.name}" for f in flows if f.newest is None]
    above = (f"{DECIDE} no event seen in a week, so not listed (add the ones that must flow): {', '.join(silent)}",) \
        if silent else ()
    section: dict[str, Any] = {
        "window_min": Noted(15, f"{DECIDE} runbook 000 line 624 tails the logs (--follow) without a window"),
        "max_error_share": Noted(0.05, "runbook 004: roll back at an error rate > 5 %"),
    }
    for key, kind in (("log_groups", "log-group"), ("namespaces", "namespace"), ("workspaces", "workspace")):
        names = [f.name for f in live if f.kind == kind]
        if names:
            section[key] = Noted(Listed(names), "events seen in the last week (runbook 000 line 624, 004 step 5.4)")
    return Noted(section, "", above)


DRAFTERS: dict[str, Callable[[Estate, Ask], Any]] = {
    "ROLLOUT": _rollout, "TLS-ONLY": _tls, "SEC-HEADERS": _sec_headers, "HEALTH": _health, "CDN": _cdn,
    "WAF-429": _waf, "MULTI-AZ": _multi_az,
    "BACKUPS": _backups, "ALARMS": _alarms, "SECRETS": _secrets, "LOG-RETENTION": _log_retention, "TURN": _turn,
    "AUTOSCALING": _autoscaling, "DASHBOARDS": _dashboards, "LOGS-FLOWING": _logs_flowing,
}


def draft_items(estate: Estate, ask: Ask) -> dict[str, Any]:
    """Every checklist item's drafted section (registry order), notes attached."""
    out: dict[str, Any] = {}
    for item in ITEMS:
        drafter = DRAFTERS.get(item.id)
        if drafter is not None:
            out[item.id] = drafter(estate, ask)
            reads = estate.unread(*ITEM_KINDS.get(item.id, ()))
            if reads:
                out[item.id] = _said_unread(out[item.id], reads)
        elif item.id in cat.LIVE_ONLY:
            out[item.id] = _live(estate, cat.LIVE_ONLY[item.id])
        else:
            out[item.id] = _na(f"golive discover cannot draft {item.id} yet; write its section "
                               f"(`golive explain {item.id}`) or say why it does not apply")
    return out


def _unread_line(reads: str) -> str:
    return (f"NOT READ here: {reads} failed, so what those reads would show is not drafted (unread, not missing); "
            f"grant them (policy lines at the top) and discover again")


def _said_unread(section: Any, reads: str) -> Any:
    """An item's draft that says which of its reads failed; a "none was read" not_applicable says it was unread."""
    def na_unread(value: Any) -> Any:
        if isinstance(value, Noted) and isinstance(value.value, dict) and " was read" in str(
                value.value.get("not_applicable", "")):
            why = f"{DECIDE} {_unread_line(reads)}; until then: {value.value['not_applicable'].removeprefix(DECIDE)}"
            return Noted({"not_applicable": " ".join(why.split())}, "", (why,))
        return value
    section = na_unread(section)
    if isinstance(section, dict):
        section = {k: na_unread(v) for k, v in section.items()}
    if isinstance(section, Noted):
        if any("NOT READ" in line for line in section.above):
            return section
        return replace(section, above=(_unread_line(reads),) + section.above)
    return Noted(section, "", (_unread_line(reads),))


def _header(name: str, estate: Estate, ask: Ask, policies: dict[str, str]) -> list[str]:
    lines = [f"# Drafted by `golive discover` from {', '.join(estate.clouds)} for runbook(s) {', '.join(ask.runbooks)}.",
             "# Review every line marked DECIDE, then run the gate: pytest -m production --profile <this file>.",
             "# Thresholds are the runbooks'; names and the comments beside them are what the estate showed."]
    if estate.blind:
        lines.append(f"# NOT READ ({len(estate.blind)}): the draft lacks what these reads would have shown.")
        lines.extend(f"#   - {' '.join(str(b).split())}" for b in sorted(estate.blind, key=str))
        for cloud, text in sorted(policies.items()):
            lines.append(f"# Least-privilege {cloud} policy lines that would fix them (the read-only policy covering "
                         f"every read: golive audit-policy {cloud}):")
            lines.extend(f"#   {ln}" for ln in text.splitlines())
    return lines


def render_draft(name: str, estate: Estate, ask: Ask, providers_block: dict[str, Any],
                 policies: dict[str, str] | None = None) -> str:
    """The draft profile's text: header comments, then the profile (stable: same estate, same text)."""
    body = {"name": name, "description": Noted(f"drafted by golive discover ({', '.join(estate.clouds)})"),
            "runbooks": list(ask.runbooks), "providers": providers_block, "items": draft_items(estate, ask)}
    text = "\n".join(_header(name, estate, ask, policies or {}) + render(body)) + "\n"
    return text + "\n".join(offered_lines(text)) + "\n"  # what --merge has offered (an entry removed stays removed)


def profile_data(text: str) -> dict[str, Any]:
    """The draft as data (for tests and merge)."""
    import yaml
    return yaml.safe_load(text)


def decide_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if DECIDE in ln]


__all__ = ["BY_ID", "Ask", "Estate", "observe", "render_draft", "draft_items", "plain", "decide_lines"]


def discover(config: Any, providers_block: dict[str, Any], name: str, runbooks: tuple[str, ...]) -> tuple[str, list[str]]:
    """Read the estate (reads only, audited, cached once) and draft; returns (text, calls that were not reads)."""
    from golive import least_privilege
    from golive.audit import AuditLog
    from golive.cache import RunCache

    audit = AuditLog()
    estate = observe(CloudProviders(config, RunCache(None), audit))
    calls = audit.calls()
    writes = [f"{c.cloud} {c.action}" for c in calls if not c.is_read]
    policies: dict[str, str] = {}
    if estate.blind:
        for cloud in estate.clouds:
            mine = _failed_calls([c for c in calls if c.cloud == cloud], estate.blind)
            try:
                policies[cloud] = least_privilege.render(least_privilege.DOCUMENTS[cloud](mine)) if mine else ""
            except least_privilege.UnknownToReference as exc:
                policies[cloud] = f"(no policy: {exc})"
    text = render_draft(name, estate, Ask(runbooks), providers_block, {k: v for k, v in policies.items() if v})
    return text, writes


def _failed_calls(calls: list[Any], blind: list[BlindSpot]) -> list[Any]:
    """The recorded calls a blind spot names (by call, path or permission name): what the fix must grant."""
    from golive import least_privilege

    said = " ".join(str(b) for b in blind)
    reference = least_privilege.AwsReference.bundled() if any(c.cloud == "aws" for c in calls) else None

    def named(call: Any) -> bool:
        if call.action in said or (call.path and call.path in said):
            return True
        if call.cloud != "aws":
            return False
        try:
            granted = least_privilege.iam_policy([call], reference)["Statement"][0]["Action"]
        except least_privilege.UnknownToReference:
            return False
        return any(action in said for action in granted)
    return [c for c in calls if named(c)]
