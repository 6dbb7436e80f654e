"""The lab's ARM endpoint: ``python -m golive.lab.azure.server --port P --cert C --key K --variant V``.

Serves one variant of the fixtures (golive.lab.azure.fixtures) over HTTPS, read-only, as ARM does:
- ``GET <resource id>?api-version=...`` -> the resource; ``GET <collection>`` -> ``{"value": [...], "nextLink"}``
  for list-by-resource-group, list-by-subscription (top-level types) and child collections, ``--page-size``
  items a page (``$skiptoken`` continues) unless the type's real API does not page (fixtures' ``UNPAGED``);
- the api-version must be the one the fixture serves for that type (``NoRegisteredProviderFound`` otherwise);
- ``Authorization: Bearer <LAB_TOKEN>`` is required (401 ``AuthenticationFailed`` otherwise);
- errors in ARM's shape ``{"error": {"code", "message"}}`` (404 ``ResourceNotFound``/``ResourceGroupNotFound``);
- one subscription per variant (``arm.subscription_for``, or ``--subscription``): a path under any other
  ``/subscriptions/{id}`` answers 404 ``SubscriptionNotFound`` "The subscription '{id}' could not be found.", as ARM.
``POST /v1/workspaces/{id}/query`` is the Log Analytics query API (fixtures/loganalytics.py), the only POST served.
Server variants (not fixture changes): ``throttled`` answers the first GET of each path 429 with Retry-After.

``--identity-port`` also serves, over plain HTTP on loopback as App Service does, a managed-identity token endpoint
(``GET /msi/token?api-version=2019-08-01&resource=<LAB_AUDIENCE>`` with ``X-IDENTITY-HEADER``) that issues the
lab's token: with ``IDENTITY_ENDPOINT``/``IDENTITY_HEADER`` set, DefaultAzureCredential's managed identity reads it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from golive.lab.azure import fixtures
from golive.lab.azure.arm import (
    IDENTITY_HEADER,
    IDENTITY_PATH,
    LAB_AUDIENCE,
    LAB_TOKEN,
    Arm,
    subscription_for,
)
from golive.lab.json_https import JsonHandler

#: variants of the server itself (how it answers), beside the fixture areas' variants
SERVER_VARIANTS = {"throttled": "ARM throttles: the first read of each path answers 429 with Retry-After: 1"}
RESOURCE_GROUPS = "microsoft.resources/resourcegroups"


def resource_type(path: str) -> tuple[str, bool]:
    """``(type, is_collection)`` of a lower-cased ARM path."""
    parts = [p for p in path.split("/") if p]
    if "providers" in parts:
        at = len(parts) - 1 - parts[::-1].index("providers")
        namespace, rest = parts[at + 1], parts[at + 2:]
        if not rest:
            return namespace, True
        return "/".join([namespace, *rest[0::2]]), len(rest) % 2 == 1
    if len(parts) >= 3 and parts[2] == "resourcegroups":
        return RESOURCE_GROUPS, len(parts) == 3
    return "microsoft.resources/subscriptions", len(parts) % 2 == 1


class Catalog:
    """The fixtures indexed for lookups: resources by id and collections by path (both lower case)."""

    def __init__(self, arm: Arm, versions: dict[str, str], unpaged: set[str]):
        self.versions = versions
        self.unpaged = unpaged
        self.by_id: dict[str, dict[str, Any]] = {}
        self.collections: dict[str, list[dict[str, Any]]] = {}
        self.groups: set[str] = set()
        for res in arm:
            key = res["id"].lower()
            self.by_id[key] = res
            parent = key.rsplit("/", 1)[0]
            self.collections.setdefault(parent, []).append(res)
            parts = key.split("/")
            if len(parts) > 4 and parts[3] == "resourcegroups":
                self.groups.add("/".join(parts[:5]))
            if len(parts) == 9 and parts[5] == "providers":  # top-level: also listed by subscription
                by_sub = "/".join(parts[:3] + parts[5:8])
                self.collections.setdefault(by_sub, []).append(res)


class Handler(BaseHTTPRequestHandler):
    server_version = "golive-lab-arm/1"
    protocol_version = "HTTP/1.1"
    catalog: Catalog
    subscription: str  # lower case: the one subscription this emulator holds
    page_size: int
    throttled: bool
    seen: set[str]
    lock = threading.Lock()

    def log_message(self, fmt: str, *args: Any) -> None:
        sys.stdout.write(f"{dt.datetime.now(dt.UTC):%H:%M:%S.%f} {self.address_string()} {fmt % args}\n")
        sys.stdout.flush()

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ms-request-id", str(uuid.uuid4()))
        self.send_header("x-ms-correlation-request-id", self.headers.get("x-ms-client-request-id") or str(uuid.uuid4()))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, {"error": {"code": code, "message": message}}, headers)

    def _refuse(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._error(405, "MethodNotAllowed", f"{self.command} is not served: the golive lab ARM emulator is "
                                             f"read-only (golive makes reads only)")

    do_PUT = do_PATCH = do_DELETE = _refuse

    def _unauthorized(self) -> bool:
        if self.headers.get("Authorization", "") == f"Bearer {LAB_TOKEN}":
            return False
        self._error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is "
                                                 "missing or carries a token the lab does not issue.",
                    {"WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/'
                                         'common", error="invalid_token"'})
        return True

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        """Only the Log Analytics query API (fixtures/loganalytics.py), a read; every other POST is refused."""
        from golive.lab.azure.fixtures import loganalytics
        found = loganalytics.QUERY_PATH.match(urlsplit(self.path).path.rstrip("/").lower())
        if found is None:
            return self._refuse()
        length = min(int(self.headers.get("Content-Length") or 0), 64 * 1024)
        body = json.loads(self.rfile.read(length) or b"{}")
        if self._unauthorized():
            return None
        data = self.catalog.by_id.get(f"/v1/workspaces/{found.group(1)}")
        if data is None:
            return self._error(404, "WorkspaceNotFoundError", f"The workspace {found.group(1)} could not be found")
        return self._send(*loganalytics.answer(data, body, dt.datetime.now(dt.UTC)))

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = url.path.rstrip("/").lower()
        if self._unauthorized():
            return None
        parts = url.path.rstrip("/").split("/")
        if len(parts) > 2 and parts[1].lower() == "subscriptions" and parts[2].lower() != self.subscription:
            return self._error(404, "SubscriptionNotFound", f"The subscription '{parts[2]}' could not be found.")
        if self.throttled:
            with self.lock:
                first = path not in self.seen
                self.seen.add(path)
            if first:
                return self._error(429, "TooManyRequests", "The request is being throttled (lab variant throttled).",
                                   {"Retry-After": "1", "x-ms-ratelimit-remaining-subscription-reads": "0"})
        rtype, is_collection = resource_type(path)
        version = query.get("api-version")
        if not version:
            return self._error(400, "MissingApiVersionParameter",
                               "The api-version query parameter (?api-version=) is required for all requests.")
        wanted = self.catalog.versions.get(rtype)
        if wanted is not None and version != wanted:
            return self._error(400, "NoRegisteredProviderFound",
                               f"No registered resource provider found for location 'eastus' and API version "
                               f"'{version}' for type '{rtype}'. The lab serves api-version '{wanted}' for it.")
        found = self.catalog.by_id.get(path)
        if found is not None and rtype == "microsoft.insights/metrics":  # a query, answered for its parameters
            from golive.lab.azure.fixtures.metrics import answer
            return self._send(*answer(found, query))
        if found is not None:
            return self._send(200, found)
        parts = path.split("/")
        if len(parts) > 4 and parts[3] == "resourcegroups" and "/".join(parts[:5]) not in self.catalog.groups:
            return self._error(404, "ResourceGroupNotFound", f"Resource group '{parts[4]}' could not be found.")
        members = self.catalog.collections.get(path)
        if is_collection and (members is not None or rtype in self.catalog.versions):
            return self._page(url.path, members or [], query, version, rtype in self.catalog.unpaged)
        name = url.path.rstrip("/").split("/providers/")[-1]
        group = parts[4] if len(parts) > 4 else ""
        return self._error(404, "ResourceNotFound", f"The Resource '{name}' under resource group '{group}' was not "
                                                    f"found. For more details please go to "
                                                    f"https://aka.ms/ARMResourceNotFoundFix")

    def _page(self, path: str, members: list[dict[str, Any]], query: dict[str, str], version: str,
              whole: bool) -> None:
        try:
            start = max(0, int(query.get("$skiptoken", "0")))
        except ValueError:
            return self._error(400, "InvalidSkipToken", f"$skiptoken {query['$skiptoken']!r} is not valid")
        size = len(members) if whole else self.page_size
        body: dict[str, Any] = {"value": members[start:start + size]}
        if start + size < len(members):
            host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
            body["nextLink"] = f"https://{host}{path}?" + urlencode({"api-version": version, "$skiptoken": start + size})
        self._send(200, body)


class IdentityHandler(JsonHandler):
    """App Service's managed-identity endpoint (api-version 2019-08-01) for the lab's audience only."""

    server_version = "golive-lab-identity/1"
    content_type = "application/json; charset=utf-8"

    def log_message(self, fmt: str, *args: Any) -> None:
        sys.stdout.write(f"{dt.datetime.now(dt.UTC):%H:%M:%S.%f} identity {fmt % args}\n")
        sys.stdout.flush()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path != IDENTITY_PATH:
            return self.answer(404, {"statusCode": 404, "message": f"no such path {url.path}"})
        if self.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
            return self.answer(401, {"statusCode": 401, "message": "X-IDENTITY-HEADER is missing or wrong"})
        if query.get("resource", "").rstrip("/") != LAB_AUDIENCE:
            return self.answer(400, {"statusCode": 400, "message": f"resource {query.get('resource')!r} is not the "
                                                                  f"lab's ARM audience {LAB_AUDIENCE}"})
        self.answer(200, {"access_token": LAB_TOKEN, "expires_on": str(int(time.time()) + 3600),
                         "resource": LAB_AUDIENCE, "token_type": "Bearer",
                         "client_id": "00000000-0000-4000-8000-00000000a1ab"})


class TlsServer(ThreadingHTTPServer):
    """TLS handshakes happen in the request's thread, so one slow client cannot stall the others."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[Handler], context: ssl.SSLContext):
        super().__init__(address, handler)
        self.context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(10)
        try:
            request = self.context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        super().finish_request(request, client_address)


def serve(port: int, cert: str, key: str, variant: str, page_size: int, identity_port: int | None = None,
          subscription: str | None = None) -> None:
    fixture_variant = "compliant" if variant in SERVER_VARIANTS else variant
    Handler.subscription = (subscription or subscription_for(variant)).lower()
    Handler.catalog = Catalog(fixtures.build(fixture_variant).moved_to(Handler.subscription), fixtures.api_versions(),
                              fixtures.unpaged())
    Handler.page_size = page_size
    Handler.throttled = variant == "throttled"
    Handler.seen = set()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    if identity_port is not None:  # bound before ARM, so ARM answering means both are ready
        identity = ThreadingHTTPServer(("127.0.0.1", identity_port), IdentityHandler)
        identity.daemon_threads = True
        threading.Thread(target=identity.serve_forever, name="identity", daemon=True).start()
    httpd = TlsServer(("127.0.0.1", port), Handler, context)
    print(f"golive lab ARM: variant {variant}, subscription {Handler.subscription}, {len(Handler.catalog.by_id)} "
          f"resources on https://127.0.0.1:{port}", flush=True)
    httpd.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--variant", default="compliant")
    parser.add_argument("--page-size", type=int, default=5)
    parser.add_argument("--identity-port", type=int, help="also serve the managed-identity token endpoint here")
    parser.add_argument("--subscription", help="the subscription id served (default: the variant's own)")
    parser.add_argument("--state", help="the lab state directory (names the process as this lab's)")
    args = parser.parse_args(argv)
    serve(args.port, args.cert, args.key, args.variant, args.page_size, args.identity_port, args.subscription)


if __name__ == "__main__":
    main()
