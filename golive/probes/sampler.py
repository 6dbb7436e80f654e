"""LATENCY-P95 probe: an open-loop (constant arrival rate) HTTP sampler with an HDR histogram.

Request i of an endpoint is *scheduled* at ``start + i / rate`` and sent then, whatever happened to the
requests before it; its latency runs from the scheduled time to the end of the answer. A server that stalls
therefore shows up in every request that should have been sent during the stall, not only in the one that
was in flight (coordinated omission, which a closed-loop tool hides). ``closed_loop`` is the other kind,
kept to show the difference beside it. Traffic is bounded by request count and time, in code.

The sampler also measures its own lag (scheduled time to the moment it could start the request); a lag
that is not small means the client, not the server, was the bottleneck, and the figures cannot be trusted.
"""

from __future__ import annotations

import asyncio
import math
import socket
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from hdrh.histogram import HdrHistogram

from golive.probes.http import ssl_context
from golive.verdict import BlindSpot, CouldNotObserve, Fact, Records

LOWEST_US, HIGHEST_US, DIGITS = 1, 120_000_000, 3  # 1 µs .. 120 s, 3 significant digits
MAX_SAMPLER_LAG_MS = 20.0
MAX_BODY_BYTES = 1 << 20  # one answer's body; past it the request is an error ("body exceeded 1 MiB")


class BodyTooLarge(Exception):
    """An answer's body went past MAX_BODY_BYTES."""


def _within_cap(size: int) -> int:
    if size > MAX_BODY_BYTES:
        raise BodyTooLarge(f"body exceeded {MAX_BODY_BYTES // (1 << 20)} MiB")
    return size
WARM_FOR_S = 0.3


@dataclass(frozen=True)
class Caps:
    """The bounds the sampler ran under (shown in evidence)."""

    rate_per_s: float
    duration_s: float
    max_requests: int
    max_in_flight: int
    timeout_s: float


@dataclass(frozen=True)
class LatencyObservation:
    """What one endpoint did under the sampler.

    mode: "open-loop" (latency from the scheduled send time) or "closed-loop" (from the actual send time)
    sent / errors: requests started, and those that failed (transport error, timeout, HTTP status >= 400)
    statuses: count per HTTP status ("error" for transport failures and timeouts)
    achieved_rate_per_s: requests completed per second of the run
    p50_ms / p95_ms / p99_ms / max_ms: from the HDR histogram of every request's latency (errors included)
    slow_ms / slow_fraction: the fraction of requests over slow_ms (runbook 003), None without a threshold
    sampler_lag_p95_ms: how late the sampler itself started requests (client saturation when large)
    first_error: the first transport error seen, for the operator
    timeline: (seconds since start, latency ms, ok) per request, for the plot
    """

    endpoint: str
    url: str
    mode: str
    caps: Caps
    sent: int
    errors: int
    error_rate: float
    statuses: dict[str, int]
    achieved_rate_per_s: float
    elapsed_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    slow_ms: float | None
    slow_fraction: float | None
    sampler_lag_p95_ms: float
    first_error: str | None = None
    timeline: tuple[tuple[float, float, bool], ...] = field(default=(), repr=False)

    def summary(self) -> dict[str, object]:
        """Everything but the per-request timeline (evidence JSON)."""
        return {k: v for k, v in self.__dict__.items() if k != "timeline"}


def _histogram() -> HdrHistogram:
    return HdrHistogram(LOWEST_US, HIGHEST_US, DIGITS)


def percentile_ms(values_ms: list[float], pct: float) -> float:
    """A percentile by the same HDR histogram the sampler uses (for server logs and closed-loop figures)."""
    hist = _histogram()
    for v in values_ms:
        hist.record_value(max(LOWEST_US, min(HIGHEST_US, round(v * 1000))))
    return hist.get_value_at_percentile(pct) / 1000 if values_ms else math.nan


@dataclass
class _Run:
    endpoint: str
    url: str
    mode: str
    caps: Caps
    slow_ms: float | None
    hist: HdrHistogram = field(default_factory=_histogram)
    lag: HdrHistogram = field(default_factory=_histogram)
    timeline: list[tuple[float, float, bool]] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    slow: int = 0
    first_error: str | None = None
    connect_failures: int = 0

    def record(self, at_s: float, latency_s: float, status: int | None, error: str | None = None) -> None:
        ms = latency_s * 1000
        self.hist.record_value(max(LOWEST_US, min(HIGHEST_US, round(ms * 1000))))
        ok = status is not None and status < 400
        key = str(status) if status is not None else "error"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if not ok:
            self.errors += 1
        if error and self.first_error is None:
            self.first_error = error
        if self.slow_ms is not None and ms > self.slow_ms:
            self.slow += 1
        self.timeline.append((round(at_s, 4), round(ms, 3), ok))

    def observation(self, elapsed_s: float) -> LatencyObservation:
        sent = len(self.timeline)
        pct = (lambda p: round(self.hist.get_value_at_percentile(p) / 1000, 3)) if sent else (lambda p: math.nan)
        return LatencyObservation(
            self.endpoint, self.url, self.mode, self.caps, sent, self.errors,
            round(self.errors / sent, 5) if sent else math.nan, dict(sorted(self.statuses.items())),
            round(sent / elapsed_s, 2) if elapsed_s > 0 else 0.0, round(elapsed_s, 3),
            pct(50), pct(95), pct(99), round(self.hist.get_max_value() / 1000, 3) if sent else math.nan,
            self.slow_ms, round(self.slow / sent, 5) if sent and self.slow_ms is not None else None,
            round(self.lag.get_value_at_percentile(95) / 1000, 3), self.first_error,
            tuple(sorted(self.timeline)))


class _Pool:
    """A small HTTP/1.1 keep-alive client on asyncio streams: GET only, at most ``size`` connections.

    Lean on purpose: the sampler's own overhead is part of every latency it reports (httpx adds
    milliseconds per request under an open loop; this adds tens of microseconds)."""

    def __init__(self, url: str, ca_bundle: Path | None, size: int):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CouldNotObserve(url, "not an http(s) URL")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.tls = ssl_context(ca_bundle) if parts.scheme == "https" else None
        host = f"[{self.host}]" if ":" in self.host else self.host
        authority = host if parts.port is None else f"{host}:{parts.port}"
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.request = (f"GET {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: golive/0.1 (latency sampler)\r\n"
                        f"Accept: */*\r\n\r\n").encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.slots = asyncio.Semaphore(size)
        self.size = size

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.host, self.port, ssl=self.tls,
                                             server_hostname=self.host if self.tls else None)

    async def warm(self, n: int, timeout_s: float) -> None:
        """Open n connections before the clock starts (TLS handshakes only: no request reaches the log)."""
        opened = await asyncio.gather(*(asyncio.wait_for(self._connect(), timeout_s)
                                        for _ in range(min(n, self.size))), return_exceptions=True)
        self.idle += [c for c in opened if not isinstance(c, BaseException)]

    async def get(self) -> int:
        """Send the request and read the whole answer; returns the HTTP status."""
        async with self.slots:
            reused = bool(self.idle)
            conn = self.idle.pop() if reused else await self._connect()
            try:
                try:
                    status, keep = await self._exchange(*conn)
                except (ConnectionError, asyncio.IncompleteReadError) as exc:
                    conn[1].close()
                    if not reused or (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                        raise
                    conn = await self._connect()  # the server had closed an idle keep-alive connection
                    status, keep = await self._exchange(*conn)
            except BaseException:
                conn[1].close()
                raise
            if keep:
                self.idle.append(conn)
            else:
                conn[1].close()
            return status

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[int, bool]:
        writer.write(self.request)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        keep = headers.get("connection", "").lower() != "close" and lines[0].startswith("HTTP/1.1")
        read = 0
        if "chunked" in headers.get("transfer-encoding", "").lower():
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                read = _within_cap(read + size)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        elif "content-length" in headers:
            await reader.readexactly(_within_cap(int(headers["content-length"])))
        elif status not in (204, 304) and not 100 <= status < 200:
            while chunk := await reader.read(65536):
                read = _within_cap(read + len(chunk))
            keep = False
        return status, keep

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


def _describe(exc: BaseException) -> str:
    """What went wrong, in words an operator acts on."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS handshake failed: CERTIFICATE_VERIFY_FAILED ({exc.verify_message})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection failed (connection refused)"
    if isinstance(exc, socket.gaierror):
        return f"connection failed (name resolution: {exc})"
    if isinstance(exc, asyncio.IncompleteReadError):
        return "the server closed the connection before a complete answer"
    if isinstance(exc, BodyTooLarge):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


async def _send(pool: _Pool, run: _Run, t0: float, t_start: float, deadline: float) -> None:
    """One request: latency runs from t_start (the scheduled time, in open loop) to the end of the body."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(max(0.0, min(t_start + run.caps.timeout_s, deadline) - loop.time())):
            status = await pool.get()
        run.record(t_start - t0, loop.time() - t_start, status)
    except TimeoutError:
        run.record(t_start - t0, loop.time() - t_start, None, "no answer within the timeout")
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError, BodyTooLarge) as exc:
        if isinstance(exc, OSError | CouldNotObserve):
            run.connect_failures += 1
        run.record(t_start - t0, loop.time() - t_start, None, _describe(exc))


async def _open_loop(run: _Run, ca_bundle: Path | None, t0: float, count: int) -> float:
    loop = asyncio.get_running_loop()
    caps = run.caps
    deadline = t0 + caps.duration_s + caps.timeout_s  # nothing outlives this
    pool = _Pool(run.url, ca_bundle, caps.max_in_flight)
    # enough connections for answers up to WARM_FOR_S at this rate: handshakes during the run cost loop time
    await pool.warm(max(2, math.ceil(caps.rate_per_s * WARM_FOR_S)), caps.timeout_s)
    t0 = max(t0, loop.time())
    try:
        tasks = []
        for i in range(count):
            scheduled = t0 + i / caps.rate_per_s
            delay = scheduled - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            run.lag.record_value(max(LOWEST_US, round((loop.time() - scheduled) * 1e6)))
            tasks.append(asyncio.create_task(_send(pool, run, t0, scheduled, deadline)))
        await asyncio.gather(*tasks)
    finally:
        pool.close()
    return loop.time() - t0


async def _closed_loop(run: _Run, ca_bundle: Path | None, t0: float, count: int) -> float:
    loop = asyncio.get_running_loop()
    caps = run.caps
    deadline = t0 + caps.duration_s
    pool = _Pool(run.url, ca_bundle, 1)
    await pool.warm(1, caps.timeout_s)
    t0 = max(t0, loop.time())
    try:
        for i in range(count):
            if loop.time() >= deadline:
                break
            delay = t0 + i / caps.rate_per_s - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            # closed loop: the next request waits for the previous answer; its clock starts at the actual send
            await _send(pool, run, t0, loop.time(), deadline + caps.timeout_s)
    finally:
        pool.close()
    return loop.time() - t0


async def _keep_awake() -> None:
    """Wake every 2 ms while sampling: on a virtual machine an idle vCPU can take 100 ms to be scheduled
    again, which would be charged to the next request's latency (measured here, not by the server)."""
    while True:
        await asyncio.sleep(0.002)


def _budget(caps: Caps, endpoints: int) -> int:
    """Requests per endpoint: the rate over the duration, within the total cap."""
    return max(1, min(math.floor(caps.rate_per_s * caps.duration_s), caps.max_requests // max(1, endpoints)))


def sample(endpoints: dict[str, str], caps: Caps, ca_bundle: Path | None = None, slow_ms: float | None = None,
           mode: str = "open-loop", max_lag_ms: float | None = MAX_SAMPLER_LAG_MS) -> Records:
    """Sample every endpoint at once for caps.duration_s (capped by caps.max_requests in total).

    Returns the observation of every endpoint whose figures are trusted; an endpoint that could not be reached
    at all, or whose requests the sampler started late (then the figures would measure the client, not the
    server), is a blind spot (``.blind``) and the others still count (``max_lag_ms=None``: the caller judges the
    lag itself, as `golive watch` does: lag only inflates latencies, it never hides an error). Raises
    CouldNotObserve only when the
    sampler as a whole ran past its time cap."""
    if mode not in ("open-loop", "closed-loop"):
        raise ValueError(mode)
    runs = [_Run(name, url, mode, caps, slow_ms) for name, url in endpoints.items()]
    count = _budget(caps, len(runs))
    driver = _open_loop if mode == "open-loop" else _closed_loop

    async def main() -> list[float]:
        awake = asyncio.create_task(_keep_awake())
        try:
            t0 = asyncio.get_running_loop().time() + 0.05
            return await asyncio.gather(*(driver(run, ca_bundle, t0, count) for run in runs))
        finally:
            awake.cancel()

    started = time.monotonic()
    elapsed = asyncio.run(main())
    if time.monotonic() - started > caps.duration_s + caps.timeout_s + 5:
        raise CouldNotObserve("the latency sampler", "it ran past its time cap; the figures are not trusted")
    found = Records()
    for run, e in zip(runs, elapsed, strict=True):
        seen = run.observation(e)
        where = f"{run.endpoint} ({run.url}, {mode})"
        if run.connect_failures == seen.sent:
            found.blind.append(BlindSpot(where, f"every request failed to connect ({run.first_error})"))
        elif mode == "open-loop" and max_lag_ms is not None and seen.sampler_lag_p95_ms > max_lag_ms:
            found.blind.append(BlindSpot(where, f"the sampler started requests {seen.sampler_lag_p95_ms} ms late "
                                                f"(p95) at {caps.rate_per_s}/s; the client is saturated, lower "
                                                f"rate_per_s or run golive on a larger machine"))
        else:
            found.append(seen)
    return found


def problems(seen: LatencyObservation, p95_ms: float | None, max_error_rate: float, max_slow_fraction: float,
             runbook: str) -> list[str]:
    """Every way one endpoint's figures break the budget; empty when it holds."""
    out = []
    where = f"{seen.endpoint} ({seen.url})"
    if p95_ms is not None and not seen.p95_ms < p95_ms:
        out.append(f"{where}: p95 is {seen.p95_ms:.1f} ms over {seen.sent} requests at {seen.caps.rate_per_s:g}/s "
                   f"(open loop); runbook {runbook} requires p95 < {p95_ms:g} ms")
    if not seen.error_rate < max_error_rate:
        out.append(f"{where}: error rate is {seen.error_rate * 100:.2f} % ({seen.errors} of {seen.sent}; "
                   f"{seen.statuses}); runbook {runbook} requires < {max_error_rate * 100:g} %")
    if seen.slow_fraction is not None and seen.slow_fraction > max_slow_fraction:
        out.append(f"{where}: {seen.slow_fraction * 100:.2f} % of requests took over {seen.slow_ms:g} ms; "
                   f"runbook {runbook} allows at most {max_slow_fraction * 100:g} %")
    return out


def facts(seen: LatencyObservation, p95_ms: float | None, max_error_rate: float,
          max_slow_fraction: float) -> list[Fact]:
    """LATENCY-P95 drift: per endpoint (by the profile's name, never its URL or port) p95, error rate and slow
    fraction against the budget; all volatile (they move on their own), so compared by whether they held."""
    out = [Fact(seen.endpoint, "p95 ms", round(seen.p95_ms, 1), None if p95_ms is None else f"< {p95_ms:g}",
                None if p95_ms is None else seen.p95_ms < p95_ms, volatile=True),
           Fact(seen.endpoint, "error rate", round(seen.error_rate, 4), f"< {max_error_rate:g}",
                seen.error_rate < max_error_rate, volatile=True)]
    if seen.slow_fraction is not None:
        out.append(Fact(seen.endpoint, f"fraction over {seen.slow_ms:g} ms", round(seen.slow_fraction, 4),
                        f"<= {max_slow_fraction:g}", seen.slow_fraction <= max_slow_fraction, volatile=True))
    return out


def plot(observations: list[LatencyObservation], path: Path, budget_ms: float | None = None) -> Path:
    """Latency over time per endpoint (errors in red), with the p95 and the budget as lines."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=100)
    for seen in observations:
        ok = [(t, ms) for t, ms, good in seen.timeline if good]
        bad = [(t, ms) for t, ms, good in seen.timeline if not good]
        if ok:
            ax.scatter(*zip(*ok, strict=True), s=4, label=f"{seen.endpoint} ({seen.mode}) p95 {seen.p95_ms:.1f} ms")
        if bad:
            ax.scatter(*zip(*bad, strict=True), s=8, c="red", marker="x", label=f"{seen.endpoint} errors ({len(bad)})")
        ax.axhline(seen.p95_ms, linestyle=":", linewidth=1)
    if budget_ms is not None:
        ax.axhline(budget_ms, color="red", linestyle="--", linewidth=1, label=f"budget p95 < {budget_ms:g} ms")
    ax.set_xlabel("scheduled send time (s)")
    ax.set_ylabel("latency (ms)")
    ax.set_yscale("log")
    ax.set_title("LATENCY-P95: latency over time (open loop, from the scheduled send time)")
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
