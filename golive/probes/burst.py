"""WAF-429 live burst: requests to one URL at a controlled rate until the WAF refuses, within hard caps.

``run`` sends at most ``plan.max_requests`` requests and none after ``plan.max_duration_s``, and stops at the
first run of ``plan.stop_after`` consecutive refusals (status >= 400). ``problems`` judges the observation
against the plan's expectation. ``BurstLedger`` keeps one burst per target per run; it lives in the run's
config stash, never in module state.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import httpx

from golive.cache import RunCache
from golive.probes import traffic
from golive.probes.http import describe_error

HIDDEN_HEADERS = {"set-cookie", "authorization", "cookie"}
STATUS_HINTS = {
    403: "a plain Block answers 403: set the rule's CustomResponse ResponseCode 429 "
         "(Azure: customBlockResponseStatusCode 429)",
    503: "nginx limit_req's default status (set limit_req_status 429), or an overloaded origin",
}


@dataclass(frozen=True)
class BurstPlan:
    """What will be sent (url, rate) within which hard caps, and what the answer should be.

    earliest/latest: the fewest/most requests the WAF may let through before its first 429
    """

    url: str
    rate_per_s: float
    max_requests: int
    max_duration_s: float
    stop_after: int
    expected_limit: int
    window_s: int
    earliest: int
    latest: int


@dataclass(frozen=True)
class Answer:
    """One response of the burst: its 1-based request index, seconds since the burst began, status, headers."""

    index: int
    at_s: float
    status: int
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def retry_after(self) -> str | None:
        return self.headers.get("retry-after")


@dataclass(frozen=True)
class BurstObservation:
    """What the burst saw.

    sent: requests that got an answer; elapsed_s: seconds from the first request to the last answer
    stopped: why it ended ("3 consecutive refusals", "max requests", "max duration", "error")
    statuses: count per status; runs: the status sequence run-length encoded, [(status, count), ...]
    first_429: the first 429 (index, time, headers incl. Retry-After), or None
    block: the first answer of the run of refusals that ended the burst, or None
    error: what went wrong when a request got no answer (then the burst stopped there)
    waited_s: seconds waited before this burst because the target answered 429 too early (an earlier burst's
    window still running); the burst was then sent again once
    """

    plan: BurstPlan
    sent: int
    elapsed_s: float
    stopped: str
    statuses: dict[int, int]
    runs: tuple[tuple[int, int], ...]
    first_429: Answer | None
    block: Answer | None
    error: str | None = None
    waited_s: float = 0.0


def plan_origin(url: str) -> str:
    """The target a burst is counted against: scheme, host and port."""
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return f"{parts.scheme}://{parts.hostname}:{port}"


class BurstLedger:
    """The targets burst in this run (one burst per origin), kept in the run cache so that xdist workers
    share it: the first test to claim an origin bursts it, every later claimant is refused."""

    def __init__(self, cache: RunCache) -> None:
        self._cache = cache

    def claim(self, url: str, by: str) -> str | None:
        """Record a burst of ``url`` by test ``by``; returns the earlier claimant when the origin was burst."""
        mine = f"{by}@{uuid.uuid4().hex}"  # the same test collected twice is still a second burst
        first = self._cache.get_or_compute(f"waf-burst:{plan_origin(url)}", lambda: mine)
        return None if first == mine else first.rsplit("@", 1)[0]


def _answer(index: int, at_s: float, response: httpx.Response) -> Answer:
    headers = {k.lower(): v for k, v in response.headers.items() if k.lower() not in HIDDEN_HEADERS}
    return Answer(index, round(at_s, 3), response.status_code, headers)


MAX_WAIT_S = 30  # a window this short is waited out once when the target still refuses from an earlier burst


def run(client: httpx.Client, plan: BurstPlan) -> BurstObservation:
    """Send the burst. Both caps are enforced here, whatever the caller asked for.

    A target that answers 429 earlier than the profile allows may still be counting an earlier burst (a gate run a
    few seconds before): a short window is waited out once and the burst sent again, so the verdict is about the
    limit, not about the last run. A longer window is not waited for: the refusals are reported as they are."""
    seen = _burst(client, plan)
    early = seen.block is not None and seen.block.status == 429 and seen.block.index - 1 < plan.earliest
    if early and plan.window_s <= MAX_WAIT_S:  # confirm on a fresh window before calling the limit too low
        time.sleep(plan.window_s + 1)
        return replace(_burst(client, plan), waited_s=float(plan.window_s + 1))
    return seen


def _burst(client: httpx.Client, plan: BurstPlan) -> BurstObservation:
    statuses: Counter[int] = Counter()
    runs: list[list[int]] = []
    first_429 = block = streak_first = None
    streak = sent = 0
    error = None
    stopped = "max requests"
    started = time.monotonic()
    for index in traffic.paced(plan.rate_per_s, plan.max_requests, plan.max_duration_s):
        try:
            response = client.get(plan.url)
        except httpx.HTTPError as exc:
            error, stopped = describe_error(exc), "error"
            break
        sent = index
        status = response.status_code
        statuses[status] += 1
        if runs and runs[-1][0] == status:
            runs[-1][1] += 1
        else:
            runs.append([status, 1])
        answer = None
        if status == 429 and first_429 is None:
            answer = first_429 = _answer(index, time.monotonic() - started, response)
        if status < 400:
            streak = 0
            continue
        if streak == 0:
            streak_first = answer or _answer(index, time.monotonic() - started, response)
        streak += 1
        if streak >= plan.stop_after:
            block, stopped = streak_first, f"{plan.stop_after} consecutive refusals"
            break
    else:
        stopped = "max requests" if sent >= plan.max_requests else "max duration"
    return BurstObservation(plan, sent, round(time.monotonic() - started, 3), stopped, dict(sorted(statuses.items())),
                            tuple((s, n) for s, n in runs), first_429, block, error)


def problems(seen: BurstObservation, runbook: str = "runbook 002") -> list[str]:
    """Every way the burst's answer breaks the plan's expectation; empty when the WAF answered as asked."""
    plan = seen.plan
    expected = (f"the profile expects the first 429 after {plan.expected_limit} requests per {plan.window_s} s "
                f"({plan.earliest} to {plan.latest} let through; {runbook}'s limit)")
    if seen.block is None:
        return [f"no run of {plan.stop_after} refusals in {seen.sent} requests over {seen.elapsed_s:.1f} s "
                f"(stopped at the {seen.stopped} cap; statuses {seen.statuses}): rate limiting absent or its limit "
                f"too high; {expected}"]
    let_through = seen.block.index - 1
    if seen.block.status != 429:
        hint = STATUS_HINTS.get(seen.block.status, "not the status the runbook asks for")
        return [f"refused with HTTP {seen.block.status} from request #{seen.block.index} after {let_through} "
                f"let through ({hint}); runbook 000 expects 429 Too Many Requests"]
    if let_through < plan.earliest:
        return [f"first 429 at request #{seen.block.index}, after only {let_through} let through: far too early, "
                f"the limit is lower than the profile's; {expected}"]
    if let_through > plan.latest:
        return [f"first 429 at request #{seen.block.index}, after {let_through} let through: later than the "
                f"tolerance and detection lag allow, the limit is too high; {expected}"]
    return []


def problems_before_error(seen: BurstObservation, runbook: str = "runbook 002") -> list[str]:
    """What a burst that broke off (``seen.error``) already proves: more requests let through than the profile
    allows without a single 429, or a 429 far too early. Empty when what was seen proves nothing either way (then
    the burst is a blind spot)."""
    plan = seen.plan
    expected = (f"the profile expects the first 429 after {plan.expected_limit} requests per {plan.window_s} s "
                f"({plan.earliest} to {plan.latest} let through; {runbook}'s limit)")
    if seen.first_429 is None and seen.sent > plan.latest:
        return [f"{seen.sent} requests answered without a 429 before the burst broke off ({seen.error}; statuses "
                f"{seen.statuses}): rate limiting absent or its limit too high; {expected}"]
    if seen.first_429 is not None and seen.first_429.index - 1 < plan.earliest:
        return [f"first 429 at request #{seen.first_429.index}, after only {seen.first_429.index - 1} let through "
                f"(before the burst broke off): far too early, the limit is lower than the profile's; {expected}"]
    return []
