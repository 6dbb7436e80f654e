"""Profile section of TURN."""

from __future__ import annotations

from golive.profile.base import Section


class TurnSection(Section):
    """Filled in by issue 8; until then the section accepts no keys."""
