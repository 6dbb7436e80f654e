"""WEBSOCKET: every public wss:// endpoint upgrades over TLS 1.3, answers a ping (or the declared message) and
closes cleanly within the deadline, on each of a bounded number of separate TCP connections; TLS 1.2 is refused.

Runbook 000 line 591: ``wscat -c wss://api.silenttalk.com`` "Should connect successfully"; runbook 003's
websocket-signaling and video-call-signaling services. Every endpoint is judged on its own: one that cannot be
reached is a named blind spot, and the others' breaches still make the item non-compliant.
"""

from dataclasses import asdict

from golive.probes import websocket


def test_websocket_upgrades_exchanges_and_closes(section, profile, evidence, judge):
    observed = []
    for endpoint in section.endpoints:  # each judged; one that cannot be reached is a blind spot, not a stop
        with judge.observing():
            conns = websocket.observe(endpoint.url, profile.trust.ca_bundle, section.timeout_s, section.connections,
                                      endpoint.message, endpoint.expect)
            tls12 = websocket.try_tls12(endpoint.url, profile.trust.ca_bundle, section.timeout_s)
            observed.append({"name": endpoint.name, "url": endpoint.url, "tls12": asdict(tls12),
                             "connections": [asdict(c) for c in conns]})
            judge.find(f"{endpoint.name} ({endpoint.url}): {p}" for p in websocket.problems(conns, tls12))
            judge.record(websocket.facts(endpoint.name, conns, tls12))
    evidence.json("caps", {"connections per endpoint": min(section.connections, websocket.MAX_CONNECTIONS),
                           "hard cap in code": websocket.MAX_CONNECTIONS,
                           "deadline s (upgrade and exchange; then the close)": section.timeout_s,
                           "answer kept (characters)": websocket.MAX_ANSWER_CHARS})
    evidence.json("websocket connections observed", observed)
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(judge.findings)} WebSocket breach(es) on profile {profile.name}")
