"""`golive watch`: after a deploy, is the release holding up? The runbooks' rollback triggers, judged live.

The window (runbook 003 line 141: "Monitor for 30 minutes before declaring deployment successful") is cut into
intervals; in each, the open-loop sampler of LATENCY-P95 sends at a constant arrival rate to every endpoint
and gives its p95, error rate and whether anything answered. A pure function compares each interval with the
rollback triggers of runbooks 004 ("When to Rollback") and 001, and with the p95 of the last READY run
(degradation > 50 %). The first interval that breaks a trigger ends the watch: ROLL BACK, naming it. A window
with every interval judged and none broken is HOLDING. Nothing ever answering is COULD NOT OBSERVE.
The profile's ``metrics`` sources add the clouds' own figures (CloudWatch, Azure Monitor, read through the
providers): after each interval the metric periods published since are read and judged with the same triggers,
each hit naming its metric; a metric read that fails or a figure not returned is a blind spot beside the live
sample, so the watch is never HOLDING on metrics it did not see.
Traffic is capped by rate, requests and time, in code: at most ``max_requests`` over the whole watch, and the
watch ends by ``window_s + intervals * (timeout_s + 1)`` s.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from golive.probes import sampler
from golive.profile.watch import WatchMetricSource, WatchSection, WatchTriggers
from golive.providers.records_watch import MetricInterval
from golive.verdict import BlindSpot, CouldNotObserve, Records

HOLDING, ROLL_BACK, COULD_NOT_OBSERVE = "HOLDING", "ROLL BACK", "COULD NOT OBSERVE"
_CONNECT = "every request failed to connect"  # the sampler's words for an endpoint that did not answer at all


@dataclass(frozen=True)
class Figures:
    """One endpoint over one interval of the watch.

    sent / errors / error_rate / p95_ms: the sampler's figures (None when the interval could not be judged)
    answered: requests that got an HTTP answer with status < 400 (0: the service was unavailable)
    blind: why the interval could not be judged, None when it was
    sampler_lag_ms: how late the sampler started requests (p95); it inflates p95, never hides an error
    """

    interval: int
    start_s: float
    end_s: float
    endpoint: str
    url: str
    sent: int
    errors: int
    error_rate: float | None
    p95_ms: float | None
    answered: int
    statuses: dict[str, int] = field(default_factory=dict)
    blind: str | None = None
    sampler_lag_ms: float = 0.0


@dataclass(frozen=True)
class Hit:
    """A rollback trigger an interval broke: its name as the runbook says it, the runbook line, what was seen."""

    trigger: str
    runbook: str
    seen: str
    source: str = "live sample"

    def __str__(self) -> str:
        return f"{self.trigger} ({self.seen}; runbook {self.runbook}; from the {self.source})"


@dataclass(frozen=True)
class Baseline:
    """The p95 per endpoint of the last READY run (LATENCY-P95's evidence), or why there is none."""

    p95_ms: dict[str, float]
    source: str
    missing: str | None = None

    def of(self, endpoint: str, url: str) -> float | None:
        return self.p95_ms.get(endpoint, self.p95_ms.get(url))


@dataclass(frozen=True)
class Outcome:
    verdict: str
    hits: tuple[Hit, ...]
    at: Figures | None
    why: str
    metric_at: MetricInterval | None = None
    blind: tuple[str, ...] = ()  # what the metric half could not see, named beside the verdict


#: reads one metric source's periods in [start, end): records and blind spots (golive.watch_cli: the providers)
MetricReader = Callable[[WatchMetricSource, dt.datetime, dt.datetime, int], Records]


def triggers_broken(seen: Figures, triggers: WatchTriggers, baseline_p95_ms: float | None) -> list[Hit]:
    """Every rollback trigger this interval of this endpoint breaks; empty when it holds (pure)."""
    if seen.blind is not None or seen.sent == 0:
        return []
    hits = []
    if triggers.unavailable and seen.answered == 0:
        hits.append(Hit("service unavailable", "004 line 419",
                        f"none of {seen.sent} requests answered ({_statuses(seen)})"))
    if triggers.max_error_rate is not None and seen.error_rate is not None and seen.error_rate > triggers.max_error_rate:
        hits.append(Hit(f"error rate > {triggers.max_error_rate * 100:g} %", "004 line 416, 001 line 562",
                        f"error rate {seen.error_rate * 100:.1f} % ({seen.errors} of {seen.sent}; {_statuses(seen)})"))
    if triggers.p95_ms is not None and seen.p95_ms is not None and seen.p95_ms > triggers.p95_ms:
        hits.append(Hit(f"API p95 > {triggers.p95_ms:g} ms", "001 line 609", f"p95 {seen.p95_ms:.1f} ms"))
    if (triggers.max_degradation is not None and baseline_p95_ms and seen.p95_ms is not None
            and seen.p95_ms > baseline_p95_ms * (1 + triggers.max_degradation)):
        hits.append(Hit(f"performance degradation > {triggers.max_degradation * 100:g} %", "004 line 423",
                        f"p95 {seen.p95_ms:.1f} ms is {(seen.p95_ms / baseline_p95_ms - 1) * 100:.0f} % over the "
                        f"last READY run's {baseline_p95_ms:.1f} ms"))
    return hits


def trusted(seen: Figures, hits: list[Hit]) -> tuple[Figures, list[Hit]]:
    """A late sampler (client saturated) only inflates latencies: a p95 under its triggers still holds, error rate
    and availability still count, but a p95 over a trigger is not trusted — the interval is blind, not a ROLL BACK."""
    if seen.sampler_lag_ms <= sampler.MAX_SAMPLER_LAG_MS:
        return seen, hits
    kept = [h for h in hits if "p95" not in h.trigger and "degradation" not in h.trigger]
    if len(kept) == len(hits) or kept:
        return seen, kept
    return replace(seen, blind=f"p95 {seen.p95_ms:.1f} ms over a trigger while the sampler started requests "
                              f"{seen.sampler_lag_ms:.0f} ms late (p95): the client was saturated, so it is not "
                              f"trusted; lower rate_per_s or run golive on a larger machine"), []


def metric_triggers(seen: MetricInterval, triggers: WatchTriggers) -> tuple[list[Hit], list[str]]:
    """The rollback triggers one cloud metric period breaks, and its figures the cloud did not return (pure).

    Each hit names its metric ("error rate > 5 % (CloudWatch HTTPCode_Target_5XX_Count / RequestCount)"); an
    unknown figure is a blind spot, never a zero. A cloud metric has no last-READY baseline (the baseline is the
    live p95 per endpoint), so degradation is judged on the live sample only.
    """
    what = f"{seen.resource} {seen.start:%H:%M}-{seen.end:%H:%M} UTC"
    source = f"cloud metric ({seen.service})"
    hits = []
    if triggers.max_error_rate is not None and seen.requests and seen.errors is not None \
            and seen.errors / seen.requests > triggers.max_error_rate:
        hits.append(Hit(f"error rate > {triggers.max_error_rate * 100:g} % ({seen.errors_metric})",
                        "004 line 416, 001 line 562", f"error rate {seen.errors / seen.requests * 100:.1f} % "
                                                      f"({seen.errors:g} of {seen.requests:g}) on {what}", source))
    if triggers.p95_ms is not None and seen.p95_ms is not None and seen.p95_ms > triggers.p95_ms:
        hits.append(Hit(f"API p95 > {triggers.p95_ms:g} ms ({seen.latency_metric})", "001 line 609",
                        f"p95 {seen.p95_ms:.1f} ms on {what}", source))
    return hits, [f"{seen.service} {what}: {name} not returned" for name in seen.unknown]


def _floor(when: dt.datetime, period_s: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(when.timestamp() // period_s * period_s, dt.UTC)


@dataclass
class MetricWatch:
    """The metric half of one watch: what was read and judged so far, per source (mutable, one per watch)."""

    section: WatchSection
    read: MetricReader
    start: dt.datetime
    series: list[MetricInterval] = field(default_factory=list)
    blind: dict[str, str] = field(default_factory=dict)  # source or period -> why
    judged_until: dict[str, dt.datetime] = field(default_factory=dict)

    def window(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """[first, last): whole periods from the lookback before the watch to the last one published by now."""
        s = self.section
        return (_floor(self.start - dt.timedelta(seconds=s.metric_lookback_s), s.metric_period_s),
                _floor(now - dt.timedelta(seconds=s.metric_delay_s), s.metric_period_s))

    def step(self, now: dt.datetime) -> tuple[list[MetricInterval], list[Hit], MetricInterval | None]:
        """Read every source's periods published since the last read; the first period that breaks a trigger."""
        first, last = self.window(now)
        new: list[MetricInterval] = []
        for source in self.section.metrics:
            since = self.judged_until.get(str(source), first)
            if last <= since:
                continue
            found = self.read(source, since, last, self.section.metric_period_s)
            if found.blind and not found:
                self.blind[str(source)] = "; ".join(str(b) for b in found.blind)
                continue
            self.blind.pop(str(source), None)
            self.judged_until[str(source)] = last
            for seen in found:
                new.append(seen)
                hits, unknown = metric_triggers(seen, self.section.triggers)
                self.blind.update((u, "not returned") for u in unknown)
                if hits:
                    self.series += new
                    return new, hits, seen
        self.series += new
        return new, [], None

    def unseen(self) -> list[str]:
        """What the metric half could not see, as blind spots (a source with no period read at all is one)."""
        out = [f"{k}: {v}" if v != "not returned" else k for k, v in self.blind.items()]
        out += [f"{source}: no complete metric period published in the window (metric_delay_s "
                f"{self.section.metric_delay_s:g} s, period {self.section.metric_period_s} s)"
                for source in self.section.metrics if str(source) not in self.judged_until
                and str(source) not in self.blind]
        return out


def _statuses(seen: Figures) -> str:
    return ", ".join(f"{k}: {v}" for k, v in seen.statuses.items()) or "no status"


def conclude(series: list[Figures], hits: list[Hit], at: Figures | None, intervals: int,
             metric_at: MetricInterval | None = None, metric_blind: list[str] | tuple[str, ...] = (),
             metric_periods: int = 0) -> Outcome:
    """HOLDING, ROLL BACK or COULD NOT OBSERVE for what the watch saw, live and in the clouds' metrics (pure).
    A trigger broken wins (the blind spots are named beside it); else anything unseen is COULD NOT OBSERVE."""
    outcome = _conclude(series, hits, at, intervals, metric_at, metric_blind, metric_periods)
    return replace(outcome, blind=tuple(metric_blind))


def _conclude(series: list[Figures], hits: list[Hit], at: Figures | None, intervals: int,
              metric_at: MetricInterval | None, metric_blind: list[str] | tuple[str, ...],
              metric_periods: int) -> Outcome:
    beside = f"; not observed: {'; '.join(metric_blind)}" if metric_blind else ""
    if hits and metric_at is not None:
        return Outcome(ROLL_BACK, tuple(hits), None, f"{', '.join(h.trigger for h in hits)} from the cloud metric: "
                                                     + "; ".join(f"{h.seen} (runbook {h.runbook})" for h in hits)
                                                     + beside, metric_at)
    if hits:
        return Outcome(ROLL_BACK, tuple(hits), at, f"{', '.join(h.trigger for h in hits)} on {at.endpoint} in "
                                                   f"interval {at.interval} ({at.start_s:.0f}-{at.end_s:.0f} s, live "
                                                   f"sample): " + "; ".join(f"{h.seen} (runbook {h.runbook})"
                                                                            for h in hits) + beside)
    if not any(f.answered for f in series):
        seen = next((f.blind for f in series if f.blind), "nothing was sampled")
        return Outcome(COULD_NOT_OBSERVE, (), None, f"nothing answered during the watch ({seen}){beside}")
    judged = {f.interval for f in series if f.blind is None}
    blind = [f for f in series if f.blind is not None]
    if blind or len(judged) < intervals:
        first = blind[0] if blind else None
        return Outcome(COULD_NOT_OBSERVE, (), None,
                       f"{len(blind)} interval(s) could not be judged" + (f", first {first.endpoint} in interval "
                                                                          f"{first.interval}: {first.blind}"
                                                                          if first else "") + beside)
    held = (f"no rollback trigger in {intervals} intervals over {series[-1].end_s:.0f} s on "
            f"{len({f.endpoint for f in series})} endpoint(s) (live sample)")
    if metric_blind:
        return Outcome(COULD_NOT_OBSERVE, (), None, f"the clouds' metrics could not be judged: "
                                                    f"{'; '.join(metric_blind)} (beside: {held})")
    return Outcome(HOLDING, (), None, held + (f" and in {metric_periods} cloud metric period(s)"
                                              if metric_periods else ""))


def _figures(found: Records, endpoints: dict[str, str], index: int, start_s: float, end_s: float,
             answered_before: set[str]) -> list[Figures]:
    """The sampler's observations and blind spots as one Figures per endpoint. An endpoint that answered in an
    earlier interval and now refuses every connection is unavailable; one that never answered is blind."""
    out = []
    seen = {o.endpoint: o for o in found}
    blind = {b.what.split(" (", 1)[0]: b.why for b in found.blind}
    for name, url in endpoints.items():
        if name in seen:
            o = seen[name]
            ok = sum(n for k, n in o.statuses.items() if k.isdigit() and int(k) < 400)
            out.append(Figures(index, start_s, end_s, name, url, o.sent, o.errors,
                               None if math.isnan(o.error_rate) else o.error_rate,
                               None if math.isnan(o.p95_ms) else o.p95_ms, ok, o.statuses,
                               sampler_lag_ms=o.sampler_lag_p95_ms))
        elif blind.get(name, "").startswith(_CONNECT) and name in answered_before:
            out.append(Figures(index, start_s, end_s, name, url, 1, 1, 1.0, None, 0, {"error": 1}))
        else:
            out.append(Figures(index, start_s, end_s, name, url, 0, 0, None, None, 0,
                               blind=blind.get(name, "no figures from the sampler")))
    return out


def watch(section: WatchSection, endpoints: dict[str, str], baseline: Baseline, ca_bundle: Path | None = None,
          on_interval: Callable[[list[Figures], list[Hit]], None] = lambda f, h: None,
          read_metrics: MetricReader | None = None,
          on_metrics: Callable[[list[MetricInterval], list[Hit]], None] = lambda m, h: None,
          ) -> tuple[list[Figures], Outcome]:
    """Sample the window interval by interval, and after each read the clouds' metric periods published since
    (``read_metrics``, when the section names sources); stop at the first interval or period that breaks a trigger."""
    if section.metrics and read_metrics is None:
        raise ValueError("the watch section names metrics but no reader was given")
    metrics = MetricWatch(section, read_metrics or (lambda *_: Records()), dt.datetime.now(dt.UTC))

    def close(hits: list[Hit], at: Figures | None, metric_at: MetricInterval | None = None) -> Outcome:
        return conclude(series, hits, at, section.intervals, metric_at, metrics.unseen(), len(metrics.series))

    step = section.window_s / section.intervals
    per_interval = section.max_requests // section.intervals
    if per_interval < len(endpoints):
        raise ValueError(f"max_requests {section.max_requests} leaves fewer than one request per endpoint and "
                         f"interval ({section.intervals} intervals, {len(endpoints)} endpoints); raise max_requests")
    # the request cap spreads over the interval: a lower rate, never a burst and then silence
    rate = min(section.rate_per_s, per_interval / len(endpoints) / step)
    caps = sampler.Caps(rate, step, per_interval, section.max_in_flight, section.timeout_s)
    series: list[Figures] = []
    answered: set[str] = set()
    started = time.monotonic()
    for index in range(1, section.intervals + 1):
        if time.monotonic() - started > section.window_s + section.intervals * (section.timeout_s + 1):
            break  # the time cap of the whole watch
        t = time.monotonic() - started
        try:
            found = sampler.sample(endpoints, caps, ca_bundle, max_lag_ms=None)  # lag judged by trusted()
        except CouldNotObserve as exc:
            found = Records()
            found.blind += [BlindSpot(name, str(exc)) for name in endpoints]
        now, hits = [], []
        for f in _figures(found, endpoints, index, round(t, 2), round(time.monotonic() - started, 2), answered):
            f, broken = trusted(f, triggers_broken(f, section.triggers, baseline.of(f.endpoint, f.url)))
            now.append(f)
            hits += [(f, h) for h in broken]
        series += now
        answered |= {f.endpoint for f in now if f.answered}
        on_interval(now, [h for _, h in hits])
        if hits:
            at = hits[0][0]
            return series, close([h for f, h in hits if f is at], at)
        if section.metrics:
            new, broken, period = metrics.step(dt.datetime.now(dt.UTC))
            on_metrics(new, broken)
            if broken:
                return series, close(broken, None, period)
    return series, close([], None)


def parse_window(text: str) -> float:
    """``90``, ``90s``, ``30m``, ``2h`` as seconds; ValueError with what to write otherwise."""
    units = {"s": 1, "m": 60, "h": 3600}
    body, unit = (text[:-1], units[text[-1]]) if text and text[-1] in units else (text, 1)
    try:
        value = float(body) * unit
    except ValueError:
        raise ValueError(f"--window {text!r} is not a duration; write 90s, 30m or 2h") from None
    if not value > 0 or math.isinf(value):
        raise ValueError(f"--window {text!r} must be a positive duration")
    return value


def read_baseline(reports: Path, profile: str) -> Baseline:
    """The last READY run's LATENCY-P95 p95 per endpoint: reports/summary.json says READY for this profile, and its
    Allure results (same run id) hold the check's evidence "latency observed". Missing: why, and no baseline."""
    from golive.summary import readiness

    def missing(why: str) -> Baseline:
        return Baseline({}, str(reports), f"no baseline: {why}; only the absolute triggers are judged")

    try:
        summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return missing(f"{reports / 'summary.json'} not readable ({getattr(exc, 'strerror', None) or exc})")
    if not isinstance(summary, dict) or summary.get("profile") != profile:
        return missing(f"the last run in {reports} is not of profile {profile}")
    state, why = readiness(summary)
    if state != "READY":
        return missing(f"the last run in {reports} is {state} ({'; '.join(why)[:200]})")
    facts = _p95_facts(summary)
    if facts:
        return Baseline(facts, f"{reports / 'summary.json'} (run {str(summary.get('run_id'))[:12]}, "
                               f"{summary.get('finished')})")
    results = reports / "allure-results"
    env = _properties(results / "environment.properties")
    if env.get("run.id") != summary.get("run_id"):
        return missing(f"{results} is not from the READY run {str(summary.get('run_id'))[:12]}")
    for result in sorted(results.glob("*-result.json")):
        try:
            data = json.loads(result.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        labels = {(lb.get("name"), lb.get("value")) for lb in data.get("labels", [])}
        if ("checklist_item", "LATENCY-P95") not in labels or data.get("status") != "passed":
            continue
        for att in data.get("attachments", []):
            if att.get("name", "").startswith("latency observed"):
                try:
                    seen = json.loads((results / att["source"]).read_text(encoding="utf-8"))
                except (OSError, ValueError, KeyError):
                    continue
                p95 = {k: float(s["p95_ms"]) for s in seen if isinstance(s, dict) and s.get("p95_ms")
                       for k in (s.get("endpoint"), s.get("url")) if k}
                if p95:
                    return Baseline(p95, f"{result} (run {summary['run_id'][:12]}, {summary.get('finished')})")
    return missing(f"the READY run in {reports} has no passed LATENCY-P95 evidence with a p95")


def _p95_facts(summary: dict) -> dict[str, float]:
    """LATENCY-P95's p95 per endpoint from summary.json's judged values (``facts``), where a run records them."""
    out = {}
    for fact in (summary.get("items", {}).get("LATENCY-P95") or {}).get("facts") or []:
        if isinstance(fact, dict) and str(fact.get("field", "")).startswith("p95") \
                and isinstance(fact.get("observed"), int | float):
            out[str(fact.get("resource", "")).split(" (", 1)[0]] = float(fact["observed"])
    return out


def _properties(path: Path) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    return {k.strip(): v.strip() for k, _, v in (ln.partition("=") for ln in lines if "=" in ln)}
