"""A small YAML writer for drafted profiles (issue 17): block mappings and lists, one flow mapping per list entry,
a comment beside or above any value. Output is deterministic: the caller's order, no timestamps.
A list of plain values is written in flow style (``[a, b]``) unless it is ``Listed`` (names read from the estate):
those are written one ``- name`` line per entry, so ``golive discover --merge`` can insert one that appears later."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./*@-]*$")


@dataclass(frozen=True)
class Noted:
    """``value`` written with ``note`` at the end of its line and ``above`` lines of comment before it."""

    value: Any
    note: str = ""
    above: tuple[str, ...] = field(default_factory=tuple)


class Listed(tuple):
    """Entries listed from the estate (log groups, namespaces, hosts, ...): always a block list, one ``- `` line each,
    because ``golive discover --merge`` inserts and marks entries line by line (it leaves flow lists alone)."""

    __slots__ = ()


def scalar(value: Any) -> str:
    """One YAML scalar that reads back as ``value`` (strings quoted whenever plain style could change them)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) and not value.is_integer() else str(int(value))
    text = str(value)
    if _PLAIN.match(text) and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(value: Any) -> str:
    """A value on one line: ``{a: 1, b: [x, y]}``."""
    if isinstance(value, Noted):
        value = value.value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def _comment(text: str) -> str:
    return " ".join(text.split())


def _simple(value: Any) -> bool:
    return not isinstance(value, dict | list | tuple) or all(
        not isinstance(v, dict | list | tuple | Noted) or (isinstance(v, list | tuple) and not _block(v) and all(
            not isinstance(x, dict | list | tuple | Noted) for x in v)) for v in (
            value.values() if isinstance(value, dict) else value))


def render(value: Any, indent: int = 0) -> list[str]:
    """Lines of a block mapping ``value`` (keys in the given order)."""
    pad = " " * indent
    out: list[str] = []
    for key, raw in value.items():
        note = raw if isinstance(raw, Noted) else Noted(raw)
        out.extend(f"{pad}# {_comment(line)}" for line in note.above)
        tail = f"  # {_comment(note.note)}" if note.note else ""
        inner = note.value
        if isinstance(inner, dict) and inner and not _flowable(inner):
            out.append(f"{pad}{scalar(key)}:{tail}")
            out.extend(render(inner, indent + 2))
        elif isinstance(inner, list | tuple) and _block(inner):
            out.append(f"{pad}{scalar(key)}:{tail}")
            out.extend(_entries(inner, indent + 2))
        else:
            out.append(f"{pad}{scalar(key)}: {flow(inner)}{tail}")
    return out


def _block(items: list | tuple) -> bool:
    """A list written one entry per line: listed from the estate, or holding notes or mappings."""
    return bool(items) and (isinstance(items, Listed) or any(isinstance(v, Noted | dict) for v in items))


def _flowable(value: dict) -> bool:
    return _simple(value) and len(flow(value)) <= 100


def _entries(items: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for raw in items:
        note = raw if isinstance(raw, Noted) else Noted(raw)
        out.extend(f"{pad}# {_comment(line)}" for line in note.above)
        tail = f"  # {_comment(note.note)}" if note.note else ""
        if isinstance(note.value, dict) and not _simple(note.value):
            block = render(note.value, indent + 2)
            out.append(f"{pad}- {block[0].lstrip()}{tail}")
            out.extend(block[1:])
        else:
            out.append(f"{pad}- {flow(note.value)}{tail}")
    return out


def plain(value: Any) -> Any:
    """``value`` without its notes (what the YAML reads back as)."""
    if isinstance(value, Noted):
        return plain(value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
