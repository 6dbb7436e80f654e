"""Loading a profile: find the file, expand ${VAR} references, validate, and explain any error in one message."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from golive.profile.model import Profile

PROFILES_DIR = Path(__file__).resolve().parents[2] / "profiles"
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ProfileError(Exception):
    """A profile that cannot be used; the message names the file, the field and what was expected."""


@dataclass(frozen=True)
class LoadedProfile:
    """A validated profile and the file it came from."""

    path: Path
    profile: Profile
    raw: dict[str, Any]


def resolve(name_or_path: str) -> Path:
    """A profile name (``local``) or a path to a YAML file."""
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"} or os.sep in name_or_path:
        if not candidate.is_file():
            raise ProfileError(f"{name_or_path}: no such profile file")
        return candidate.resolve()
    path = PROFILES_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in PROFILES_DIR.glob("*.yaml")))
        raise ProfileError(f"no profile named {name_or_path!r} in {PROFILES_DIR}; known profiles: {known}")
    return path


def _expand(value: Any, path: Path, where: str) -> Any:
    if isinstance(value, str):
        def sub(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in os.environ:
                return os.environ[name]
            if default is not None:
                return default
            raise ProfileError(f"{path}: {where}: environment variable {name} is not set "
                               f"(write ${{{name}:-default}} to give a default)")
        return _VAR.sub(sub, value)
    if isinstance(value, dict):
        return {k: _expand(v, path, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, path, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"section", "not-applicable"}:
            continue  # union branch names pydantic adds; not a field a user wrote
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _explain(err: dict[str, Any]) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        return "unknown key (check its spelling against README 'Profiles')"
    if kind == "missing":
        return "required field is missing"
    given = err.get("input")
    shown = repr(given) if not isinstance(given, dict | list) else type(given).__name__
    return f"expected {msg[0].lower() + msg[1:]}, got {shown}"


def format_validation_error(path: Path, exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    message = f"{path}: {_field_path(first['loc'])}: {_explain(first)}"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''} in this file)"
    return message


MAX_VALUES = 20_000  # scalars, lists and mappings a profile may expand to, aliases included
MAX_BYTES = 1 << 20


class _StrictLoader(yaml.SafeLoader):
    """YAML as a profile must be: no duplicate keys (YAML would keep the last one silently), dates that exist."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                raise yaml.constructor.ConstructorError(None, None, "a mapping key must be a plain value",
                                                        key_node.start_mark)
            if key in seen:
                raise _Duplicate(key, seen[key].start_mark.line + 1, key_node.start_mark.line + 1)
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a real date or time ({exc})",
                                                    node.start_mark) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)
_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_yaml_map)


class _Duplicate(yaml.YAMLError):
    def __init__(self, key: Any, first: int, second: int):
        super().__init__(f"key {key!r} appears twice (lines {first} and {second}); YAML would silently keep the "
                         f"last one. Keep one")
        self.line = second


def _size(value: Any, memo: dict[int, int]) -> int:
    """How many values ``value`` expands to, each shared (aliased) node counted where it is used."""
    if not isinstance(value, dict | list):
        return 1
    if id(value) not in memo:
        memo[id(value)] = 0  # a recursive alias counts once
        children = value.values() if isinstance(value, dict) else value
        memo[id(value)] = 1 + sum(_size(v, memo) for v in children)
    return memo[id(value)]


def read_yaml(path: Path) -> Any:
    """The profile file as data: UTF-8 text, strict YAML, bounded size; ProfileError naming the line otherwise."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise ProfileError(f"{path}: (top level): the file has {len(data)} bytes; a profile is at most "
                           f"{MAX_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = " (it looks like UTF-16)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise ProfileError(f"{path}: (top level): not UTF-8 text{hint}: byte 0x{data[exc.start]:02x} at offset "
                           f"{exc.start}; save the profile as UTF-8 YAML") from None
    if "\x00" in text:
        raise ProfileError(f"{path}: (top level): the file holds NUL bytes; a profile is UTF-8 YAML text, not binary")
    try:
        raw = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except _Duplicate as exc:
        raise ProfileError(f"{path}: line {exc.line}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise ProfileError(f"{path}: {where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except RecursionError:
        raise ProfileError(f"{path}: (top level): nested too deeply to be a profile") from None
    size = _size(raw, {})
    if size > MAX_VALUES:
        raise ProfileError(f"{path}: (top level): the profile expands to {size} values (through YAML aliases "
                           f"*name); at most {MAX_VALUES} are allowed; write the values out")
    return raw


def load_profile(name_or_path: str) -> LoadedProfile:
    """Load and validate a profile; raises ProfileError with one clear message."""
    path = resolve(name_or_path)
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ProfileError(f"{path}: (top level): expected a mapping of profile fields, got {type(raw).__name__}")
    expanded = _expand(raw, path, "")
    try:
        profile = Profile.model_validate(expanded)
    except ValidationError as exc:
        raise ProfileError(format_validation_error(path, exc)) from None
    return LoadedProfile(path=path, profile=profile, raw=expanded)
