"""Waivers: a known non-compliance accepted until a date, under a ticket.

A waiver turns a failing check into "waived" (reported with its ticket) only while it is in force and
only for non-compliance: a check that could not observe its target is never waived. An expired waiver
no longer applies, and the failure says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from golive.profile.model import Waiver


@dataclass(frozen=True)
class WaiverStatus:
    waiver: Waiver
    in_force: bool

    def describe(self) -> str:
        if self.in_force:
            return (f"WAIVED by {self.waiver.ticket} until {self.waiver.expires.isoformat()}: {self.waiver.reason}")
        return (f"waiver {self.waiver.ticket} for {self.waiver.item} expired on {self.waiver.expires.isoformat()} "
                f"and no longer applies")


def waiver_for(item_id: str, waivers: list[Waiver], today: dt.date) -> WaiverStatus | None:
    """The waiver naming this item and whether it is still in force (expiry day included)."""
    for waiver in waivers:
        if waiver.item == item_id:
            return WaiverStatus(waiver, in_force=today <= waiver.expires)
    return None
