"""`golive explain ITEM` (issue 17): what the item checks, each profile field with its default, bounds and
description, the runbook lines, and an example section — generated from the section model and the registry."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from golive.profile.model import Items
from golive.registry import BY_ID


def section_model(item_id: str) -> type[BaseModel]:
    field = Items.model_fields[item_id.lower().replace("-", "_")]
    # Annotated[Annotated[Section, Tag] | Annotated[NotApplicable, Tag], Discriminator] | None
    text = field.annotation
    for arg in _walk(text):
        if isinstance(arg, type) and issubclass(arg, BaseModel) and arg.__name__ != "NotApplicable":
            return arg
    raise KeyError(item_id)


def _walk(tp: Any) -> list[Any]:
    out = [tp]
    for arg in getattr(tp, "__args__", ()) or ():
        out.extend(_walk(arg))
    meta = getattr(tp, "__origin__", None)
    if meta is not None and not getattr(tp, "__args__", None):
        out.extend(_walk(meta))
    return out


def _bounds(info: Any) -> str:
    parts = []
    for m in info.metadata:
        for name, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"), ("min_length", "min length"),
                           ("max_length", "max length"), ("pattern", "pattern")):
            if getattr(m, name, None) is not None:
                parts.append(f"{sign} {getattr(m, name)}")
    return ", ".join(parts)


def _type(tp: Any) -> str:
    return str(tp).replace("typing.", "").replace("golive.profile.items.", "").replace("<class '", "").replace(
        "'>", "")


def fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    lines = []
    for name, info in model.model_fields.items():
        default = "required" if info.is_required() else (
            f"default {info.default_factory()!r}" if info.default_factory is not None else
            f"default {info.default!r}" if info.default is not PydanticUndefined else "")
        bounds = _bounds(info)
        lines.append(f"  {prefix}{name}: {_type(info.annotation)} ({default}{'; ' + bounds if bounds else ''})")
        if info.description:
            lines.append(f"      {info.description}")
        for sub in _walk(info.annotation):
            if isinstance(sub, type) and issubclass(sub, BaseModel) and sub is not model and \
                    sub.__name__ != "NotApplicable" and not prefix.count("."):
                lines.extend(fields(sub, f"{prefix}{name}."))
                break
    return lines


def example(item_id: str) -> str:
    from golive.discover_yaml import render
    from golive.profile.load import load_profile
    raw = load_profile("local").raw["items"].get(item_id)
    if raw is None:
        return "  (no example in profiles/local.yaml)\n"
    return "\n".join(render({item_id: raw}, 2)) + "\n"


def explain(item_id: str) -> str:
    if item_id not in BY_ID:
        raise KeyError(f"no checklist item {item_id!r}; known: {', '.join(sorted(BY_ID))}")
    item = BY_ID[item_id]
    model = section_model(item_id)
    out = [f"{item.id}: {item.title} (severity {item.severity}; {item.module})",
           f"If it fails: {item.remediation}", "", "Runbook lines:"]
    out += [f"  {ref.label} ({ref.file}): {ref.says}" for ref in item.runbook]
    doc = (model.__doc__ or "").strip()
    out += ["", f"Profile section items.{item.id} ({model.__name__}), or {{not_applicable: <reason>}}:"]
    if doc:
        out += [f"  {ln.strip()}" for ln in doc.splitlines() if ln.strip()]
    out += fields(model)
    out += ["", "Example (profiles/local.yaml, the lab):", example(item_id)]
    return "\n".join(out)
