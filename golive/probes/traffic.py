"""Sending many requests: an explicit client for traffic and a pacer bounded in count and time.

Shared by the WAF burst and the load runs. The caller passes the client in; nothing here is global.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from golive.probes import http

USER_AGENT = "golive/0.1 (go-live traffic)"


def client(ca_bundle: Path | None, timeout_s: float, connections: int = 1) -> httpx.Client:
    """A verifying httpx client with a whole-response deadline per request, a body cap and connection limits;
    redirects are not followed."""
    return http.client(ca_bundle, timeout_s, connections=connections, user_agent=USER_AGENT)


def paced(rate_per_s: float, max_count: int, max_duration_s: float) -> Iterator[int]:
    """Yield 1, 2, ... at ``rate_per_s``, never more than ``max_count`` times nor after ``max_duration_s``.

    Sleeps until each slot is due; a caller that falls behind gets the next slot at once (closed loop, for
    one client; an open-loop latency sampler must schedule by arrival time instead).
    """
    start = time.monotonic()
    for index in range(1, max_count + 1):
        due = (index - 1) / rate_per_s
        if due >= max_duration_s or time.monotonic() - start >= max_duration_s:
            return
        wait = start + due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        yield index
