"""Profile section of AUTOSCALING."""

from __future__ import annotations

from golive.profile.base import Section


class AutoscalingSection(Section):
    """Filled in by issue 9; until then the section accepts no keys."""
