"""TURN: WebRTC relays allocate over UDP 3478, TCP 3478 and TLS 5349 with REST-API credentials from the shared
secret, relay inside 49152-65535, carry data to a peer and back, and refuse bad, expired and missing credentials
(runbook 000 "TURN Server Setup"; runbook 002 "TURN Servers for WebRTC"). The coturn file says the same where
the profile gives access to it, and the firewall in front opens TURN's ports and nothing more to the world.
"""

import pytest

from golive.probes import turn
from golive.probes.http import ssl_context
from golive.providers.records_firewall import Opening, ingress_problems, turn_openings
from golive.verdict import CouldNotObserve, require


def _shared_secret(section, profile) -> str:
    ref = section.secret if not isinstance(section.secret, str) else profile.secrets.get(section.secret)
    if ref is None:
        raise CouldNotObserve("the TURN shared secret", f"profile {profile.name!r} has no secrets.{section.secret} "
                                                       f"(items.TURN.secret names it); add {{env: VARIABLE}}")
    value = ref.value()
    if value is None:
        raise CouldNotObserve("the TURN shared secret", f"{ref.describe()} is not set (items.TURN.secret)")
    return value


def test_turn_relays_allocate_and_refuse_bad_credentials(section, profile, evidence):
    secret = _shared_secret(section, profile)
    evidence.redactor = evidence.redactor.with_secrets(
        [secret, turn.rest_credentials(secret, section.user, section.credential_ttl_s)[1]])
    ca = ssl_context(profile.trust.ca_bundle)
    evidence.json("limits", {"timeout_s": section.timeout_s, "deadline_per_server_s": turn.deadline_s(section),
                             "max_requests_per_server": turn.MAX_REQUESTS_PER_SERVER,
                             "credentials": f"<unix-expiry>:{section.user}, valid {section.credential_ttl_s} s",
                             "loopback_peers": "allowed (lab only: coturn allow-loopback-peers, the check's peer "
                                               "is on 127.0.0.1)" if section.allow_loopback_peers else "must be refused"})
    problems, blind = [], []
    for server in section.servers:
        seen = turn.observe(server, section, secret, ca)
        if isinstance(seen, str):
            blind.append(f"{server.name} ({server.host}): {seen}")
            continue
        evidence.json(f"TURN {server.name} observed", seen)
        blind += [f"{server.name} ({server.host}) {cause}" for cause in turn.unobserved(seen, server)]
        problems += [f"{server.name} ({server.host}) {p}" for p in turn.problems(seen, server, section)]
    if blind:
        raise CouldNotObserve(f"TURN on profile {profile.name}", "; ".join(blind)
                              + (f" (also seen: {'; '.join(problems)})" if problems else ""))
    require(problems, f"{len(problems)} TURN breach(es) on profile {profile.name}")


def test_turn_server_config_file(section, profile, evidence):
    servers = [s for s in section.servers if s.config is not None]
    if not servers:
        pytest.skip("TURN config file not applicable: no server in items.TURN.servers declares config access "
                    "(config: {host: local:// | ssh://user@host}); judged live only")
    import testinfra

    problems = []
    for server in servers:
        where = f"{server.name} {server.config.host}{server.config.path}"
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
        problems += [f"{where}: {p}" for p in turn.config_problems(directives, present, server, section)]
    require(problems, f"{len(problems)} coturn configuration breach(es) on profile {profile.name}")


def test_turn_firewall_opens_turn_and_nothing_more(section, profile, providers, evidence):
    if section.firewall is None:
        pytest.skip("TURN firewall not applicable: the profile does not ask to check it (items.TURN.firewall)")
    groups = tuple(section.firewall.groups)
    rules = providers.gather("turn_ingress_rules", groups=groups, hosts=tuple(s.host for s in section.servers))
    if not rules:
        raise CouldNotObserve("the TURN firewall", f"no provider returned ingress rules (turn_ingress_rules) for "
                                                   f"{', '.join(groups) or 'the groups of ' + ', '.join(s.host for s in section.servers)}")
    fw = section.firewall
    required = [*dict.fromkeys(o for s in section.servers for o in turn_openings(
        fw.udp_port or s.udp_port, fw.tcp_port or s.tcp_port, fw.tls_port or s.tls_port, section.relay_port_min,
        section.relay_port_max))]
    also = [Opening.parse(text, "accepted by the profile") for text in section.firewall.also_open]
    evidence.json("ingress rules seen", rules)
    evidence.json("openings required", [str(o) for o in required] + [f"{o} (also accepted)" for o in also])
    require(ingress_problems(rules, required, also), f"TURN firewall on profile {profile.name}")
