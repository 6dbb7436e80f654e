"""Evidence: what a check observed, attached to its Allure result with secrets redacted.

Every check attaches what it saw (protocols offered, headers, API fields, latency samples, plots).
Redaction covers the secret values a run knows (profile secrets, referenced environment variables,
values under secret-looking keys) and common secret patterns (AWS keys, bearer tokens, PEM keys).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import allure

REDACTED = "«redacted»"
SECRET_KEY = re.compile(r"(secret|password|passwd|token|credential|private[_-]?key|api[_-]?key|auth[_-]?key)",
                        re.IGNORECASE)
_PATTERNS = (
    re.compile(r"\bA(KIA|SIA)[0-9A-Z]{16}\b"),
    re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{12,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL),
    re.compile(r"(?i)(aws_secret_access_key|secretaccesskey|client_secret|password|static-auth-secret)"
               r"([\"']?\s*[:=]\s*[\"']?)([^\s\"',}]{4,})"),
)


class Redactor:
    """Removes known secret values and secret-shaped strings from text."""

    def __init__(self, secrets: Iterable[str] = ()):
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def with_secrets(self, more: Iterable[str]) -> Redactor:
        return Redactor([*self._secrets, *more])

    def text(self, value: str) -> str:
        for secret in self._secrets:
            value = value.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            if pattern.groups == 3:
                value = pattern.sub(lambda m: m.group(1) + m.group(2) + REDACTED, value)
            else:
                value = pattern.sub(REDACTED, value)
        return value

    def data(self, value: Any) -> Any:
        """A JSON-able copy of value with secret-keyed fields and secret values redacted."""
        if is_dataclass(value) and not isinstance(value, type):
            value = asdict(value)
        if isinstance(value, dict):
            return {str(k): (REDACTED if SECRET_KEY.search(str(k)) and isinstance(v, str | bytes) and v
                             else self.data(v)) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bytes):
            return self.text(value.decode("utf-8", "replace"))
        if isinstance(value, int | float | bool) or value is None:
            return value
        return self.text(str(value))


def _url_secrets(value: str) -> list[str]:
    """Passwords in URLs (https://user:pw@host) and secret-named query parameters (?token=...)."""
    if "://" not in value:
        return []
    parts = urlsplit(value)
    found = [parts.password] if parts.password else []
    found += [v for k, v in parse_qsl(parts.query) if SECRET_KEY.search(k) or k.lower() in {"sig", "key", "code"}]
    return found


def secret_values_in(raw: Any) -> list[str]:
    """Values under secret-looking keys, and secrets inside URLs, anywhere in a raw profile mapping."""
    found: list[str] = []
    if isinstance(raw, dict):
        for key, value in raw.items():
            if SECRET_KEY.search(str(key)) and isinstance(value, str):
                found.append(value)
            else:
                found.extend(secret_values_in(value))
    elif isinstance(raw, list):
        for value in raw:
            found.extend(secret_values_in(value))
    elif isinstance(raw, str):
        found.extend(_url_secrets(raw))
    return found


class Evidence:
    """Attaches observations to the current Allure result (and keeps them for the self-tests)."""

    def __init__(self, redactor: Redactor):
        self.redactor = redactor
        self.attached: list[tuple[str, str]] = []

    def json(self, name: str, observed: Any) -> None:
        body = json.dumps(self.redactor.data(observed), indent=2, sort_keys=True, default=str)
        self.attached.append((name, body))
        allure.attach(body, name=name, attachment_type=allure.attachment_type.JSON)

    def text(self, name: str, observed: str) -> None:
        body = self.redactor.text(observed)
        self.attached.append((name, body))
        allure.attach(body, name=name, attachment_type=allure.attachment_type.TEXT)

    def png(self, name: str, path: Path) -> None:
        self.attached.append((name, str(path)))
        allure.attach.file(str(path), name=name, attachment_type=allure.attachment_type.PNG)
