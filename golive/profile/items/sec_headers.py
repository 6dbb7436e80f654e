"""Profile section of SEC-HEADERS."""

from __future__ import annotations

from golive.profile.base import Section


class SecHeadersSection(Section):
    """Filled in by issue 5; until then the section accepts no keys."""
