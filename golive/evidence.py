"""Evidence: what a check observed, attached to its Allure result with secrets redacted.

Every check attaches what it saw (protocols offered, headers, API fields, latency samples, plots).
Secret *values* are what the run knows to be secret: what the profile's secret references resolve to, values the
profile holds in a secret's position (URL passwords, secret query parameters, values written under a secret's
key) and the cloud credentials in use. Each is removed in every form a report can carry it: raw, percent-encoded,
JSON-, XML- or repr-escaped, and base64 (alone, as ``user:secret`` of Basic auth, or inside a longer base64 run).
Common secret shapes (AWS keys, bearer tokens, PEM keys, ``password=...``, URL passwords) are removed too.
Reference names (``secret: turn_shared_secret``), environment variable names, secret *names* such as
``prod/db-password`` and ordinary words ("true", "enabled") are not secrets and stay readable.
"""

from __future__ import annotations

import base64
import configparser
import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit

import allure
import yaml

REDACTED = "«redacted»"
SECRET_KEY = re.compile(r"(secret|password|passwd|token|credential|private[_-]?key|api[_-]?key|auth[_-]?key)",
                        re.IGNORECASE)
# A key whose last word is one of these names or describes a secret (SecretId, secret_name, token_expiry,
# password_enabled): its value is an identifier or a setting, not the secret.
_NAME_WORDS = frozenset({
    "name", "names", "id", "ids", "arn", "arns", "ref", "refs", "reference", "uri", "url", "urls", "prefix",
    "prefixes", "env", "file", "path", "enabled", "rotation", "rotated", "days", "date", "type", "kind", "version",
    "versions", "count", "length", "expiry", "expires", "expiration", "created", "updated", "policy", "status",
    "state", "header", "ttl", "age", "at", "time", "s", "lambda", "rules", "required", "secrets"})
# Values a setting takes; a secret is never one of these.
_PLAIN_VALUES = frozenset({"", "true", "false", "yes", "no", "on", "off", "none", "null", "nil", "enabled",
                           "disabled", "required", "optional", "redacted", REDACTED, "***", "<redacted>"})
MIN_SECRET = 4
"""Shorter values cannot be told from words (URL passwords are still removed by position, whatever their length)."""
LONG_SECRET = 8
"""From this length a secret is removed wherever it occurs (inside words, inside base64 runs): 8 characters a
word does not contain by chance. A shorter secret (4-7, e.g. a 5-letter TURN secret) is removed only as a whole
token, so a secret "swer" leaves "answered" alone."""
_PATTERNS = (
    re.compile(r"\bA(KIA|SIA)[0-9A-Z]{16}\b"),
    re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{12,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL),
)
# key=value and key: value in free text; a key inside a name (prod/db-password: ...) is not a key.
_KEY_VALUE = re.compile(r"(?i)(?<![A-Za-z0-9/.-])(aws_secret_access_key|secretaccesskey|client_secret|password|"
                        r"static-auth-secret)([\"']?\s*[:=]\s*[\"']?)([^\s\"',}]{4,})")
_URL_PASSWORD = re.compile(r"(://[^\s/:@]*):([^\s/@]+)@")
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_USER_KEY = re.compile(r"^(user|username|user_name)$", re.IGNORECASE)
CREDENTIAL_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AZURE_CLIENT_SECRET",
                  "AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_PASSWORD")
"""The environment variables boto3 and azure-identity read credentials from (explicitly: not any variable whose
name contains "token")."""


def is_secret_key(key: object) -> bool:
    """A key that holds a secret (password, clientSecret, api_token), not one naming or describing it (SecretId)."""
    words = [w.lower() for w in _WORD.findall(str(key))]
    return bool(SECRET_KEY.search(str(key))) and not (words and words[-1] in _NAME_WORDS)


def plain_value(value: str) -> bool:
    """Booleans, numbers and setting words ("true", "enabled", "3600", "30d"): never a secret's value."""
    v = value.strip().lower()
    return v in _PLAIN_VALUES or re.fullmatch(r"[-+]?\d+(\.\d+)?[a-z]{0,2}", v) is not None


def _b64_forms(data: bytes) -> list[str]:
    out = []
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        full = encode(data).decode()
        out += [full, full.rstrip("=")]
    return out


def _b64_cores(data: bytes) -> list[str]:
    """The base64 characters that depend only on ``data``, at each of the 3 alignments it can have inside a
    longer base64 run (a token, a Basic header, a JSON blob)."""
    cores = []
    for shift in range(3):
        start, end = -(-8 * shift // 6), 8 * (shift + len(data)) // 6
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            cores.append(encode(b"\0" * shift + data).decode()[start:end])
    return cores


def secret_forms(secret: str, users: Iterable[str] = ()) -> list[str]:
    """The literal forms of a secret a report could carry (what the canary self-tests look for): raw,
    percent-encoded (quote, quote_plus; upper and lower hex), JSON-escaped (ASCII or not), XML-escaped, base64
    (standard and URL-safe, padded or not) of the secret and of ``user:secret`` for each known user."""
    forms = {secret, html.escape(secret), html.escape(secret, quote=False), json.dumps(secret)[1:-1],
             json.dumps(secret, ensure_ascii=False)[1:-1], repr(secret)[1:-1]}
    for encoded in (quote(secret, safe=""), quote(secret), quote_plus(secret), quote(secret, safe=":@!$&'()*+,;=")):
        forms |= {encoded, re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), encoded)}
    forms.update(_b64_forms(secret.encode()))
    for user in users:
        forms.update(_b64_forms(f"{user}:{secret}".encode()))
    return sorted(forms, key=len, reverse=True)


def _hex(byte: int) -> str:
    return "".join(f"[{c}{c.lower()}]" if c.isalpha() else c for c in f"{byte:02X}")


def _char(c: str) -> str:
    """A regex for one character of a secret in any escaping a report applies (mixed escapings match too)."""
    if c.isascii() and c.isalnum():
        return c
    utf8 = c.encode()
    alts = {re.escape(c), "".join(f"(?:%|%25){_hex(b)}" for b in utf8)}
    alts |= {re.escape(json.dumps(c)[1:-1]), re.escape(html.escape(c)), f"&#{ord(c)};",
             "&#[xX]0*" + "".join(f"[{h}{h.upper()}]" if h.isalpha() else h for h in f"{ord(c):x}") + ";"}
    alts.add("".join("\\\\u" + "".join(f"[{h}{h.upper()}]" if h.isalpha() else h for h in u[2:])
                     for u in re.findall(r"\\u[0-9a-f]{4}", json.dumps(c))) or re.escape(c))
    if not c.isascii():
        alts.add("".join(f"\\\\x{_hex(b)}" for b in utf8))
    if c == " ":
        alts.add(r"\+")
    if c in "/'":
        alts.add(re.escape("\\" + c))
    return "(?:" + "|".join(sorted(alts, key=len, reverse=True)) + ")"


_CUT_ESCAPE = r"(?:%(?:25)?[0-9A-Fa-f]?|\\(?:u[0-9a-fA-F]{0,3}|x[0-9a-fA-F]?)?|&#?[xX]?[0-9a-fA-F]*)?"
_PARTIAL = 4
"""A long secret cut short by a truncating repr (pytest's saferepr: ``head...tail``) is removed from the first
or last 4 characters on: at most 3 of its characters remain, next to the ``...``."""


def _truncated(chars: list[str]) -> list[str]:
    """Regexes of the secret's head before a ``...`` and of its tail after one."""
    head = chars[-1]
    for c in reversed(chars[_PARTIAL:-1]):
        head = f"{c}(?:{head})?"
    tail = chars[0]
    for c in chars[1:-_PARTIAL]:
        tail = f"(?:{tail})?{c}"
    head = "".join(chars[:_PARTIAL]) + f"(?:{head})?" if len(chars) > _PARTIAL else "".join(chars)
    tail = f"(?:{tail})?" + "".join(chars[-_PARTIAL:]) if len(chars) > _PARTIAL else "".join(chars)
    return [rf"{head}{_CUT_ESCAPE}(?=\.\.\.)", rf"(?<=\.\.\.)(?:[0-9A-Fa-f]{{1,2}}|u?[0-9a-fA-F]{{1,3}})?{tail}"]


def _matcher(secret: str, users: Iterable[str]) -> re.Pattern[str]:
    b64 = [*_b64_forms(secret.encode()), *(f for u in users for f in _b64_forms(f"{u}:{secret}".encode()))]
    if len(secret) >= LONG_SECRET:
        b64 += _b64_cores(secret.encode())
    chars = [_char(c) for c in secret]
    forms = [*(re.escape(f) for f in sorted(set(b64), key=len, reverse=True)), "".join(chars)]
    body = "|".join(forms + (_truncated(chars) if len(secret) >= LONG_SECRET else []))
    if len(secret) >= LONG_SECRET:
        return re.compile(body)
    return re.compile(rf"(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{{2}})|(?<=\\[nrt]))(?:{body})(?![A-Za-z0-9])")


class Redactor:
    """Removes known secret values (in every encoding) and secret-shaped strings from text."""

    def __init__(self, secrets: Iterable[str] = (), users: Iterable[str] = ()):
        self._secrets = tuple(sorted({s for s in secrets if s and len(s) >= MIN_SECRET and not plain_value(s)},
                                     key=len, reverse=True))
        self._users = tuple(sorted({u for u in users if u}))
        self._matchers = [_matcher(s, self._users) for s in self._secrets]

    def with_secrets(self, more: Iterable[str]) -> Redactor:
        return Redactor([*self._secrets, *more], self._users)

    def text(self, value: str) -> str:
        for matcher in self._matchers:
            value = matcher.sub(REDACTED, value)
        for pattern in _PATTERNS:
            value = pattern.sub(REDACTED, value)
        value = _KEY_VALUE.sub(lambda m: m.group() if plain_value(m.group(3))
                               else m.group(1) + m.group(2) + REDACTED, value)
        return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}:{REDACTED}@", value)

    def data(self, value: Any) -> Any:
        """A JSON-able copy of value with secret-keyed fields and secret values redacted."""
        if is_dataclass(value) and not isinstance(value, type):
            value = asdict(value)
        if isinstance(value, dict):
            return {str(k): (REDACTED if is_secret_key(k) and _secret_like(v) else self.data(v))
                    for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bytes):
            return self.text(value.decode("utf-8", "replace"))
        if isinstance(value, int | float | bool) or value is None:
            return value
        return self.text(str(value))


def _secret_like(value: Any) -> bool:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return isinstance(value, str) and not plain_value(value)


def _url_parts(value: str) -> tuple[list[str], list[str]]:
    """(secrets, users) of a URL: its password and secret-named query parameters (?token=...), its user name."""
    if "://" not in value:
        return [], []
    try:
        parts = urlsplit(value)
        password, user = parts.password, parts.username
    except ValueError:
        return [], []
    found = [password, unquote(password)] if password else []
    found += [v for k, v in parse_qsl(parts.query) if SECRET_KEY.search(k) or k.lower() in {"sig", "key", "code"}]
    return found, [user] if user else []


def secret_values_in(raw: Any, names: Iterable[str] | None = None) -> list[str]:
    """Secrets by position in a raw profile: URL passwords, secret query parameters, and values written under a
    secret's key. A reference name (a key of the profile's ``secrets``), a name (``SecretId``) and a plain value
    ("true") are not secrets."""
    if names is None:
        names = set(raw.get("secrets") or {}) if isinstance(raw, dict) else set()
    names = set(names)
    found: list[str] = []
    if isinstance(raw, dict):
        for key, value in raw.items():
            if is_secret_key(key) and isinstance(value, str):
                if value not in names and not plain_value(value) and not re.fullmatch(r"[a-z]+", value):
                    found.append(value)
            else:
                found.extend(secret_values_in(value, names))
    elif isinstance(raw, list):
        for value in raw:
            found.extend(secret_values_in(value, names))
    elif isinstance(raw, str):
        found.extend(_url_parts(raw)[0])
    return found


def users_in(raw: Any) -> list[str]:
    """User names in a raw profile (URL users, ``user:`` fields): the other half of a Basic-auth base64."""
    if isinstance(raw, dict):
        return [u for k, v in raw.items() for u in ([v] if _USER_KEY.match(str(k)) and isinstance(v, str)
                                                       else users_in(v))]
    if isinstance(raw, list):
        return [u for v in raw for u in users_in(v)]
    return _url_parts(raw)[1] if isinstance(raw, str) else []


def credentials_in_use(env: Mapping[str, str], aws_credentials: Path | None = None, aws_profile: str | None = None,
                       kubeconfig: Path | None = None) -> list[str]:
    """The cloud credentials the clients will use, read without a network call: the variables of CREDENTIAL_ENV,
    the AWS shared credentials file's profile, and the kubeconfig's user tokens and passwords."""
    found = [env[name] for name in CREDENTIAL_ENV if env.get(name)]
    aws_file = aws_credentials or Path(env.get("AWS_SHARED_CREDENTIALS_FILE") or Path.home() / ".aws" / "credentials")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(aws_file, encoding="utf-8")
    except (OSError, configparser.Error):
        pass
    section = aws_profile or env.get("AWS_PROFILE") or "default"
    if parser.has_section(section):
        found += [v for k in ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
                  if (v := parser.get(section, k, fallback=""))]
    kube = kubeconfig or Path((env.get("KUBECONFIG") or str(Path.home() / ".kube" / "config")).split(":")[0])
    try:
        config = yaml.safe_load(kube.read_text(encoding="utf-8")) if kube.is_file() else None
    except (OSError, yaml.YAMLError):
        config = None
    for user in (config or {}).get("users") or [] if isinstance(config, dict) else []:
        fields = (user or {}).get("user") or {}
        found += [fields[k] for k in ("token", "password", "client-key-data") if isinstance(fields.get(k), str)]
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
