"""Lab smoke app: a small real HTTPS API (lab CA) with the runbooks' smoke endpoints, and broken variants.

SMOKE's target (runbook 000 line 585: POST /api/auth/register answers 201; runbook 004 lines 334-339: POST
/v1/auth/login, then GET /v1/users?limit=5 with ``Authorization: Bearer <token>``). The smoke user's password is
written to ``<lab dir>/<instance>/password`` (a lab secret; the profile references it, never holds it).

Run as ``python -m golive.lab.components.smoke --port P --variant V --password-file F --cert C --key K``.
"""

from __future__ import annotations

import json
import secrets
import time
from http.server import BaseHTTPRequestHandler

from golive.lab.component import Component
from golive.lab.json_https import JsonHandler, launch, main
from golive.lab.runtime import LabRuntime

USER = "smoke@lab.golive.test"
SLOW_S = 3.0

VARIANTS = {
    "compliant": "register answers 201, login a token, the user list 200 with items, all at once",
    "wrong-status": "register answers 200 instead of 201",
    "missing-field": "the user list answers 200 without its items field",
    "slow": f"the user list answers after {SLOW_S:g} s",
}


class Smoke(Component):
    name = "smoke"
    variants = VARIANTS
    lab_ports = {"https": 18465}

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        password = launch(rt, instance, "golive.lab.components.smoke", ports["https"], variant, "password",
                          secrets.token_urlsafe(12), "localhost", "127.0.0.1", "api.lab.golive.test")
        return {"https": f"https://127.0.0.1:{ports['https']}", "password_file": str(password), "user": USER}


COMPONENT = Smoke()


# --- the app ------------------------------------------------------------------------------------------
def _handler(variant: str, password: str) -> type[BaseHTTPRequestHandler]:
    tokens: set[str] = set()

    class Handler(JsonHandler):
        def _json(self) -> dict:
            length = min(int(self.headers.get("Content-Length") or 0), 65536)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return {}
            return body if isinstance(body, dict) else {}

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            path, body = self.path.split("?")[0], self._json()
            if path == "/api/auth/register":
                status = 200 if variant == "wrong-status" else 201
                self.answer(status, {"id": "u-new", "email": body.get("email")})
            elif path == "/v1/auth/login":
                if body.get("email") == USER and body.get("password") == password:
                    token = secrets.token_urlsafe(24)
                    tokens.add(token)
                    self.answer(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})
                else:
                    self.answer(401, {"error": "invalid credentials"})
            else:
                self.answer(404, {"error": "not found"})

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?")[0]
            if path != "/v1/users":
                self.answer(404, {"error": "not found"})
                return
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in tokens:
                self.answer(401, {"error": "authentication required"})
                return
            if variant == "slow":
                time.sleep(SLOW_S)
            users = [{"id": "u-1", "email": USER}]
            self.answer(200, {"total": 1} if variant == "missing-field" else {"items": users, "total": 1})

    return Handler


if __name__ == "__main__":
    main("golive lab smoke app", VARIANTS, "password", _handler, tls13_only=True)
