"""Profile section of LOG-RETENTION."""

from __future__ import annotations

from golive.profile.base import Section


class LogRetentionSection(Section):
    """Filled in by issue 7; until then the section accepts no keys."""
