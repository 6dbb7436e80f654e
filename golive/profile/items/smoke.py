"""Profile section of SMOKE: the runbooks' smoke requests, chained where a runbook chains them.

Runbook 000 line 585: registration answers 201 Created; runbook 004 lines 334-339: login, then list users with
``Authorization: Bearer $TEST_TOKEN``; runbook 003 line 128: production smoke tests. A step extracts values with a
small JSON path (``token: $.access_token``) that later steps use as ``{token}``; credentials come from secret
references (``{password}``), never from the profile's text. A request other than GET/HEAD changes the target: it
runs only when the step says ``writes: true`` with a ``reason`` (a production smoke user), and the evidence says so.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, model_validator

from golive.profile.base import SecretRef, Section

#: ``$``, then ``.key`` or ``[index]`` any number of times: ``$.access_token``, ``$.items[0].id``
JSON_PATH = r"^\$(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d{1,4}\])*$"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
READ_ONLY = ("GET", "HEAD")
MAX_STEPS = 20  # per chain
MAX_CHAINS = 20


class SmokeStep(Section):
    name: str = Field(min_length=1)
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    url: str = Field(pattern=r"^https?://[^\s]+$", description="may hold {placeholders} of earlier extracts")
    headers: dict[str, str] = Field(default_factory=dict, description="may hold {placeholders}: "
                                                                      "'Authorization: Bearer {token}'")
    body: dict[str, Any] | list[Any] | None = Field(default=None, description="JSON body; string values may hold "
                                                                              "{placeholders} ({password})")
    status: int = Field(default=200, ge=100, le=599, description="expected status (runbook 000: register 201)")
    fields: list[str] = Field(default_factory=list, description="JSON paths the answer must hold ($.items)")
    extract: dict[str, str] = Field(default_factory=dict, description="name -> JSON path, for later steps")
    time_limit_s: float = Field(default=2.0, gt=0, le=30, description="whole-answer deadline of this request")
    writes: bool = Field(default=False, description="the request changes the target (not GET/HEAD): allowed "
                                                    "only with a reason")
    reason: str | None = Field(default=None, min_length=3, description="why writing is acceptable here "
                                                                       "(a production smoke user)")

    @model_validator(mode="after")
    def _rules(self) -> SmokeStep:
        if self.method not in READ_ONLY and not self.writes:
            raise ValueError(f"step {self.name}: {self.method} changes the target; it runs only with writes: true "
                             f"and a reason (a production smoke user), else use GET/HEAD")
        if self.writes and not self.reason:
            raise ValueError(f"step {self.name}: writes: true needs a reason (who may be written to, and why)")
        for path in [*self.fields, *self.extract.values()]:
            if not re.match(JSON_PATH, path):
                raise ValueError(f"step {self.name}: {path!r} is not a JSON path like $.access_token or $.items[0].id")
        for name in self.extract:
            if not re.match(NAME, name):
                raise ValueError(f"step {self.name}: extract name {name!r} must be a word ([A-Za-z_][A-Za-z0-9_]*)")
        return self

    def placeholders(self) -> set[str]:
        """Every {name} the step's URL, headers and body use."""
        texts = [self.url, *self.headers.values(), *_strings(self.body)]
        return {m for text in texts for m in PLACEHOLDER.findall(text)}


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


class SmokeChain(Section):
    """Steps run in order; a step that fails ends the chain (later steps are named as not observed)."""

    name: str = Field(min_length=1)
    credentials: dict[str, SecretRef] = Field(default_factory=dict, description="name -> secret reference, used "
                                                                                 "as {name}; redacted everywhere")
    steps: list[SmokeStep] = Field(min_length=1, max_length=MAX_STEPS)

    @model_validator(mode="after")
    def _placeholders_defined(self) -> SmokeChain:
        known = set(self.credentials)
        for step in self.steps:
            unknown = step.placeholders() - known
            if unknown:
                raise ValueError(f"chain {self.name} step {step.name} uses {', '.join(sorted(unknown))}, which no "
                                 f"credential or earlier step's extract defines")
            known |= set(step.extract)
        return self


class SmokeSection(Section):
    chains: list[SmokeChain] = Field(min_length=1, max_length=MAX_CHAINS)
