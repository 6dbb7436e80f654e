"""One HTTP client configuration for every probe: explicit timeouts, the profile's trust store."""

from __future__ import annotations

import ssl
import threading
import time
from pathlib import Path

import httpcore
import httpx

from golive.verdict import CouldNotObserve


def ssl_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """A verifying client context over the profile's trust store (the system store when None): the one trust
    setting (``trust.ca_bundle``) of every probe. It trusts what OpenSSL and curl trust: chain to an anchor of
    the store and the hostname, without X509_STRICT (Python 3.13 turns it on; it refuses a private root that
    lacks keyUsage, which curl and browsers accept)."""
    if ca_bundle is not None and not Path(ca_bundle).is_file():
        raise CouldNotObserve("the trust store", f"profile trust.ca_bundle {ca_bundle} does not exist")
    context = ssl.create_default_context(cafile=None if ca_bundle is None else str(ca_bundle))
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    return context


MAX_BODY_BYTES = 1 << 20  # a probe reads at most 1 MiB of one answer


class DeadlineExceeded(httpx.TimeoutException):
    """No complete response (connect, headers and body) within the whole-response deadline."""


class BodyTooLarge(httpx.TransportError):
    """The answer's body went past the probe's size cap (an endless or oversized body)."""


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write waits at most what is left of the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, owner: DeadlineTransport):
        self._inner, self._owner = inner, owner

    def _timeout(self, timeout: float | None) -> float:
        left = self._owner.left()
        if left <= 0:
            raise httpcore.ReadTimeout(self._owner.late())
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._timeout(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._timeout(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, self._timeout(timeout)),
                               self._owner)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def __init__(self, owner: DeadlineTransport):
        self._owner = owner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: object = None) -> httpcore.NetworkStream:
        left = self._owner.left()
        if left <= 0:
            raise httpcore.ConnectTimeout(self._owner.late())
        stream = super().connect_tcp(host, port, left if timeout is None else min(timeout, left), local_address,
                                     socket_options)
        return _DeadlineStream(stream, self._owner)


class _CappedBody(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, transport: DeadlineTransport, url: str):
        self._inner, self._transport, self._url = inner, transport, url

    def __iter__(self):  # noqa: ANN204 (an iterator of bytes)
        try:
            yield from self._chunks()
        except httpx.TimeoutException as exc:
            if self._transport.left() <= 0.05:
                raise DeadlineExceeded(self._transport.late()) from exc
            raise

    def _chunks(self):  # noqa: ANN202
        read = 0
        for chunk in self._inner:
            read += len(chunk)
            if read > self._transport.max_body_bytes:
                raise BodyTooLarge(f"the body exceeded {_size(self._transport.max_body_bytes)} (cap per answer)")
            if self._transport.left() <= 0:
                raise DeadlineExceeded(self._transport.late())
            yield chunk

    def close(self) -> None:
        self._inner.close()


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport with a whole-response deadline (connect + headers + body) and a body size cap.

    httpx's timeouts apply to each socket read, so a server that drips one byte a second never times out; here
    every read, write and connect waits at most what is left of ``deadline_s`` since the request started, and a
    body larger than ``max_body_bytes`` ends the read. The deadline is kept per thread (one request at a time
    per thread, as httpx's sync client runs them)."""

    def __init__(self, ssl: ssl.SSLContext, deadline_s: float, max_body_bytes: int = MAX_BODY_BYTES,
                 connections: int = 1):
        super().__init__(verify=ssl, limits=httpx.Limits(max_connections=connections,
                                                         max_keepalive_connections=connections))
        self.deadline_s, self.max_body_bytes = deadline_s, max_body_bytes
        self._local = threading.local()
        self._pool = httpcore.ConnectionPool(ssl_context=ssl, max_connections=connections,
                                             max_keepalive_connections=connections,
                                             network_backend=_DeadlineBackend(self))

    def left(self) -> float:
        return getattr(self._local, "ends", time.monotonic() + self.deadline_s) - time.monotonic()

    def late(self) -> str:
        return f"no complete response in {self.deadline_s:g} s (the whole-response deadline)"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._local.ends = time.monotonic() + self.deadline_s
        try:
            response = super().handle_request(request)
        except httpx.TimeoutException as exc:
            if self.left() <= 0.05:
                raise DeadlineExceeded(self.late(), request=request) from exc
            raise
        response.stream = _CappedBody(response.stream, self, str(request.url))
        return response


def _size(n: int) -> str:
    return f"{n // (1 << 20)} MiB" if n % (1 << 20) == 0 else f"{n} bytes"


def caps(deadline_s: float, max_body_bytes: int = MAX_BODY_BYTES) -> dict[str, object]:
    """The caps of every answer a probe reads, for its evidence."""
    return {"whole-response deadline s": deadline_s, "body cap": _size(max_body_bytes)}


def client(ca_bundle: Path | None, timeout_s: float, follow_redirects: bool = False,
           max_body_bytes: int = MAX_BODY_BYTES, connections: int = 1, user_agent: str = "") -> httpx.Client:
    """An httpx client that verifies against the profile's trust store (system store when None), with a
    whole-response deadline of ``timeout_s`` per request and a body cap."""
    transport = DeadlineTransport(ssl_context(ca_bundle), timeout_s, max_body_bytes, connections)
    return httpx.Client(transport=transport, timeout=httpx.Timeout(timeout_s), follow_redirects=follow_redirects,
                        headers={"User-Agent": user_agent or "golive/0.1 (go-live verification)"})


def describe_error(exc: httpx.HTTPError) -> str:
    """What went wrong, in words an operator acts on."""
    if isinstance(exc, DeadlineExceeded | BodyTooLarge):
        return str(exc)
    kind = {httpx.ConnectTimeout: "connect timed out", httpx.ReadTimeout: "no complete answer within the timeout",
            httpx.ConnectError: "connection failed", httpx.RemoteProtocolError: "the server broke the protocol"}
    for cls, words in kind.items():
        if isinstance(exc, cls):
            return f"{words} ({exc})" if str(exc) else words
    return f"{type(exc).__name__}: {exc}"
