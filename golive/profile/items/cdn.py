"""Profile section of CDN."""

from __future__ import annotations

from golive.profile.base import Section


class CdnSection(Section):
    """Filled in by issue 5; until then the section accepts no keys."""
