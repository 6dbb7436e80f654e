"""`golive discover --merge` (issue 17 bullet 2): a profile drafted earlier takes in what the estate shows now.

Line-based on the draft's layout (one list entry per ``- `` line, or one block per entry), not a YAML round trip:
the user's lines are copied byte for byte and merge only inserts lines. A resource that appeared is inserted
into its list (in the draft's sorted place, with the draft's comments and DECIDE lines); one that vanished gets
a ``# VANISHED`` line above it (dropped again if it comes back). No timestamps, so merging twice changes nothing.
The draft ends with ``# offered:`` lines (short hashes of every list entry discover offered), so an entry the
user removed is not offered again while the estate still shows it. Line numbers come from PyYAML's node marks.
A list the estate shows now that a section of the profile lacks (``workspaces`` once a workspace receives events) is
inserted whole at the end of that section. A list in flow style (``[a, b]``, ``[]``; older drafts wrote estate lists
so) is left as it is and said in ``not_merged``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import yaml

VANISHED = "# VANISHED: not seen by golive discover --merge; remove this entry or say here why it stays"
OFFERED_HEAD = "# golive discover --merge: list entries offered so far (one you remove stays removed; keep these lines)"
OFFERED = "# offered:"
NOT_READ = "# NOT READ ("
# What names a list entry: the first of these an entry has (all of them that it has, together).
IDENTITY = ("cloud", "tier", "kind", "name", "resource")


@dataclass(frozen=True)
class Entry:
    """One list entry: what it names and its lines (``lead``: first comment line directly above it)."""

    key: str
    lead: int
    first: int
    last: int


@dataclass(frozen=True)
class Listing:
    """A block list under ``items`` (path such as ``MULTI-AZ/resources``) and the column of its dashes."""

    path: str
    column: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Merged:
    """The merged text and what changed, for the summary line."""

    text: str
    added: tuple[str, ...]
    vanished: tuple[str, ...]
    back: tuple[str, ...]
    not_merged: tuple[str, ...]


def _identity(value: Any) -> str:
    if isinstance(value, dict):
        named = {k: value[k] for k in IDENTITY if k in value}
        return json.dumps(named or value, sort_keys=True, default=str)
    return json.dumps(value, default=str)


def _last_line(node: yaml.Node) -> int:
    """The last line holding the node's text (a block collection's end mark sits on the next token)."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return node.end_mark.line
    children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else node.value
    return max((_last_line(c) for c in children), default=node.start_mark.line)


def _lead(lines: list[str], first: int) -> int:
    lead = first
    while lead > 0 and lines[lead - 1].lstrip().startswith("#") and not _is_offered(lines[lead - 1]):
        lead -= 1
    return lead


@dataclass(frozen=True)
class Section:
    """A block mapping under ``items`` (path such as ``LOGS-FLOWING``): its keys' column and lines, its last line."""

    column: int
    keys: dict[str, int]
    last: int


def _sequences(text: str, sections: dict[str, Section] | None = None) -> list[tuple[str, yaml.SequenceNode, list[Any]]]:
    """Every list under ``items`` (any depth): its path (``MULTI-AZ/resources``), node and value; the block mappings
    that hold them go to ``sections``."""
    root, data = yaml.compose(text), yaml.safe_load(text)
    out: list[tuple[str, yaml.SequenceNode, list[Any]]] = []
    items = next((v for k, v in root.value if k.value == "items"), None) if isinstance(root, yaml.MappingNode) else None

    def walk(node: yaml.Node, value: Any, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
            if path and not node.flow_style and node.value and sections is not None:
                sections["/".join(path)] = Section(node.value[0][0].start_mark.column,
                                                   {str(k.value): k.start_mark.line for k, _ in node.value},
                                                   _last_line(node))
            for k, v in node.value:
                walk(v, value.get(k.value), path + (str(k.value),))
        elif isinstance(node, yaml.SequenceNode) and isinstance(value, list):
            out.append(("/".join(path), node, value))

    if items is not None:
        walk(items, data["items"], ())
    return out


def listings(text: str) -> dict[str, Listing]:
    """Every block list under ``items`` (any depth), with each entry's identity and lines."""
    lines = text.splitlines()
    out: dict[str, Listing] = {}
    for path, node, value in _sequences(text):
        if not node.flow_style and node.value:
            entries = tuple(Entry(f"{path} {_identity(v)}", _lead(lines, n.start_mark.line),
                                  n.start_mark.line, _last_line(n)) for n, v in zip(node.value, value, strict=True))
            out[path] = Listing(path, node.start_mark.column, entries)
    return out


def flow_lists(text: str) -> dict[str, int]:
    """The lists under ``items`` written in flow style (``[a, b]``, ``[]``) and their lengths: merge leaves them be."""
    return {path: len(node.value) for path, node, _ in _sequences(text) if node.flow_style or not node.value}


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:10]


def _is_offered(line: str) -> bool:
    return line.strip() == OFFERED_HEAD or line.lstrip().startswith(OFFERED)


def offered_lines(text: str) -> list[str]:
    """The footer naming (by short hash) every list entry of ``text``: sorted, no timestamps."""
    hashes = sorted({_hash(e.key) for listing in listings(text).values() for e in listing.entries})
    return [OFFERED_HEAD] + [f"{OFFERED} {' '.join(hashes[i:i + 10])}" for i in range(0, len(hashes), 10)]


def _shift(line: str, by: int) -> str:
    if by >= 0:
        return " " * by + line
    return line[min(-by, len(line) - len(line.lstrip(" "))):]


def merge(mine: str, fresh: str) -> Merged:
    """``mine`` (the user's profile) with what ``fresh`` (a new draft of the same estate) shows that it lacks."""
    newline = "\r\n" if "\r\n" in mine else "\n"
    lines = mine.splitlines(keepends=True)
    fresh_lines = fresh.splitlines()
    ours, theirs = listings(mine), listings(fresh)
    seen = {h for line in lines if line.lstrip().startswith(OFFERED) for h in line.split(":", 1)[1].split()}
    blind = any(line.startswith(NOT_READ) for line in fresh_lines)
    before: dict[int, list[str]] = {}  # new entries, inserted before line i
    marks: set[int] = set()  # VANISHED lines, inserted directly above line i
    drop: set[int] = {i for i, line in enumerate(lines) if _is_offered(line)}
    added, vanished, back, not_merged = [], [], [], []
    for path, old in ours.items():
        new = theirs.get(path)
        if new is None:
            not_merged.append(f"{path}: the new draft has no list there (not applicable, or nothing read)")
            continue
        have = {e.key: e for e in old.entries}
        anchor = old.entries[0].lead
        for e in new.entries:
            if e.key in have:
                anchor = have[e.key].last + 1
            elif _hash(e.key) not in seen:
                before.setdefault(anchor, []).extend(_shift(ln, old.column - new.column) + newline
                                                     for ln in fresh_lines[e.lead:e.last + 1])
                added.append(e.key)
        now = {e.key for e in new.entries}
        for e in old.entries:
            marked = e.first > 0 and lines[e.first - 1].strip() == VANISHED
            if e.key in now and marked:
                drop.add(e.first - 1)
                back.append(e.key)
            elif e.key not in now and not marked and not blind:
                marks.add(e.first)
                vanished.append(e.key)
    flows = flow_lists(mine)
    sections: dict[str, Section] = {}
    fresh_sections: dict[str, Section] = {}
    _sequences(mine, sections)
    _sequences(fresh, fresh_sections)
    for path in sorted(set(theirs) - set(ours)):
        parent, _, key = path.rpartition("/")
        section, new = sections.get(parent), theirs[path]
        if path not in flows and section is not None and key not in section.keys and "not_applicable" not in \
                section.keys and parent in fresh_sections:  # a list the section lacks: insert it at the section's end
            entries = [e for e in new.entries if _hash(e.key) not in seen]
            at = fresh_sections[parent].keys[key]
            by = section.column - fresh_sections[parent].column
            block = fresh_lines[_lead(fresh_lines, at):at + 1] + [ln for e in entries
                                                                   for ln in fresh_lines[e.lead:e.last + 1]]
            if entries:
                before.setdefault(section.last + 1, []).extend(_shift(ln, by) + newline for ln in block)
                added.extend(e.key for e in entries)
        elif path not in flows:
            not_merged.append(f"{path}: your profile has no list there (write the section to take its entries)")
        else:
            how = "is empty ([])" if flows[path] == 0 else "is in flow style ([a, b])"
            not_merged.append(f"{path}: your profile's list {how}, so it was not merged (merge only inserts lines); "
                              f"write it one `- ` entry per line, as a new draft does, to take new entries")
    out: list[str] = []
    for i, line in enumerate(lines + [""]):
        out.extend(before.get(i, []))
        if i in marks:
            out.append(" " * (len(line) - len(line.lstrip(" "))) + VANISHED + newline)
        if i not in drop:
            out.append(line)
    text = "".join(out)
    if text and not text.endswith(("\n", "\r")):
        text += newline
    text += "".join(ln + newline for ln in offered_lines(fresh))
    return Merged(text, tuple(added), tuple(vanished), tuple(back), tuple(not_merged))
