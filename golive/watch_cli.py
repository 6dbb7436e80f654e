"""`golive watch --profile NAME [--window 30m] [--reports DIR]`: a line per interval, then the verdict.

Exit status: 0 HOLDING, 8 ROLL BACK (a rollback trigger broke; the line names it), 6 could not observe (nothing
answered, or an interval could not be judged), 4 bad input, 2 interrupted (SIGINT/SIGTERM stop it at once).
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
from pathlib import Path

from golive.providers.records_watch import MetricInterval
from golive.verdict import BlindSpot, Records
from golive.watch import COULD_NOT_OBSERVE, HOLDING, ROLL_BACK, Figures, Hit, MetricReader

EXIT = {HOLDING: 0, ROLL_BACK: 8, COULD_NOT_OBSERVE: 6}
USAGE, INTERRUPTED = 4, 2


def add_parser(sub: argparse._SubParsersAction, reports_default: Path) -> None:
    watch = sub.add_parser("watch", help="after a deploy: sample the live endpoints for the window and say HOLDING or "
                                         "ROLL BACK against the runbooks' rollback triggers (exit 0 / 8)")
    watch.add_argument("--profile", required=True, help="a profile name in profiles/ or a path to a YAML file")
    watch.add_argument("--window", default=None, help="how long to watch: 90s, 30m, 2h (default: the profile's "
                                                       "watch.window_s, else 30m from runbook 003; at most 24h)")
    watch.add_argument("--reports", default=str(reports_default),
                       help="where watch.json and watch.png go, and whose summary.json is the baseline "
                            "(default: ./reports, or $GOLIVE_REPORTS_DIR)")
    watch.set_defaults(func=run)


def _line(now: list[Figures], hits: list[Hit], intervals: int) -> str:
    parts = []
    for f in now:
        if f.blind:
            parts.append(f"{f.endpoint}: not judged ({f.blind})")
        else:
            p95 = f"{f.p95_ms:.1f} ms" if f.p95_ms is not None else "—"
            rate = f"{f.error_rate * 100:.1f} %" if f.error_rate is not None else "—"
            parts.append(f"{f.endpoint}: {f.sent} sent, p95 {p95}, errors {rate}")
    head = f"interval {now[0].interval}/{intervals} {now[0].start_s:6.1f}-{now[0].end_s:6.1f} s"
    return f"{head}  {'; '.join(parts)}  " + (f"TRIGGER {', '.join(h.trigger for h in hits)}" if hits else "ok")


def _metric_line(new: list[MetricInterval], hits: list[Hit]) -> str:
    """One line per read: per resource, the periods read, their requests and the worst error rate and p95."""
    parts = []
    for name in dict.fromkeys(f"{m.service} {m.resource}" for m in new):
        mine = [m for m in new if f"{m.service} {m.resource}" == name]
        rates = [m.errors / m.requests * 100 for m in mine if m.requests and m.errors is not None]
        p95s = [m.p95_ms for m in mine if m.p95_ms is not None]
        parts.append(f"{name}: {len(mine)} period(s) {mine[0].start:%H:%M}-{mine[-1].end:%H:%M} UTC, "
                     f"{sum(m.requests or 0 for m in mine):g} requests, worst error rate "
                     + (f"{max(rates):.1f} %" if rates else "—") + ", worst p95 "
                     + (f"{max(p95s):.1f} ms" if p95s else "—")
                     + (f", unknown: {sum(len(m.unknown) for m in mine)}" if any(m.unknown for m in mine) else ""))
    return f"metrics  {'; '.join(parts) or 'no new period'}  " + (
        f"TRIGGER {', '.join(h.trigger for h in hits)}" if hits else "ok")


def metric_reader(providers) -> MetricReader:
    """The watch's metric reads through the profile's providers: one source's periods, or why they are unseen."""
    from golive.verdict import CouldNotObserve

    def read(source, start, end, period_s) -> Records:
        if getattr(providers.config, source.cloud) is None:
            out = Records()
            out.blind.append(BlindSpot(f"{source} metrics", f"the profile has no providers.{source.cloud}; add it "
                                                            f"or remove this watch.metrics source"))
            return out
        try:
            return providers.gather("metric_intervals", source, start, end, period_s)
        except CouldNotObserve as exc:
            out = Records()
            out.blind.extend(exc.blind)
            return out
    return read


def _section(loaded, window: str | None):
    """The profile's watch section (defaults when absent) with --window applied, and the endpoints to sample."""
    from golive.profile.base import NotApplicable
    from golive.profile.watch import WatchSection
    from golive.watch import parse_window

    section = loaded.profile.watch or WatchSection()
    if window is not None:
        section = WatchSection.model_validate({**section.model_dump(mode="json", exclude_unset=True),
                                               "window_s": parse_window(window)})
    if section.endpoints:
        return section, {e.name: str(e.url) for e in section.endpoints}
    latency = loaded.profile.items.get("LATENCY-P95")
    if latency is None or isinstance(latency, NotApplicable):
        raise ValueError(f"profile {loaded.profile.name} names no endpoints to watch: give watch.endpoints "
                         f"(LATENCY-P95, whose endpoints are the default, is absent or not applicable)")
    return section, {e.name: str(e.url) for e in latency.endpoints}


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from golive import watch_report
    from golive.audit import AuditLog
    from golive.profile import ProfileError, load_profile
    from golive.providers import CloudProviders
    from golive.watch import read_baseline, watch

    try:
        loaded = load_profile(args.profile)
        section, endpoints = _section(loaded, args.window)
    except ProfileError as exc:
        print(f"golive watch: {exc}", file=sys.stderr)
        return USAGE
    except ValidationError as exc:
        first = exc.errors()[0]
        print(f"golive watch: {'.'.join(str(p) for p in first['loc']) or 'watch'}: {first['msg']}", file=sys.stderr)
        return USAGE
    except ValueError as exc:
        print(f"golive watch: {exc}", file=sys.stderr)
        return USAGE
    reports = Path(args.reports)
    name = loaded.profile.name
    baseline = read_baseline(reports, name)
    started = dt.datetime.now(dt.UTC)
    start_ms = int(started.timestamp() * 1000)
    print(f"golive watch: profile {name}, {section.window_s:g} s in {section.intervals} intervals, "
          f"{section.rate_per_s:g}/s per endpoint (open loop), at most {section.max_requests} requests; "
          f"{', '.join(f'{k} {v}' for k, v in endpoints.items())}")
    print(f"baseline: {baseline.missing or f'{baseline.p95_ms} from {baseline.source}'}")
    print(f"cloud metrics: {', '.join(map(str, section.metrics)) or 'none named (watch.metrics)'}"
          + (f", per {section.metric_period_s} s from {section.metric_lookback_s:g} s before the watch, read once "
             f"published ({section.metric_delay_s:g} s); audit {reports / 'watch-audit.jsonl'}"
             if section.metrics else ""))
    print(f"not read: {'; '.join(watch_report.not_read(section))}")
    series: list[Figures] = []
    metric_series: list[MetricInterval] = []
    providers = CloudProviders(loaded.profile.providers, audit=AuditLog(reports / "watch-audit.jsonl"))
    if loaded.profile.lab and any(m.cloud == "azure" for m in section.metrics):
        import os  # a lab profile's Azure credential: the lab ARM emulator's managed identity, as the gate does

        from golive.lab.components.azure import identity_environment
        for key, value in identity_environment().items():
            os.environ.setdefault(key, value)

    def save(state: str, outcome=None) -> Path:
        doc = watch_report.document(name, section, endpoints, baseline, series, outcome, state,
                                    started.isoformat(timespec="seconds"), metric_series)
        return watch_report.write_json(reports / "watch.json", doc)

    def on_metrics(new: list[MetricInterval], hits: list[Hit]) -> None:
        metric_series.extend(new)
        print(_metric_line(new, hits), flush=True)

    def on_interval(now: list[Figures], hits: list[Hit]) -> None:
        series.extend(now)
        print(_line(now, hits, section.intervals), flush=True)
        save("running")

    def on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        try:
            _, outcome = watch(section, endpoints, baseline, loaded.profile.trust.ca_bundle, on_interval,
                               metric_reader(providers), on_metrics)
        except ValueError as exc:
            print(f"golive watch: {exc}", file=sys.stderr)
            return USAGE
        except KeyboardInterrupt as exc:
            save("interrupted")
            print(f"golive watch: interrupted ({exc or 'SIGINT'}); no verdict", file=sys.stderr)
            return INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
    data = save("complete", outcome)
    picture = watch_report.plot(series, section, baseline, outcome, reports / "watch.png", metric_series, started)
    results = reports / "allure-results"
    if results.is_dir():
        watch_report.allure_result(results, name, outcome, {"watch time series and verdict": data,
                                                            "p95 and error rate per interval": picture}, start_ms)
    print(f"{outcome.verdict}: {outcome.why}")
    print(f"watch: {data} and {picture}" + (f"; Allure result in {results}" if results.is_dir() else ""))
    return EXIT[outcome.verdict]
