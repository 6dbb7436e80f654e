"""Building blocks shared by every profile section."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

# Sane bounds a profile's numbers are checked against (a person would call anything beyond them a typo).
DAY_S = 86_400
YEAR_S = 365 * DAY_S
TEN_YEARS_DAYS = 3650
MAX_CAPACITY = 10_000  # tasks/replicas/instances of one scaler


class Section(BaseModel):
    """A strict profile section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class NotApplicable(Section):
    """An item the profile declares not applicable on this environment; the check skips with the reason."""

    not_applicable: str = Field(min_length=3, description="why this item does not apply here")


class SecretRef(Section):
    """Where a secret comes from. Values are never written in a profile; golive reads them at run time."""

    env: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="environment variable holding the secret")
    file: Path | None = Field(default=None, description="file holding the secret, read only when the variable is "
                                                        "unset (the lab writes one; never a production source)")

    def value(self) -> str | None:
        """The secret: the environment variable, else the file's content (stripped); None when neither has it."""
        if os.environ.get(self.env):
            return os.environ[self.env]
        if self.file is not None:
            try:
                return self.file.read_text(encoding="utf-8").strip() or None
            except OSError:
                return None
        return None

    def describe(self) -> str:
        return f"environment variable {self.env}" + (f" (or file {self.file})" if self.file else "")
