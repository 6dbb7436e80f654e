"""Profile section of WEBSOCKET: the public wss:// endpoints whose upgrade, exchange and close must succeed.

Runbook 000 line 591: ``wscat -c wss://api.silenttalk.com`` "Should connect successfully"; runbook 003's
websocket-signaling and video-call-signaling services. Every connection is a separate TCP connection; how many
per endpoint comes from ``connections``, never more than MAX_CONNECTIONS whatever a profile says.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from golive.profile.base import Section

MAX_CONNECTIONS = 20  # hard cap per endpoint, in code: one probe never opens more


class WebsocketEndpoint(Section):
    name: str = Field(min_length=1)
    url: str = Field(pattern=r"^wss://[^\s/]+", description="the public wss:// URL (TLS only: ws:// is refused)")
    message: str | None = Field(default=None, min_length=1, max_length=4096,
                                description="a text message to send instead of a ping (the service's own protocol)")
    expect: str | None = Field(default=None, min_length=1, max_length=4096,
                               description="text the first answer to ``message`` must contain (default: the "
                                           "message itself, an echo)")

    @model_validator(mode="after")
    def _expect_needs_message(self) -> WebsocketEndpoint:
        if self.expect is not None and self.message is None:
            raise ValueError("expect applies to a declared message; give message too (or drop expect to use ping)")
        return self


class WebsocketSection(Section):
    endpoints: list[WebsocketEndpoint] = Field(min_length=1)
    connections: int = Field(default=3, ge=1, le=MAX_CONNECTIONS,
                             description=f"connections per endpoint, each its own TCP connection (<= {MAX_CONNECTIONS})")
    timeout_s: float = Field(default=5.0, gt=0, le=30,
                             description="deadline of one connection: upgrade, exchange and close")
