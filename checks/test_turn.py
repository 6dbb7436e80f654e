"""TURN: WebRTC relays allocate over UDP 3478, TCP 3478 and TLS 5349 with REST-API credentials from the shared
secret, relay inside 49152-65535, carry data to a peer and back, and refuse bad, expired and missing credentials
(runbook 000 "TURN Server Setup"; runbook 002 "TURN Servers for WebRTC"). The coturn file says the same where
the profile gives access to it, and the firewall in front opens TURN's ports and nothing more to the world.

Two halves, each standing alone and each declarable ``{not_applicable: reason}``: ``live`` (servers, secret,
allocations, config file) and ``firewall`` (security groups / NSGs through the providers; needs no server and no
secret). Every server and transport is judged on its own; one that cannot be observed is a named blind spot.
"""

from dataclasses import replace

import pytest

from golive.compare import targets
from golive.probes import turn
from golive.probes.http import ssl_context
from golive.profile.base import NotApplicable
from golive.providers.records_firewall import Opening, firewall_facts, ingress_problems, turn_openings
from golive.verdict import CouldNotObserve


def _half(section, profile, half: str):
    found = getattr(section, half)
    if isinstance(found, NotApplicable):
        pytest.skip(f"TURN {half} not applicable on {profile.name}: {found.not_applicable}")
    return found


def _shared_secret(live, profile) -> str:
    ref = live.secret if not isinstance(live.secret, str) else profile.secrets.get(live.secret)
    if ref is None:
        raise CouldNotObserve("the TURN shared secret", f"profile {profile.name!r} has no secrets.{live.secret} "
                                                       f"(items.TURN.live.secret names it); add {{env: VARIABLE}}")
    value = ref.value()
    if value is None:
        raise CouldNotObserve("the TURN shared secret", f"{ref.describe()} is not set (items.TURN.live.secret)")
    return value


def test_turn_relays_allocate_and_refuse_bad_credentials(section, profile, evidence, judge):
    live = _half(section, profile, "live")
    secret = _shared_secret(live, profile)
    evidence.redactor = evidence.redactor.with_secrets(
        [secret, turn.rest_credentials(secret, live.user, live.credential_ttl_s)[1]])
    ca = ssl_context(profile.trust.ca_bundle)
    evidence.json("limits", {"timeout_s": live.timeout_s, "deadline_per_server_s": turn.deadline_s(live),
                             "max_requests_per_server": turn.MAX_REQUESTS_PER_SERVER,
                             "credentials": f"<unix-expiry>:{live.user}, valid {live.credential_ttl_s} s",
                             "loopback_peers": "allowed (lab only: coturn allow-loopback-peers, the check's peer "
                                               "is on 127.0.0.1)" if live.allow_loopback_peers else "must be refused"})
    for server in live.servers:  # every server and transport judged; a blind one never stops the loop
        where = f"{server.name} ({server.host})"
        seen = turn.observe(server, live, secret, ca)
        if isinstance(seen, str):
            judge.blind_to(where, seen)
            continue
        evidence.json(f"TURN {server.name} observed", seen)
        down = turn.unreachable(seen, server)
        if down:  # nothing answered on any transport: the server is unseen, not proven broken
            judge.blind_to(where, down)
            continue
        for cause in turn.unobserved(seen, server):
            judge.blind_to(where, cause)
        judge.find(f"{where} {p}" for p in turn.problems(seen, server, live))
        judge.record(turn.facts(seen, server, live))
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(judge.findings)} TURN breach(es) on profile {profile.name}")


def test_turn_server_config_file(section, profile, evidence, judge):
    live = _half(section, profile, "live")
    servers = [s for s in live.servers if s.config is not None]
    if not servers:
        pytest.skip("TURN config file not applicable: no server in items.TURN.live.servers declares config access "
                    "(config: {host: local:// | ssh://user@host}); judged live only")
    import testinfra

    for server in servers:
        where = f"{server.name} {server.config.host}{server.config.path}"
        with judge.observing():
            try:
                host = testinfra.get_host(server.config.host, sudo=server.config.sudo)
                conf = host.file(server.config.path)
                if not conf.exists:
                    raise CouldNotObserve(where, "the coturn configuration file does not exist")
                directives = turn.parse_config(conf.content_string)
                paths = [v for k, v in directives if k in {"cert", "pkey"} and v]
                present = {p: host.file(p).exists for p in paths}
            except CouldNotObserve:
                raise
            except Exception as exc:  # noqa: BLE001 - testinfra backends raise many kinds
                raise CouldNotObserve(where, f"{type(exc).__name__}: {exc}") from None
            evidence.json(f"coturn config {server.name}", {"file": where, "directives": turn.config_view(directives)})
            judge.find(f"{where}: {p}" for p in turn.config_problems(directives, present, server, live))
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(judge.findings)} coturn configuration breach(es) on profile {profile.name}")


def _from(entry: str, rule) -> bool:
    """Does the profile's group entry name the group this rule was read from (by name or id, in its target)?"""
    at = entry.lower().rfind("/networksecuritygroups/")  # an NSG named by its ARM id
    name = entry[at + len("/networksecuritygroups/"):] if at >= 0 else entry
    return targets.specificity(name, rule.group, rule.where) is not None


#: ingress_problems' words for a required opening it did not find: with a blind read it may sit behind that read
_ABSENT = (" is not open to the world", " is open only in part (")


def test_turn_firewall_opens_turn_and_nothing_more(section, profile, providers, evidence, judge):
    fw = _half(section, profile, "firewall")
    groups, hosts = tuple(fw.groups), tuple(fw.hosts)
    named = ", ".join(groups) or "the groups of " + ", ".join(hosts)
    required = turn_openings(fw.udp_port, fw.tcp_port, fw.tls_port, fw.relay_port_min, fw.relay_port_max)
    also = [Opening.parse(text, "accepted by the profile") for text in fw.also_open]
    evidence.json("openings required", [str(o) for o in required] + [f"{o} (also accepted)" for o in also])
    providers.configured()  # no provider at all: could not observe, saying which to add
    clouds = [c for c in ("aws", "azure") if providers.of(c)]
    seen = []
    for cloud in clouds:  # each cloud's firewall on its own: one cloud's opening never excuses another's closed port
        rules = judge.saw(providers.gather("turn_ingress_rules", only=cloud, addressed=("groups", "hosts"),
                                           groups=groups, hosts=hosts))
        seen += rules
        every = targets.wheres(rules)
        for where in every:  # each target's groups on their own (issue 18); one target: all its rules
            here = targets.part(rules, where, every)
            label = where or (cloud if len(clouds) > 1 else "")
            found = ingress_problems(here, required, also) if here else []
            judge.record([replace(f, resource=targets.named(label, f.resource))
                          for f in (firewall_facts(here, required, also) if here else [])])
            for problem in (targets.named(label, p) for p in found):
                if here.blind and any(word in problem for word in _ABSENT):  # it may sit behind the blind read
                    judge.blind_to(problem.split(" (", 1)[0], f"not found open in the rules read ({named}); it may "
                                                              f"be opened by a group behind the blind read")
                else:
                    judge.find([problem])
    every_target = [w for w, _ in providers.targets]
    for group in groups:  # a named group no target returned: gone, or opening nothing (TURN's ports closed)
        if not any(_from(group, rule) for rule in seen):
            unseen = [b for b in judge.blind if targets.concerns(group, b, every_target)]
            if unseen:
                judge.blind_to(f"TURN firewall group {group}", "not among the rules read; it may be behind the "
                                                                "blind read")
            else:
                judge.find([f"group {group} named in items.TURN.firewall.groups: no inbound rule of it was read in "
                            f"any target (it does not exist there, or opens nothing, so TURN's ports are closed)"])
    if not seen and not judge.blind and not groups:
        judge.blind_to("the TURN firewall", f"no provider returned ingress rules (turn_ingress_rules) for {named}")
    evidence.json("ingress rules seen", seen)
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"TURN firewall on profile {profile.name}")
