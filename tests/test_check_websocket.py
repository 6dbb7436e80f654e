"""WEBSOCKET proven both ways against the lab's echo server behind nginx: passes when compliant, fails naming each
breach (upgrade refused, proxy without Upgrade headers, no pong, TLS 1.2 allowed), fails closed when down."""

from __future__ import annotations

import pytest

from gate import profile_dict, run_gate
from golive.lab.runtime import free_port


def _ws(lab_rt, *endpoints: dict, connections: int = 2) -> dict:
    lab_rt.ca()
    return profile_dict({"WEBSOCKET": {"timeout_s": 5.0, "connections": connections, "endpoints": list(endpoints)}},
                        trust={"ca_bundle": str(lab_rt.ca_file)})


def test_passes_on_the_compliant_endpoint_with_ping_and_with_a_declared_message(pytester, lab, lab_rt):
    site = lab("websocket")
    result = run_gate(pytester, _ws(lab_rt, {"name": "signaling", "url": site.endpoints["wss"]},
                                    {"name": "echo", "url": site.endpoints["wss"], "message": "golive-hello"},
                                    connections=3), "websocket")
    assert result.verdict("WEBSOCKET") == "passed", result.output[-3000:]
    attachments = result.attachments()
    assert "TLSv1.3" in attachments and "golive-hello" in attachments
    assert '"hard cap in code": 20' in attachments


@pytest.mark.parametrize(("variant", "reason"), [
    ("upgrade-refused", "the upgrade was refused: HTTP 403"),
    ("no-upgrade-headers", "the upgrade was refused: HTTP 426"),
    ("no-pong", "no pong to a ping within the deadline"),
    ("tls12-allowed", "accepts TLS 1.2"),
])
def test_fails_with_the_reason_on_each_broken_variant(pytester, lab, lab_rt, variant, reason):
    site = lab("websocket", variant)
    result = run_gate(pytester, _ws(lab_rt, {"name": "signaling", "url": site.endpoints["wss"]}, connections=1),
                      "websocket")
    assert result.verdict("WEBSOCKET") == "non-compliant", result.output[-3000:]
    assert reason in result.messages("WEBSOCKET")
    assert result.ret == 1


def test_one_bad_replica_in_three_is_caught_every_connection_counted(pytester, lab, lab_rt):
    """Behind a load balancer one replica of three never pongs: connection 3 fails and is the finding (no retry
    on a fresh connection, which would most often land on a good replica and hide it)."""
    site = lab("websocket", "one-in-three-no-pong")
    result = run_gate(pytester, _ws(lab_rt, {"name": "signaling", "url": site.endpoints["wss"]}, connections=3),
                      "websocket")
    assert result.verdict("WEBSOCKET") == "non-compliant", result.output[-3000:]
    said = result.messages("WEBSOCKET")
    assert "connection 3: no pong to a ping within the deadline" in said, said
    assert "connection 1:" not in said and "connection 2:" not in said, said


def test_a_message_answered_wrongly_is_a_breach(pytester, lab, lab_rt):
    site = lab("websocket")
    result = run_gate(pytester, _ws(lab_rt, {"name": "echo", "url": site.endpoints["wss"], "message": "offer",
                                             "expect": "answer"}, connections=1), "websocket")
    assert result.verdict("WEBSOCKET") == "non-compliant"
    assert "no matching answer (got 'offer')" in result.messages("WEBSOCKET")


def test_fails_closed_when_the_endpoint_is_down(pytester, lab_rt):
    result = run_gate(pytester, _ws(lab_rt, {"name": "down", "url": f"wss://127.0.0.1:{free_port()}/ws"}),
                      "websocket")
    assert result.verdict("WEBSOCKET") == "could-not-observe", result.output[-3000:]
    assert "could not connect" in result.messages("WEBSOCKET")
    assert result.ret == 6


def test_profile_refuses_plain_ws_and_too_many_connections():
    from pydantic import ValidationError

    from golive.profile.items.websocket import WebsocketSection
    with pytest.raises(ValidationError, match="wss://"):
        WebsocketSection(endpoints=[{"name": "x", "url": "ws://127.0.0.1/ws"}])
    with pytest.raises(ValidationError, match="less than or equal to 20"):
        WebsocketSection(endpoints=[{"name": "x", "url": "wss://127.0.0.1/ws"}], connections=21)


def test_a_server_that_takes_the_connection_and_never_upgrades_is_a_breach_not_blindness(lab_rt):
    """TCP connects, then silence: observed (no upgrade within the deadline). Nothing listening: unseen."""
    import socket

    from golive.probes import websocket
    from golive.verdict import CouldNotObserve

    lab_rt.ca()
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"wss://127.0.0.1:{silent.getsockname()[1]}/ws"
        seen = websocket.observe_one(url, lab_rt.ca_file, 1.0, 0)
    assert seen.status is None and "no upgrade within 1 s" in seen.failure and "TCP connection was made" in seen.failure
    with pytest.raises(CouldNotObserve, match="could not connect"):
        websocket.observe_one(f"wss://127.0.0.1:{free_port()}/ws", lab_rt.ca_file, 1.0, 0)
