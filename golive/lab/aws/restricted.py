"""A reader role missing permissions, in the lab's AWS emulator: real estates' most common blind spot.

A reader role that lacks one permission gets ``AccessDenied`` on one call while every other read works.
``POST /golive-lab/restricted-reader {"account": "...", "deny": ["rds:DescribeDBInstances", ...]}`` registers,
for that account, a second access key ``AKIALABR<account>`` (the restricted reader) whose calls named in
``deny`` are refused with AWS's 403 in the caller's protocol (query XML, JSON, REST); the account's normal key
still reads everything. A deny entry is ``<signing name>:<Operation>`` (X-Amz-Target or ``Action=``), or
``<signing name>:<METHOD> <path prefix>`` for REST APIs (``backup:GET /backup/plans/``).

``restricted_reader(started, deny)`` (for self-tests) registers the denial and returns the providers.aws
override that reads as the restricted reader.
"""

from __future__ import annotations

import configparser
import io
import json
import re
import threading
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

ROUTE = "/golive-lab/restricted-reader"
CREDENTIAL = re.compile(r"Credential=(AKIALAB[0R])(\d{12})/[^/]+/[^/]+/([^/]+)/")
_DENIED: dict[str, tuple[str, ...]] = {}  # account -> deny entries (this emulator process only)
_LOCK = threading.Lock()


def restricted_key(account: str) -> str:
    return f"AKIALABR{account}"


class Restricted:
    """WSGI middleware in front of the emulator: the restricted reader's denied calls answer 403."""

    def __init__(self, app: Any):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == ROUTE and environ.get("REQUEST_METHOD") == "POST":
            body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
            with _LOCK:
                _DENIED[str(body["account"])] = tuple(body.get("deny", ()))
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps({"access_key_id": restricted_key(str(body["account"]))}).encode()]
        found = CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
        if found and found.group(1) == "AKIALABR":
            call = self._call(environ, found.group(3))
            with _LOCK:
                denied = _DENIED.get(found.group(2), ())
            if any(_matches(entry, call) for entry in denied):
                return _refuse(environ, start_response, call)
        return self.app(environ, start_response)

    @staticmethod
    def _call(environ: dict[str, Any], service: str) -> tuple[str, str, str, str]:
        """(service, operation or "", method, path) of a request; the body is read and put back."""
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        operation = target.rsplit(".", 1)[-1] if target else ""
        if not operation:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            if "form-urlencoded" in environ.get("CONTENT_TYPE", ""):
                raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
                environ["wsgi.input"] = io.BytesIO(raw)
                query |= parse_qs(raw.decode("utf-8", "replace"))
            operation = (query.get("Action") or [""])[0]
        return service, operation, environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")


def _matches(entry: str, call: tuple[str, str, str, str]) -> bool:
    service, operation, method, path = call
    prefix, _, rest = entry.partition(":")
    if prefix != service:
        return False
    if " " in rest:
        want_method, want_path = rest.split(" ", 1)
        return method == want_method and path.startswith(want_path)
    return rest == operation


def _refuse(environ: dict[str, Any], start_response: Any, call: tuple[str, str, str, str]) -> list[bytes]:
    service, operation, method, path = call
    action = f"{service}:{operation or method + ' ' + path}"
    message = (f"User: arn:aws:sts::lab:assumed-role/golive-reader/lab is not authorized to perform: {action} "
               f"because no identity-based policy allows the {action} action")
    if environ.get("HTTP_X_AMZ_TARGET") or "json" in environ.get("CONTENT_TYPE", "") or service == "backup":
        body = json.dumps({"__type": "AccessDeniedException", "message": message, "Message": message})
        start_response("403 Forbidden", [("Content-Type", "application/x-amz-json-1.1"),
                                         ("x-amzn-ErrorType", "AccessDeniedException")])
        return [body.encode()]
    xml = (f'<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{message}</Message>'
           f'</Error><RequestId>golive-lab</RequestId></ErrorResponse>')
    start_response("403 Forbidden", [("Content-Type", "text/xml")])
    return [xml.encode()]


def restricted_reader(started: Any, deny: list[str]) -> dict[str, Any]:
    """Register a reader of ``started``'s account denied ``deny``; the providers.aws keys that read as it."""
    endpoints = started.endpoints
    request = urllib.request.Request(f"{endpoints['endpoint_url']}{ROUTE}", method="POST",
                                     data=json.dumps({"account": endpoints["account_id"], "deny": deny}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        key = json.loads(answer.read())["access_key_id"]
    path = Path(endpoints["credentials_file"])
    name = f"{endpoints['profile']}-restricted"
    creds = configparser.ConfigParser()
    creds.read(path)
    creds[name] = {"aws_access_key_id": key, "aws_secret_access_key": "golive-lab-not-a-secret"}
    with path.open("w", encoding="utf-8") as out:
        creds.write(out)
    return {"profile": name}
