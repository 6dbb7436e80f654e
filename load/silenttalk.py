"""SilentTalk traffic (runbooks 000/001/002): API users, static assets from the CDN, WebSocket signaling.

Each task makes one request, so golive's pacing (``constant_throughput``) caps the request rate.
Run alone:   locust -f load/silenttalk.py --host https://api.silenttalk.com --headless -u 50 -r 5 -t 5m ApiUser StaticUser
golive runs ``ApiUser`` headless from Python (golive/probes/loadgen.py) for AUTOSCALING.
"""

from __future__ import annotations

import json
import time

from locust import FastHttpUser, User, between, events, task


class ApiUser(FastHttpUser):
    """A signed-in user reading messages and contacts, checking health now and then (the API tier)."""

    wait_time = between(0.5, 2)

    @task(6)
    def messages(self) -> None:
        self.client.get("/api/v1/messages", name="/api/v1/messages")

    @task(3)
    def contacts(self) -> None:
        self.client.get("/api/v1/contacts", name="/api/v1/contacts")

    @task(1)
    def health(self) -> None:
        self.client.get("/health", name="/health")


class StaticUser(FastHttpUser):
    """The web client's static assets (runbook 000: served from the CDN, /static/js/main.js)."""

    wait_time = between(1, 3)

    @task
    def main_js(self) -> None:
        self.client.get("/static/js/main.js", name="/static/js/main.js")


class SignalingUser(User):
    """WebSocket signaling (runbook 000: ``wscat -c wss://api.silenttalk.com``): connect, send a ping, read.

    Uses websocket-client (a Locust dependency); each connection is one request in Locust's stats.
    Not used by golive's AUTOSCALING run unless the profile names it in live.user_classes.
    """

    wait_time = between(1, 3)

    @task
    def signal(self) -> None:
        import websocket

        url = self.host.replace("https://", "wss://").replace("http://", "ws://")
        started = time.perf_counter()
        exc = None
        try:
            ws = websocket.create_connection(url, timeout=5)
            ws.send(json.dumps({"type": "ping"}))
            ws.recv()
            ws.close()
        except Exception as err:  # noqa: BLE001 - every failure is a failed request in the stats
            exc = err
        events.request.fire(request_type="WS", name="signaling", response_time=(time.perf_counter() - started) * 1000,
                            response_length=0, exception=exc, context={})
