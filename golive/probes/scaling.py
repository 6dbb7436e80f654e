"""AUTOSCALING probe: compare scaler configuration with the profile, watch a live scaler, judge the timeline.

Pure parts (testable without a network): ``policy_problems`` (ScalingPolicy records vs the profile's
expectations) and ``timeline_problems`` (a watched load run vs min/max/deadline). ``read_status`` reads one
http-json status; ``plot`` draws CPU, replicas and request rate over time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from golive.probes.http import describe_error
from golive.providers.records_scaling import ScalingPolicy, ScalingStatus
from golive.verdict import BlindSpot, CouldNotObserve, Fact


def policy_problems(expected: Any, found: list[ScalingPolicy], runbook: str) -> list[str]:
    """Every way the configured scaler for ``expected.resource`` differs from the profile; [] when it holds.

    ``expected`` is a ScalingExpectation (resource, platform, min/max_capacity, target, scale_in_threshold,
    window_s, behavior). A missing scaler is a problem (the providers answered, the resource is not there)."""
    mine = [p for p in found if p.resource == expected.resource]
    if not mine:
        known = ", ".join(sorted({p.resource for p in found})) or "none"
        return [f"{expected.resource}: no scaler configured (scalers seen: {known}); runbook {runbook} requires "
                f"autoscaling at {expected.target:g} % CPU, {expected.min_capacity}-{expected.max_capacity}"]
    out = []
    for p in mine:
        where = f"{p.resource} ({p.platform}, {p.source or 'no source'})"
        if p.metric != "cpu":
            out.append(f"{where}: scales on {p.metric!r}; runbook {runbook} requires average CPU utilization")
        if p.target is None or abs(p.target - expected.target) > 1e-6:
            out.append(f"{where}: target is {_pct(p.target)}; runbook {runbook} requires {expected.target:g} % CPU")
        if p.min_capacity is not None and p.min_capacity != expected.min_capacity:  # None: not returned (unseen)
            out.append(f"{where}: min capacity is {p.min_capacity}; runbook {runbook} requires {expected.min_capacity}")
        if p.max_capacity is not None and p.max_capacity != expected.max_capacity:
            out.append(f"{where}: max capacity is {p.max_capacity}; runbook {runbook} requires {expected.max_capacity}")
        if expected.scale_in_threshold is not None and p.scale_in_threshold != expected.scale_in_threshold:
            out.append(f"{where}: scale-in threshold is {_pct(p.scale_in_threshold)}; runbook {runbook} requires "
                       f"{expected.scale_in_threshold:g} %")
        if expected.window_s is not None and p.window_s != expected.window_s:
            out.append(f"{where}: evaluation window is {p.window_s} s; runbook {runbook} requires "
                       f"{expected.window_s} s")
        for dotted, want in _flatten(expected.behavior or {}).items():
            got = _flatten(p.behavior).get(dotted)
            if got != want:
                out.append(f"{where}: behavior.{dotted} is {got!r}; the profile requires {want!r}")
    return out


def policy_facts(expected: Any, found: list[ScalingPolicy]) -> list[Fact]:
    """AUTOSCALING drift (configured half): per scaler of ``expected.resource`` its metric, target, min/max
    capacity, scale-in threshold, window and behavior, against the profile (ok None: not returned)."""
    out: list[Fact] = []

    def same(seen: Any, want: Any) -> bool | None:
        return None if seen is None else seen == want

    for p in (p for p in found if p.resource == expected.resource):
        where = f"{p.resource} ({p.platform})"
        out += [Fact(where, "metric", p.metric, "cpu", p.metric == "cpu"),
                Fact(where, "target %", p.target, expected.target,
                     p.target is not None and abs(p.target - expected.target) <= 1e-6),
                Fact(where, "min capacity", p.min_capacity, expected.min_capacity,
                     same(p.min_capacity, expected.min_capacity)),
                Fact(where, "max capacity", p.max_capacity, expected.max_capacity,
                     same(p.max_capacity, expected.max_capacity)),
                Fact(where, "scale-in threshold %", p.scale_in_threshold, expected.scale_in_threshold,
                     None if expected.scale_in_threshold is None else p.scale_in_threshold == expected.scale_in_threshold),
                Fact(where, "window s", p.window_s, expected.window_s,
                     None if expected.window_s is None else p.window_s == expected.window_s)]
        wanted = _flatten(expected.behavior or {})
        out += [Fact(where, f"behavior.{k}", v, wanted.get(k), None if k not in wanted else v == wanted[k])
                for k, v in sorted(_flatten(p.behavior).items())]
    return out


def policy_unseen(expected: Any, found: list[ScalingPolicy], reads_blind: bool) -> list[BlindSpot]:
    """What could not be judged for ``expected.resource``: min/max capacity not returned (unknown, not wrong),
    or no scaler among the reads that succeeded while some read failed (it may be behind the blind read)."""
    mine = [p for p in found if p.resource == expected.resource]
    if not mine:
        return [BlindSpot(f"scaler {expected.resource}", "listed in the profile, not returned by the reads that "
                                                         "succeeded (it may be behind a blind read)")] if reads_blind else []
    return [BlindSpot(f"{p.resource} ({p.platform}) {name}", f"not returned by {p.source or 'the provider'} (absent "
                                                             f"is unknown, not wrong)")
            for p in mine for name, value in (("min capacity", p.min_capacity), ("max capacity", p.max_capacity))
            if value is None]


def _pct(value: float | None) -> str:
    return "not set" if value is None else f"{value:g} %"


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for k, v in data.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(data, list):
        out = {}
        for i, v in enumerate(data):
            out.update(_flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: data}


def _field(data: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def read_status(client: httpx.Client, url: str, api: Any, resource: str) -> tuple[ScalingStatus, dict[str, Any]]:
    """One reading of an http-json scaler status; the raw JSON comes back too (it may state the config)."""
    try:
        response = client.get(url)
        response.raise_for_status()
        body = response.json()
    except httpx.HTTPError as exc:
        raise CouldNotObserve(f"the scaler status {url}", describe_error(exc)) from None
    except ValueError:
        raise CouldNotObserve(f"the scaler status {url}", "the answer is not JSON") from None
    replicas = _field(body, api.replicas_field)
    if not isinstance(replicas, int):
        raise CouldNotObserve(f"the scaler status {url}", f"field {api.replicas_field!r} is {replicas!r}, "
                                                          f"expected a replica count")
    cpu = _field(body, api.cpu_field)
    desired = _field(body, api.desired_field)
    return ScalingStatus(resource, time.monotonic(), replicas, desired if isinstance(desired, int) else None,
                         float(cpu) if isinstance(cpu, int | float) else None, f"GET {url}"), body


def policy_from_status(body: dict[str, Any], resource: str, url: str) -> ScalingPolicy | None:
    """The scaler's own statement of its configuration, when its status gives one (the lab's does)."""
    keys = ("min_replicas", "max_replicas", "target_cpu_percent")
    if not all(k in body for k in keys):
        return None
    return ScalingPolicy(resource, "lab", body["min_replicas"], body["max_replicas"], body.get("metric", "cpu"),
                         body["target_cpu_percent"], source=f"GET {url}")


@dataclass(frozen=True)
class Point:
    """One poll: seconds since the load started, what the scaler said, the load's request rate then."""

    t: float
    replicas: int
    desired: int | None
    cpu_percent: float | None
    rps: float
    users: int
    phase: str  # load | scale-in


@dataclass(frozen=True)
class Timeline:
    """A watched load run.

    crossed_at: when the observed CPU first passed the target (None: never)
    scaled_out_at: first time replicas rose above the count at that moment (None: never)
    load_stopped_at / back_to_min_at: scale-in, recorded (not judged beyond the minimum)
    caps: the load's bounds; sent: requests the load generator made; peak_rps: highest per-poll rate
    """

    resource: str
    target_cpu: float
    min_capacity: int
    max_capacity: int
    deadline_s: float
    points: tuple[Point, ...]
    crossed_at: float | None
    replicas_at_cross: int | None
    scaled_out_at: float | None
    load_stopped_at: float | None
    back_to_min_at: float | None
    caps: dict[str, float]
    sent: int
    failures: int
    peak_rps: float
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "points"}
        out["max_replicas_seen"] = max((p.replicas for p in self.points), default=None)
        out["min_replicas_seen"] = min((p.replicas for p in self.points), default=None)
        out["max_cpu_seen"] = max((p.cpu_percent or 0 for p in self.points), default=None)
        return out


def timeline_problems(tl: Timeline, runbook: str) -> list[str]:
    """Capacity rose within the deadline after CPU passed the target, never above max, never below min."""
    out = []
    if tl.scaled_out_at is None:
        out.append(f"{tl.resource}: capacity stayed at {tl.replicas_at_cross} for {tl.deadline_s:g} s after CPU "
                   f"passed {tl.target_cpu:g} % (scale-out never happened); runbook {runbook} requires "
                   f"scaling out at {tl.target_cpu:g} % CPU")
    elif tl.crossed_at is not None and tl.scaled_out_at - tl.crossed_at > tl.deadline_s:
        out.append(f"{tl.resource}: capacity rose {tl.scaled_out_at - tl.crossed_at:.1f} s after CPU passed "
                   f"{tl.target_cpu:g} %; the profile's deadline is {tl.deadline_s:g} s")
    over = [p for p in tl.points if p.replicas > tl.max_capacity]
    if over:
        worst = max(over, key=lambda p: p.replicas)
        out.append(f"{tl.resource}: {worst.replicas} replicas at t={worst.t:.1f} s, above the maximum "
                   f"{tl.max_capacity} (runbook {runbook})")
    under = [p for p in tl.points if p.replicas < tl.min_capacity]
    if under:
        worst = min(under, key=lambda p: p.replicas)
        out.append(f"{tl.resource}: {worst.replicas} replicas at t={worst.t:.1f} s ({worst.phase}), below the "
                   f"minimum {tl.min_capacity} (runbook {runbook})")
    return out


def timeline_facts(tl: Timeline) -> list[Fact]:
    """AUTOSCALING drift (live half): whether capacity rose within the deadline and stayed within min/max; the
    timeline's numbers (seconds to scale out, replicas seen) move from run to run, so all are volatile."""
    late = None if tl.scaled_out_at is None or tl.crossed_at is None else round(tl.scaled_out_at - tl.crossed_at, 1)
    replicas = [p.replicas for p in tl.points]
    most, least = max(replicas, default=None), min(replicas, default=None)
    return [Fact(tl.resource, "scale-out s after CPU passed the target", late, f"<= {tl.deadline_s:g}",
                 late is not None and late <= tl.deadline_s, volatile=True),
            Fact(tl.resource, "max replicas seen", most, f"<= {tl.max_capacity}",
                 None if most is None else most <= tl.max_capacity, volatile=True),
            Fact(tl.resource, "min replicas seen", least, f">= {tl.min_capacity}",
                 None if least is None else least >= tl.min_capacity, volatile=True)]


def plot(tl: Timeline, path: Path) -> Path:
    """CPU (%), replicas and request rate over time, with the target, min/max and the load phases."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = [p.t for p in tl.points]
    fig, (ax_cpu, ax_rep, ax_rps) = plt.subplots(3, 1, sharex=True, figsize=(10, 7), dpi=100)
    ax_cpu.plot(t, [p.cpu_percent if p.cpu_percent is not None else float("nan") for p in tl.points], marker=".")
    ax_cpu.axhline(tl.target_cpu, color="red", linestyle="--", label=f"target {tl.target_cpu:g} %")
    ax_cpu.set_ylabel("CPU %")
    ax_rep.step(t, [p.replicas for p in tl.points], where="post", label="replicas")
    ax_rep.step(t, [p.desired if p.desired is not None else float("nan") for p in tl.points], where="post",
                linestyle=":", label="desired")
    ax_rep.axhline(tl.max_capacity, color="red", linestyle="--", label=f"max {tl.max_capacity}")
    ax_rep.axhline(tl.min_capacity, color="grey", linestyle="--", label=f"min {tl.min_capacity}")
    ax_rep.set_ylabel("replicas")
    ax_rps.plot(t, [p.rps for p in tl.points], marker=".")
    ax_rps.axhline(tl.caps.get("max_rps", 0), color="red", linestyle="--", label="rate cap")
    ax_rps.set_ylabel("requests/s")
    ax_rps.set_xlabel("seconds since the load started")
    for ax in (ax_cpu, ax_rep, ax_rps):
        for at, label in ((tl.crossed_at, "CPU > target"), (tl.scaled_out_at, "scale-out"),
                          (tl.load_stopped_at, "load stopped")):
            if at is not None:
                ax.axvline(at, color="black", linewidth=0.6, linestyle="-.")
                if ax is ax_cpu:
                    ax.annotate(label, (at, 0), xytext=(2, 2), textcoords="offset points", fontsize=7)
        ax.legend(fontsize=7, loc="upper right")
    ax_cpu.set_title(f"AUTOSCALING {tl.resource}: CPU, replicas and request rate")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
