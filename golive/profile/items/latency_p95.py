"""Profile section of LATENCY-P95."""

from __future__ import annotations

from golive.profile.base import Section


class LatencyP95Section(Section):
    """Filled in by issue 9; until then the section accepts no keys."""
