"""Profile section of MULTI-AZ."""

from __future__ import annotations

from golive.profile.base import Section


class MultiAzSection(Section):
    """Filled in by issue 4; until then the section accepts no keys."""
