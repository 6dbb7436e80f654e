"""Profile section of TLS-ONLY."""

from __future__ import annotations

from golive.profile.base import Section


class TlsOnlySection(Section):
    """Filled in by issue 5; until then the section accepts no keys."""
