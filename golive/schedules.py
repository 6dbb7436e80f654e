"""Backup schedules as the platforms write them, parsed, and the largest gap between their runs.

A schedule is never string-matched: it is expanded into its run times over a window and the largest gap
between consecutive runs is measured in absolute time (so a daylight-saving change that stretches a
6-hourly cron to 7 h is seen). Forms understood:

- AWS EventBridge/AWS Backup cron, six fields and ``?``: ``cron(0 */6 * * ? *)`` (minute hour
  day-of-month month day-of-week year; day-of-week 1-7 is SUN-SAT, unlike cron's 0-6), in the rule's
  ``ScheduleExpressionTimezone``;
- AWS rate: ``rate(6 hours)``, ``rate(1 day)``, ``rate(30 minutes)``;
- plain five-field cron (Velero, Kubernetes CronJob): ``0 */6 * * *``, with an optional ``CRON_TZ=``/``TZ=``
  prefix, the ``@daily``-style descriptors and Velero's ``@every 6h``;
- ISO 8601 repeating intervals (Azure Data Protection policies): ``R/2025-01-01T00:00:00+00:00/PT6H``.

``parse(expression)`` gives a ``Schedule``; ``largest_gap(schedules, start)`` measures one schedule or the
union of several (two 12-hourly rules offset by 6 h back a resource up every 6 h). Durations (retention
``P30D``) are read by ``duration_days``: months count as 28 days and years as 365, the shortest they can
be, so "P1M" is not taken for 30 days of retention.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import isodate
from croniter import croniter

#: how far ahead runs are expanded, and the most runs looked at (an every-minute cron stops at the cap)
WINDOW = dt.timedelta(days=92)
MAX_RUNS = 2000
UTC = dt.UTC


class ScheduleError(ValueError):
    """An expression golive cannot interpret (the message names it and why)."""


@dataclass(frozen=True)
class Schedule:
    """One parsed schedule. ``kind``: aws-cron | aws-rate | cron | iso8601; ``cron`` is what croniter reads."""

    expression: str
    kind: str
    cron: str | None = None
    every: dt.timedelta | None = None
    anchor: dt.datetime | None = None  # first run of a fixed-period schedule (ISO 8601 start)
    repetitions: int | None = None  # ISO 8601 Rn (None = unbounded)
    timezone: str = "UTC"
    years: frozenset[int] | None = None  # AWS cron's year field, when not "*"

    def runs(self, start: dt.datetime, end: dt.datetime, limit: int = MAX_RUNS) -> Iterator[dt.datetime]:
        """Run times in [start, end] (at most ``limit``), in UTC."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if self.every is not None:
            yield from self._periodic(start, end, limit)
            return
        if self.timezone in ("UTC", "Etc/UTC") and self.years is None and _plain_fields(self.cron):
            yield from _fast_cron(self.cron, start, end, limit)
            return
        tz = zoneinfo.ZoneInfo(self.timezone)
        it = croniter(self.cron, start.astimezone(tz) - dt.timedelta(seconds=1))
        count = 0
        while count < limit:
            at = it.get_next(dt.datetime).astimezone(UTC)
            if at > end:
                return
            if self.years is not None and at.astimezone(tz).year not in self.years:
                if at.astimezone(tz).year > max(self.years):
                    return
                continue
            count += 1
            yield at

    def _periodic(self, start: dt.datetime, end: dt.datetime, limit: int) -> Iterator[dt.datetime]:
        assert self.every is not None
        anchor = (self.anchor or start).astimezone(UTC)
        if start <= anchor:
            index = 0
        else:
            index = -(-(start - anchor) // self.every)  # ceil: the first run at or after start
        count = 0
        while count < limit:
            if self.repetitions is not None and index >= self.repetitions:
                return
            at = anchor + index * self.every
            if at > end:
                return
            yield at
            index += 1
            count += 1


def _plain_fields(cron: str | None) -> bool:
    """Only numbers, names, ranges, lists and steps (no L, W, #): expandable without croniter's iterator."""
    return cron is not None and not re.search(r"[LW#]", cron.split(None, 2)[2].upper().replace("WED", ""))


def _fast_cron(cron: str, start: dt.datetime, end: dt.datetime, limit: int) -> Iterator[dt.datetime]:
    """Runs of a plain UTC cron from its expanded fields (croniter's iterator costs ~0.2 ms per run)."""
    (minutes, hours, doms, months, dows), _ = croniter.expand(cron)
    star = ["*"]
    day = start.date()
    count = 0
    while day <= end.date() and count < limit:
        dom_ok = doms == star or day.day in doms
        dow_ok = dows == star or (day.isoweekday() % 7) in {d % 7 for d in dows}
        day_ok = (dom_ok and dow_ok) if star in (doms, dows) else (dom_ok or dow_ok)  # cron ORs both when set
        if (months == star or day.month in months) and day_ok:
            for hour in (range(24) if hours == star else hours):
                for minute in (range(60) if minutes == star else minutes):
                    at = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                    if start <= at <= end:
                        count += 1
                        yield at
                        if count >= limit:
                            return
        day += dt.timedelta(days=1)


@dataclass(frozen=True)
class Gap:
    """The largest gap between consecutive runs within [start, start + window] (None: fewer than two runs)."""

    largest: dt.timedelta | None
    runs: int
    start: dt.datetime
    window: dt.timedelta
    at: dt.datetime | None = None  # the run that ends the largest gap

    @property
    def hours(self) -> float | None:
        return None if self.largest is None else self.largest.total_seconds() / 3600

    def describe(self) -> str:
        if self.largest is None:
            return f"fewer than two runs in the {self.window.days} days from {self.start:%Y-%m-%d %H:%M} UTC"
        return f"largest gap {fmt_hours(self.hours)} over {self.runs} runs in {self.window.days} days"


def fmt_hours(hours: float | None) -> str:
    if hours is None:
        return "never"
    return f"{hours:g} h" if float(hours).is_integer() else f"{hours:.2f} h"


# --- parsing ----------------------------------------------------------------------------------------------
_AWS_CRON = re.compile(r"^cron\((.*)\)$", re.S)
_AWS_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_TZ_PREFIX = re.compile(r"^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$")
_GO_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|m|s|ms)")
_DESCRIPTORS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
                "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}
_AWS_DOW = re.compile(r"\d+")


def parse(expression: str, timezone: str | None = None) -> Schedule:
    """Parse one schedule expression; ``timezone`` is the platform's zone field (AWS ScheduleExpressionTimezone)."""
    text = (expression or "").strip()
    tz = _zone(timezone or "UTC", expression)
    if not text:
        raise ScheduleError("empty schedule expression")
    if match := _AWS_CRON.match(text):
        return _aws_cron(text, match.group(1), tz)
    if match := _AWS_RATE.match(text):
        n, unit = int(match.group(1)), match.group(2).rstrip("s")
        if n < 1:
            raise ScheduleError(f"{text}: a rate must be at least 1 {unit}")
        return Schedule(text, "aws-rate", every=dt.timedelta(**{f"{unit}s": n}), timezone=tz)
    if text.startswith("R") and "/" in text:
        return _iso_repeating(text)
    if match := _TZ_PREFIX.match(text):
        tz, text_only = _zone(match.group(1), expression), match.group(2).strip()
        return _plain_cron(expression, text_only, tz)
    return _plain_cron(expression, text, tz)


def _zone(name: str, expression: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"{expression}: unknown time zone {name!r}") from None
    return name


def _plain_cron(expression: str, text: str, tz: str) -> Schedule:
    if text.startswith("@every"):
        every = _go_duration(text[len("@every"):].strip(), expression)
        return Schedule(expression, "cron", every=every, timezone=tz)
    text = _DESCRIPTORS.get(text, text)
    if len(text.split()) != 5:
        raise ScheduleError(f"{expression}: a cron schedule has five fields (minute hour day month weekday)")
    _check_cron(expression, text)
    return Schedule(expression, "cron", cron=text, timezone=tz)


def _go_duration(text: str, expression: str) -> dt.timedelta:
    parts = _GO_DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ScheduleError(f"{expression}: @every needs a Go duration such as 6h or 1h30m")
    scale = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    total = dt.timedelta(seconds=sum(float(n) * scale[u] for n, u in parts))
    if total <= dt.timedelta(0):
        raise ScheduleError(f"{expression}: @every needs a positive duration")
    return total


def _aws_cron(expression: str, body: str, tz: str) -> Schedule:
    fields = body.split()
    if len(fields) != 6:
        raise ScheduleError(f"{expression}: an AWS cron has six fields (minute hour day-of-month month "
                            f"day-of-week year)")
    minute, hour, dom, month, dow, year = fields
    if "?" not in (dom, dow):
        raise ScheduleError(f"{expression}: AWS needs '?' in day-of-month or day-of-week")
    if "LW" in dom.upper():
        raise ScheduleError(f"{expression}: day-of-month {dom} is not supported by golive's parser")
    cron = " ".join((minute, hour, "*" if dom == "?" else dom, month, "*" if dow == "?" else _aws_dow(dow, expression)))
    _check_cron(expression, cron)
    return Schedule(expression, "aws-cron", cron=cron, timezone=tz, years=_years(year, expression))


def _aws_dow(field: str, expression: str) -> str:
    """AWS day-of-week 1-7 (SUN-SAT) to cron's 0-6; ``6L`` (last Friday) to croniter's ``L5``, ``L`` to SAT."""
    upper = field.upper()
    if upper == "L":
        return "6"
    if upper.endswith("L") and upper[:-1].isdigit():
        return f"L{int(upper[:-1]) - 1}"

    def shift(match: re.Match[str]) -> str:
        n = int(match.group(0))
        if not 1 <= n <= 7:
            raise ScheduleError(f"{expression}: AWS day-of-week {n} is outside 1-7 (SUN-SAT)")
        return str(n - 1)

    if "#" in upper:  # 6#3 = the third Friday; the part after # is an occurrence, not a weekday
        day, nth = upper.split("#", 1)
        return f"{_AWS_DOW.sub(shift, day)}#{nth}"
    if "/" in upper:  # 2/2: every second day from MON; shift the start only
        first, step = upper.split("/", 1)
        return f"{_AWS_DOW.sub(shift, first)}/{step}"
    return _AWS_DOW.sub(shift, upper)


def _years(field: str, expression: str) -> frozenset[int] | None:
    if field in ("*", "?"):
        return None
    years: set[int] = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
        if part == "*":
            lo, hi = 1970, 2199
        elif "-" in part:
            lo, hi = (int(x) for x in part.split("-", 1))
        elif part.isdigit():
            lo = hi = int(part)
        else:
            raise ScheduleError(f"{expression}: year field {field!r} is not understood")
        years.update(range(lo, hi + 1, step))
    return frozenset(years)


def _check_cron(expression: str, cron: str) -> None:
    try:
        croniter(cron, dt.datetime(2025, 1, 1, tzinfo=UTC))
    except Exception as exc:  # croniter's errors have no common base but ValueError/KeyError subclasses
        raise ScheduleError(f"{expression}: not a valid cron ({exc})") from None


def _iso_repeating(text: str) -> Schedule:
    parts = text.split("/")
    if len(parts) != 3:
        raise ScheduleError(f"{text}: an ISO 8601 repeating interval is R[n]/<start>/<duration>")
    head, start_text, period_text = parts
    repetitions = int(head[1:]) if head[1:] else None
    try:
        start = isodate.parse_datetime(start_text)
        period = isodate.parse_duration(period_text)
    except (isodate.ISO8601Error, ValueError) as exc:
        raise ScheduleError(f"{text}: {exc}") from None
    every = _as_timedelta(period, text)
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    return Schedule(text, "iso8601", every=every, anchor=start, repetitions=repetitions)


def _as_timedelta(period: object, text: str) -> dt.timedelta:
    if isinstance(period, dt.timedelta):
        every = period
    else:  # isodate.Duration with months/years: the shortest length they can have
        every = period.tdelta + dt.timedelta(days=28 * int(period.months) + 365 * int(period.years))
    if every <= dt.timedelta(0):
        raise ScheduleError(f"{text}: the repeat period must be positive")
    return every


def duration_days(text: str) -> float:
    """An ISO 8601 duration in days ("P30D" -> 30, "P4W" -> 28, "P1M" -> 28, "PT720H" -> 30)."""
    try:
        period = isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError) as exc:
        raise ScheduleError(f"{text}: not an ISO 8601 duration ({exc})") from None
    return _as_timedelta(period, text).total_seconds() / 86400


def go_duration_days(text: str) -> float:
    """A Go duration as Velero writes a TTL ("720h0m0s") in days."""
    return _go_duration(text.strip(), text).total_seconds() / 86400


# --- gaps -------------------------------------------------------------------------------------------------
def largest_gap(schedules: Schedule | Iterable[Schedule], start: dt.datetime | None = None,
                window: dt.timedelta = WINDOW) -> Gap:
    """The largest gap between consecutive runs of one schedule, or of several together, from ``start``.

    The gap after the window's last run to the next run is included, so a monthly schedule shows ~31 days.
    """
    items = [schedules] if isinstance(schedules, Schedule) else list(schedules)
    start = (start or dt.datetime.now(UTC)).astimezone(UTC)
    end = start + window
    runs: set[dt.datetime] = set()
    following: list[dt.datetime] = []
    for schedule in items:
        runs.update(schedule.runs(start, end))
        nxt = next(iter(schedule.runs(end + dt.timedelta(seconds=1), end + dt.timedelta(days=400), limit=1)), None)
        if nxt is not None:
            following.append(nxt)
    if following:
        runs.add(min(following))  # only the first run after the window: later ones would fake a gap
    ordered = sorted(runs)
    if len(ordered) < 2:
        return Gap(None, len(ordered), start, window)
    gap, at = max(((b - a, b) for a, b in zip(ordered, ordered[1:], strict=False)), key=lambda g: g[0])
    return Gap(gap, len(ordered), start, window, at)
