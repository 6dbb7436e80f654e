"""What `golive watch` leaves in the reports folder: watch.json (time series and verdict), watch.png (the plot),
and, when the gate's Allure results are there, one Allure result for the watch with both attached.

The Allure result is written with allure-python-commons' file logger, without pytest: the watch is a command
that runs for up to 24 h after a deploy, not a test of the gate's run, and its exit status is its own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from dataclasses import asdict
from pathlib import Path

from golive.profile.watch import WatchSection
from golive.providers.records_watch import MetricInterval
from golive.watch import HOLDING, ROLL_BACK, Baseline, Figures, Outcome


def not_read(section: WatchSection) -> list[str]:
    """What this watch does not read or judge, said in watch.json and on the terminal."""
    out = ["Kubernetes/Prometheus metrics: Prometheus is not the Kubernetes API, so a Kubernetes estate is watched "
           "through its live endpoints only"]
    if not section.metrics:
        out.insert(0, "the clouds' error and latency metrics: the profile's watch.metrics names no source "
                      "(CloudWatch ALB, Azure Monitor App Service)")
        return out
    if any(m.cloud == "azure" for m in section.metrics):
        out.append("an Azure App Service p95: Azure Monitor offers HttpResponseTime as an average only (recorded "
                   "as mean_ms); the p95 triggers come from the live sample there")
    out.append("degradation > 50 % on cloud metrics: the last READY run's baseline is a live p95 per endpoint, so "
               "degradation is judged on the live sample only")
    return out


def _plain(record: MetricInterval) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in asdict(record).items()}


def document(profile: str, section: WatchSection, endpoints: dict[str, str], baseline: Baseline,
             series: list[Figures], outcome: Outcome | None, state: str, started: str,
             metric_series: list[MetricInterval] = ()) -> dict:
    """watch.json: the caps, the triggers, the baseline, every interval of every endpoint, every cloud metric
    period read, what could not be seen, and the verdict."""
    return {
        "state": state, "profile": profile, "started": started,
        "finished": None if state == "running" else dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "window_s": section.window_s, "intervals": section.intervals,
        "caps": {"rate_per_s": section.rate_per_s, "max_requests": section.max_requests,
                 "max_in_flight": section.max_in_flight, "timeout_s": section.timeout_s},
        "endpoints": endpoints, "triggers": section.triggers.model_dump(),
        "baseline": {"p95_ms": baseline.p95_ms, "source": baseline.source, "missing": baseline.missing},
        "not_read": not_read(section),
        "metrics": {"sources": [m.model_dump(exclude_none=True) for m in section.metrics],
                    "period_s": section.metric_period_s, "lookback_s": section.metric_lookback_s,
                    "delay_s": section.metric_delay_s},
        "series": [asdict(f) for f in series],
        "metric_series": [_plain(m) for m in metric_series],
        "blind_spots": list(outcome.blind) if outcome else [],
        "verdict": outcome.verdict if outcome else None, "why": outcome.why if outcome else None,
        "triggers_broken": [asdict(h) for h in outcome.hits] if outcome else [],
    }


def write_json(path: Path, doc: dict) -> Path:
    """Atomically: a reader sees the previous whole file or this one (it is rewritten after every interval)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    os.replace(temp, path)
    return path


def plot(series: list[Figures], section: WatchSection, baseline: Baseline, outcome: Outcome, path: Path,
         metric_series: list[MetricInterval] = (), started: dt.datetime | None = None) -> Path:
    """p95 and error rate per interval and endpoint (live) and per cloud metric period, with the triggers as lines
    and the verdict in the title; metric periods sit at their time since the watch started (before it: < 0)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (lat, err) = plt.subplots(2, 1, figsize=(10, 6), dpi=100, sharex=True)
    for name in dict.fromkeys(f.endpoint for f in series):
        mine = [f for f in series if f.endpoint == name and f.blind is None]
        x = [(f.start_s + f.end_s) / 2 for f in mine]
        lat.plot(x, [f.p95_ms if f.p95_ms is not None else float("nan") for f in mine], marker="o", label=name)
        err.plot(x, [(f.error_rate or 0) * 100 for f in mine], marker="o", label=name)
        base = baseline.of(name, mine[0].url) if mine else None
        if base and section.triggers.max_degradation is not None:
            lat.axhline(base * (1 + section.triggers.max_degradation), color="orange", linestyle=":",
                        label=f"{name}: baseline {base:.0f} ms + {section.triggers.max_degradation * 100:g} %")
    for name in dict.fromkeys(f"{m.service} {m.resource}" for m in metric_series):
        mine = [m for m in metric_series if f"{m.service} {m.resource}" == name and started is not None]
        x = [((m.start + (m.end - m.start) / 2) - started).total_seconds() for m in mine]
        lat.plot(x, [m.p95_ms if m.p95_ms is not None else float("nan") for m in mine], marker="s", linestyle="--",
                 label=f"{name} (cloud metric)")
        err.plot(x, [m.errors / m.requests * 100 if m.requests and m.errors is not None else float("nan")
                     for m in mine], marker="s", linestyle="--", label=f"{name} (cloud metric)")
    if section.triggers.p95_ms is not None:
        lat.axhline(section.triggers.p95_ms, color="red", linestyle="--",
                    label=f"rollback: p95 > {section.triggers.p95_ms:g} ms (runbook 001)")
    if section.triggers.max_error_rate is not None:
        err.axhline(section.triggers.max_error_rate * 100, color="red", linestyle="--",
                    label=f"rollback: error rate > {section.triggers.max_error_rate * 100:g} % (runbook 004)")
    if outcome.at is not None:
        for ax in (lat, err):
            ax.axvspan(outcome.at.start_s, outcome.at.end_s, color="red", alpha=0.1)
    lat.set_ylabel("p95 (ms, open loop)")
    err.set_ylabel("error rate (%)")
    err.set_xlabel("seconds since the watch started")
    lat.set_title(f"golive watch: {outcome.verdict}" + (f" — {', '.join(h.trigger for h in outcome.hits)}"
                                                        if outcome.hits else ""))
    for ax in (lat, err):
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def allure_result(results: Path, profile: str, outcome: Outcome, files: dict[str, Path], start_ms: int) -> Path:
    """One Allure result "golive watch" (passed on HOLDING, failed on ROLL BACK, broken otherwise) with the files."""
    from allure_commons.logger import AllureFileLogger
    from allure_commons.model2 import Attachment, Label, Status, StatusDetails, TestResult

    logger = AllureFileLogger(results)
    attachments = []
    for name, path in files.items():
        kind = ("image/png", "png") if path.suffix == ".png" else ("application/json", "json")
        target = f"{uuid.uuid4()}-attachment.{kind[1]}"
        logger.report_attached_file(str(path), target)
        attachments.append(Attachment(name=name, source=target, type=kind[0]))
    status = {HOLDING: Status.PASSED, ROLL_BACK: Status.FAILED}.get(outcome.verdict, Status.BROKEN)
    result = TestResult(
        uuid=str(uuid.uuid4()), historyId=f"golive-watch-{profile}", fullName=f"golive watch {profile}",
        name=f"post-deploy watch: {outcome.verdict}", status=status,
        statusDetails=StatusDetails(message=f"{outcome.verdict}: {outcome.why}"),
        start=start_ms, stop=int(dt.datetime.now(dt.UTC).timestamp() * 1000), attachments=attachments,
        labels=[Label("parent_suite", f"profile {profile}"), Label("suite", "WATCH"), Label("tag", f"profile:{profile}"),
                Label("feature", "WATCH: post-deploy watch against the runbooks' rollback triggers")])
    logger.report_result(result)
    return results
