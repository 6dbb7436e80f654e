"""The emulated Kubernetes API server: read-only HTTPS JSON in the API server's shape, for one variant.

Run by the lab component: ``python -m golive.lab.kubernetes.server --port P --cert C --key K --variant V
--access-log FILE``; the bearer token comes from the environment (GOLIVE_K8S_TOKEN), never argv.

Answers ``/version``, ``/healthz``, discovery (``/api``, ``/apis``, ``/api/v1``, ``/apis/<group>[/<version>]``),
list (all namespaces or one) and get (namespaced, cluster-scoped, and the ``status`` subresource) with
``labelSelector``/``fieldSelector`` (=, ==, !=, in, notin, exists), ``limit`` and ``continue``.
Anything else gets a ``Status`` in the real shape: 401 without the token, 404 for unknown resources and
objects, 405 for every verb that would change something.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from golive.lab.kubernetes.store import Cluster, Resource, SelectorError

VERSION = {"major": "1", "minor": "31", "gitVersion": "v1.31.3-eks-59bf375", "gitCommit": "a9c1e1e0fd4a7f0c9c5ea2c3c1f6f43fd2fa26a1",
           "gitTreeState": "clean", "buildDate": "2024-11-21T23:58:13Z", "goVersion": "go1.22.8",
           "compiler": "gc", "platform": "linux/amd64", "emulatedBy": "golive lab"}
VERBS = ["get", "list"]


def status(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "details": details or {}, "code": code}


class Api:
    """Routing and answers, independent of HTTP (testable directly)."""

    def __init__(self, cluster: Cluster, server_address: str):
        self.cluster = cluster
        self.server_address = server_address

    # discovery ---------------------------------------------------------------------------------------
    def _groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for r in self.cluster.resources:
            if r.group and r.version not in groups.setdefault(r.group, []):
                groups[r.group].append(r.version)
        return groups

    def _group(self, name: str, versions: list[str]) -> dict[str, Any]:
        gvs = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
        return {"name": name, "versions": gvs, "preferredVersion": gvs[0]}

    def _resource_list(self, group: str, version: str) -> dict[str, Any] | None:
        found = [r for r in self.cluster.resources if (r.group, r.version) == (group, version)]
        if not found:
            return None
        out = []
        for r in found:
            out.append({"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced, "kind": r.kind,
                        "verbs": VERBS, **({"shortNames": list(r.short_names)} if r.short_names else {})})
            out.append({"name": f"{r.plural}/status", "singularName": "", "namespaced": r.namespaced,
                        "kind": r.kind, "verbs": ["get"]})
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": found[0].group_version,
                "resources": out}

    # requests -------------------------------------------------------------------------------------------
    def get(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any] | str]:
        parts = [p for p in path.split("/") if p]
        if path in ("/healthz", "/livez", "/readyz"):
            return 200, "ok"
        if parts == ["version"]:
            return 200, VERSION
        if parts == ["api"]:
            return 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": self.server_address}]}
        if parts == ["apis"]:
            return 200, {"kind": "APIGroupList", "apiVersion": "v1",
                         "groups": [self._group(g, vs) for g, vs in sorted(self._groups().items())]}
        if parts[:1] == ["apis"] and len(parts) == 2:
            versions = self._groups().get(parts[1])
            if versions:
                return 200, {"kind": "APIGroup", "apiVersion": "v1", **self._group(parts[1], versions)}
            return self._not_found()
        if parts[:2] == ["api", "v1"]:
            group, version, rest = "", "v1", parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return self._not_found()
        if not rest:
            found = self._resource_list(group, version)
            return (200, found) if found else self._not_found()
        return self._resource(group, version, rest, query)

    def _resource(self, group: str, version: str, rest: list[str], query: dict[str, str]):
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        res = self.cluster.resource(group, version, rest[0])
        if res is None or (namespace is not None and not res.namespaced):
            return self._not_found()
        if len(rest) == 1:
            return self._list(res, namespace, query)
        if len(rest) == 3 and rest[2] == "log" and res.kind == "Pod" and namespace is not None:
            pod = self.cluster.get(res, namespace, rest[1])
            if pod is None:
                return 404, status(404, "NotFound", f'pods "{rest[1]}" not found',
                                   {"name": rest[1], "kind": "pods"})
            return self.cluster.pod_log(pod, query)
        if len(rest) > 3 or (len(rest) == 3 and rest[2] != "status"):
            return self._not_found()
        if res.namespaced and namespace is None:
            return self._not_found()
        found = self.cluster.get(res, namespace, rest[1])
        if found is None:
            return 404, status(404, "NotFound", f'{res.plural}{"." + res.group if res.group else ""} '
                                                f'"{rest[1]}" not found',
                               {"name": rest[1], "group": res.group, "kind": res.plural})
        return 200, found

    def _list(self, res: Resource, namespace: str | None, query: dict[str, str]):
        if query.get("watch") in ("1", "true"):
            return 405, status(405, "MethodNotAllowed", "watch is not supported by the golive lab emulator")
        try:
            items = self.cluster.select(res, namespace, query.get("labelSelector", ""), query.get("fieldSelector", ""))
        except SelectorError as exc:
            return 400, status(400, "BadRequest", str(exc))
        start = 0
        token = query.get("continue")
        if token:
            try:
                state = json.loads(base64.urlsafe_b64decode(token.encode()))
                start = int(state["start"])
                if state["rv"] != self.cluster.resource_version:
                    raise ValueError("stale")
            except (ValueError, KeyError, TypeError):
                return 410, status(410, "Expired", "The provided continue parameter is too old to display a "
                                                   "consistent list result. You can start a new list without "
                                                   "the continue parameter.")
        meta: dict[str, Any] = {"resourceVersion": self.cluster.resource_version}
        limit = int(query.get("limit") or 0)
        page = items[start:start + limit] if limit > 0 else items[start:]
        end = start + len(page)
        if limit > 0 and end < len(items):
            meta["continue"] = base64.urlsafe_b64encode(json.dumps(
                {"rv": self.cluster.resource_version, "start": end}).encode()).decode()
            meta["remainingItemCount"] = len(items) - end
        return 200, {"apiVersion": res.group_version, "kind": f"{res.kind}List", "metadata": meta, "items": page}

    @staticmethod
    def _not_found():
        return 404, status(404, "NotFound", "the server could not find the requested resource")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # one write per response (no Nagle/delayed-ACK stall between headers and body)
    disable_nagle_algorithm = True
    server_version = "golive-kube-emulator"
    api: Api
    token: str
    access_log: Any
    lock = threading.Lock()

    def _send(self, code: int, body: dict[str, Any] | str) -> None:
        data = (json.dumps(body) if isinstance(body, dict) else body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json" if isinstance(body, dict) else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Audit-Id", os.urandom(8).hex())
        self.end_headers()
        self.wfile.write(data)
        with self.lock:
            self.access_log.write(f"{dt.datetime.now(dt.UTC).isoformat(timespec='milliseconds')} "
                                  f"{self.command} {self.path} {code}\n")
            self.access_log.flush()

    def _authorised(self) -> bool:
        if self.headers.get("Authorization", "") == f"Bearer {self.token}":
            return True
        self._send(401, status(401, "Unauthorized", "Unauthorized"))
        return False

    def do_GET(self) -> None:  # noqa: N802
        if not self._authorised():
            return
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        code, body = self.api.get(url.path, query)
        self._send(code, body)

    def _read_only(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self._authorised():
            self._send(405, status(405, "MethodNotAllowed", f"{self.command} is not allowed: the golive lab "
                                                            f"Kubernetes emulator is read-only"))

    do_POST = do_PUT = do_PATCH = do_DELETE = _read_only  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class TlsServer(ThreadingHTTPServer):
    """TLS per connection in the handler thread, so one slow handshake never blocks the accept loop."""

    daemon_threads = True
    ssl_context: ssl.SSLContext

    def finish_request(self, request: socket.socket, client_address: Any) -> None:
        request.settimeout(30)
        try:
            wrapped = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        super().finish_request(wrapped, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        print(f"connection from {client_address}: {sys.exc_info()[1]!r}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--variant", default="compliant")
    parser.add_argument("--access-log", required=True)
    args = parser.parse_args(argv)
    token = os.environ.get("GOLIVE_K8S_TOKEN")
    if not token:
        parser.error("GOLIVE_K8S_TOKEN is not set")
    cluster = Cluster(args.variant)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)
    Handler.api = Api(cluster, f"127.0.0.1:{args.port}")
    Handler.token = token
    Handler.access_log = open(args.access_log, "a", encoding="utf-8")  # noqa: SIM115
    server = TlsServer(("127.0.0.1", args.port), Handler)
    server.ssl_context = context
    print(f"golive kubernetes emulator: variant {args.variant}, {len(cluster.objects)} objects, "
          f"https://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
