"""Profile section of BACKUPS."""

from __future__ import annotations

from golive.profile.base import Section


class BackupsSection(Section):
    """Filled in by issue 4; until then the section accepts no keys."""
