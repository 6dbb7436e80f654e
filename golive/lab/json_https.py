"""A small JSON-over-HTTPS server for lab components that emulate an API (Grafana's, later others): a handler base
that answers JSON and logs one line per request, a TLS listener with a lab certificate, the command line such a
component runs as (``main``), and the start of such a process from the lab (``launch``, its other side)."""

from __future__ import annotations

import argparse
import json
import ssl
import sys
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from golive.lab.runtime import LabRuntime, tcp_ready


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    content_type = "application/json"  # as the API emulated sends it (ARM adds "; charset=utf-8")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        sys.stderr.write(f"{self.command} {self.path.split('?')[0]} {args[1] if len(args) > 1 else ''}\n")

    def answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve_tls(port: int, handler: type[BaseHTTPRequestHandler], cert: str, key: str, tls13_only: bool = False
              ) -> None:
    """Serve ``handler`` on 127.0.0.1:``port`` over TLS with the lab certificate, until the process is stopped."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if tls13_only:
        context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


def main(description: str, variants: Iterable[str], secret: str,
         handler: Callable[[str, str], type[BaseHTTPRequestHandler]], tls13_only: bool = False) -> None:
    """A component's ``__main__``: ``--port --variant --<secret>-file --cert --key``, then serve
    ``handler(variant, the secret read from the file)`` over TLS until the process is stopped."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--variant", choices=tuple(variants), default="compliant")
    parser.add_argument(f"--{secret}-file", dest="secret_file", metavar=f"{secret.upper()}_FILE", type=Path,
                        required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    serve_tls(args.port, handler(args.variant, args.secret_file.read_text(encoding="utf-8").strip()), args.cert,
              args.key, tls13_only=tls13_only)


def launch(rt: LabRuntime, instance: str, module: str, port: int, variant: str, secret: str, value: str,
           *names: str) -> Path:
    """Start ``python -m module`` (a component whose ``__main__`` is ``main``) on ``port``: its ``secret`` written
    to ``<lab dir>/<instance>/<secret>`` (0600, a lab secret profiles reference, never hold) and a lab certificate
    for ``names``; returns the secret's file."""
    where = rt.dir(instance)
    cert_file, key_file = rt.server_cert(where, *names)
    secret_file = where / secret
    secret_file.write_text(value, encoding="utf-8")
    secret_file.chmod(0o600)
    rt.spawn(instance, [sys.executable, "-m", module, "--port", str(port), "--variant", variant,
                        f"--{secret}-file", str(secret_file), "--cert", str(cert_file), "--key", str(key_file)],
             tcp_ready(port))
    return secret_file
