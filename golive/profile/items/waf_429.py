"""Profile section of WAF-429."""

from __future__ import annotations

from golive.profile.base import Section


class Waf429Section(Section):
    """Filled in by issue 6; until then the section accepts no keys."""
