"""One HTTP client configuration for every probe: explicit timeouts, the profile's trust store."""

from __future__ import annotations

import ssl
from pathlib import Path

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


def client(ca_bundle: Path | None, timeout_s: float, follow_redirects: bool = False) -> httpx.Client:
    """An httpx client that verifies against the profile's trust store (system store when None)."""
    return httpx.Client(verify=ssl_context(ca_bundle), timeout=httpx.Timeout(timeout_s), follow_redirects=follow_redirects,
                        headers={"User-Agent": "golive/0.1 (go-live verification)"})


def describe_error(exc: httpx.HTTPError) -> str:
    """What went wrong, in words an operator acts on."""
    kind = {httpx.ConnectTimeout: "connect timed out", httpx.ReadTimeout: "no complete answer within the timeout",
            httpx.ConnectError: "connection failed", httpx.RemoteProtocolError: "the server broke the protocol"}
    for cls, words in kind.items():
        if isinstance(exc, cls):
            return f"{words} ({exc})" if str(exc) else words
    return f"{type(exc).__name__}: {exc}"
