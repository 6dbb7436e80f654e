"""Deadlines, not read timeouts (issue 14): a probe's answer is complete within its deadline and its size cap, or
it is not an answer. Real servers on loopback: one that drips its body, one that drips its headers, one with an
endless chunked body, and one that accepts and says nothing."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from gate import profile_dict, run_gate
from golive.lab.runtime import free_port
from golive.probes import http

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"


def _serve(conn: socket.socket, mode: str, stop: threading.Event) -> None:
    try:
        conn.recv(4096)
        if mode == "drip-body":
            body = b'{"status": "healthy", "database": "connected", "redis": "connected"}'
            conn.sendall(HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode())
            for byte in body:
                if stop.wait(0.25):
                    return
                conn.sendall(bytes([byte]))
        elif mode == "drip-headers":
            for byte in HEAD + b"X-Slow: " + b"a" * 200:
                if stop.wait(0.25):
                    return
                conn.sendall(bytes([byte]))
        elif mode == "endless":
            conn.sendall(HEAD + b"Transfer-Encoding: chunked\r\n\r\n")
            chunk = b"4000\r\n" + b"x" * 0x4000 + b"\r\n"
            for _ in range(4096):  # 64 MiB at most; the probe must stop long before
                if stop.is_set():
                    return
                conn.sendall(chunk)
        elif mode == "silent":
            stop.wait(30)
    except OSError:
        pass
    finally:
        conn.close()


@pytest.fixture
def server() -> Iterator:
    stop, listeners = threading.Event(), []

    def start(mode: str) -> str:
        port = free_port()
        sock = socket.create_server(("127.0.0.1", port))
        sock.settimeout(0.2)
        listeners.append(sock)

        def accept() -> None:
            while not stop.is_set():
                try:
                    conn, _ = sock.accept()
                except (TimeoutError, OSError):
                    continue
                threading.Thread(target=_serve, args=(conn, mode, stop), daemon=True).start()
        threading.Thread(target=accept, daemon=True).start()
        return f"http://127.0.0.1:{port}/health"

    yield start
    stop.set()
    for sock in listeners:
        sock.close()


@pytest.mark.parametrize("mode", ["drip-body", "drip-headers", "silent"])
def test_no_complete_response_within_the_deadline_is_no_answer(server, mode):
    url = server(mode)
    started = time.monotonic()
    with http.client(None, 1.0) as client, pytest.raises(http.DeadlineExceeded, match=r"no complete response in 1 s"):
        client.get(url)
    assert time.monotonic() - started < 2.5  # the deadline (1 s), not the server (it drips on), decides


def test_an_endless_body_stops_at_the_cap(server):
    url = server("endless")
    with http.client(None, 10.0, max_body_bytes=1 << 20) as client, \
            pytest.raises(http.BodyTooLarge, match="the body exceeded 1 MiB"):
        client.get(url)


def _health(url: str, timeout_s: float = 1.0) -> dict:
    return profile_dict({"HEALTH": {"timeout_s": timeout_s, "endpoints": [
        {"name": "api", "url": url, "contract": "silenttalk-api"}]}})


def test_a_dripping_health_endpoint_never_passes(pytester, server):
    started = time.monotonic()
    result = run_gate(pytester, _health(server("drip-body")), "health")
    assert result.verdict("HEALTH") == "non-compliant", result.output
    assert "no complete answer within" in result.messages("HEALTH")
    assert time.monotonic() - started < 10


def test_an_endless_health_body_is_could_not_observe_with_the_figure(pytester, server):
    result = run_gate(pytester, _health(server("endless"), 5.0), "health")
    assert result.verdict("HEALTH") == "could-not-observe", result.output
    assert "the body exceeded 1 MiB" in result.messages("HEALTH")


def test_headers_dripped_forever_are_could_not_observe(pytester, server):
    url = server("drip-headers").replace("/health", "/")
    result = run_gate(pytester, profile_dict({"SEC-HEADERS": {"timeout_s": 1.0, "origins": [
        {"name": "web", "url": url, "http_url": {"not_applicable": "HTTPS only: no listener on 80"}}]}}),
        "sec_headers")
    assert result.verdict("SEC-HEADERS") == "could-not-observe", result.output
    assert "no complete response in 1 s" in result.messages("SEC-HEADERS")


def test_the_caps_are_named_for_the_evidence():
    assert http.caps(2.0) == {"whole-response deadline s": 2.0, "body cap": "1 MiB"}
    assert isinstance(http.DeadlineExceeded("x"), httpx.TimeoutException)
