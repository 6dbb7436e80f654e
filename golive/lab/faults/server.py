"""Answer every request with one error, in the shape cloud APIs use: 429 throttling or 500 server error.

Run as: python -m golive.lab.faults.server --port N --mode throttle|server-error [--cert C --key K]
"""

from __future__ import annotations

import argparse
import json
import ssl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODIES = {
    "throttle": (429, {"__type": "ThrottlingException", "message": "Rate exceeded",
                       "error": {"code": "TooManyRequests", "message": "Rate exceeded"},
                       "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "TooManyRequests",
                       "code": 429}),
    "server-error": (500, {"__type": "InternalFailure", "message": "internal error",
                           "error": {"code": "InternalServerError", "message": "internal error"},
                           "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "InternalError",
                           "code": 500}),
}


def handler_for(mode: str) -> type[BaseHTTPRequestHandler]:
    status, body = BODIES[mode]
    payload = json.dumps(body).encode()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _answer

        def log_message(self, *args: object) -> None:  # keep the lab log quiet
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=sorted(BODIES), required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(args.mode))
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
