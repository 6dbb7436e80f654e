"""AUTOSCALING: scalers configured at 70 % CPU with the runbook's min/max, and confirmed under load.

Runbook 002: ECS target tracking at 70 % CPU, min 3 / max 10; Azure out at 70 % over 5 min, in at 30 %.
Runbook 004: HPA min 5 / max 50 at 70 %. Runbook 003: per-service ranges. The live half (marker ``load``)
runs Locust until CPU passes the target and watches the scaler on a fixed poll: capacity must rise
within the deadline, never above the maximum, never below the minimum; scale-in after the load is recorded.
"""

import time
from dataclasses import replace
from pathlib import Path

import pytest

from golive.compare import targets
from golive.probes import loadgen, scaling
from golive.probes.http import client
from golive.profile.base import NotApplicable
from golive.verdict import CouldNotObserve

ROOT = Path(__file__).resolve().parents[1]


def test_scaling_policies_match_the_runbook(section, profile, providers, evidence, judge):
    if not section.policies:
        pytest.skip(f"AUTOSCALING configuration not declared on {profile.name} (only the live half)")
    found = judge.saw(providers.gather("scaling_policies"))
    evidence.json("scaling policies read", found)
    if not found and not judge.blind:
        judge.blind_to("the scaling policies", "the providers returned none (no provider implements "
                                               "scaling_policies, or the account has none)")
    every = targets.wheres(found)
    for where in every:  # each target on its own (issue 18); one target: every policy against every record
        here = targets.part(found, where, every)
        reads_blind = bool(here.blind) if where else bool(judge.blind)
        for want in targets.entries(section.policies, where, every, "resource") if where else section.policies:
            runbook = want.runbook or section.runbook
            for spot in scaling.policy_unseen(want, here, reads_blind):
                judge.blind_to(targets.named(where, spot.what), spot.why)
            if here and not (reads_blind and not any(p.resource == want.resource for p in here)):
                judge.find([targets.named(where, p) for p in scaling.policy_problems(want, here, runbook)])
            judge.record([replace(f, resource=targets.named(where, f.resource))
                          for f in scaling.policy_facts(want, here)])
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    runbooks = "/".join(sorted({want.runbook or section.runbook for want in section.policies}))
    judge.conclude(f"{len(judge.findings)} scaling setting(s) differ from runbook {runbooks} on {profile.name}")


def _reader(live, providers):
    """A function returning (ScalingStatus, raw JSON or None) for the profile's scaler API."""
    if live.scaler.kind == "provider":
        def read():
            found = providers.gather("scaling_status", addressed=("resource",), resource=live.scaler.resource)
            if found.blind and (not found or len(providers.targets) > 1):  # the status, or a twin, may be unseen
                raise CouldNotObserve.of(found.blind)
            if not found:
                raise CouldNotObserve(f"the scaler {live.scaler.resource}", "the providers returned no status")
            if len(found) > 1:  # the same name in several targets: which one scales is the profile's choice
                raise CouldNotObserve(f"the scaler {live.scaler.resource}", "found in several targets ("
                                      + ", ".join(s.where or "?" for s in found) + "); address it as "
                                      "<target>[/<region>]/<resource> in items.AUTOSCALING.live.scaler.resource")
            return found[0], None
        return read, None
    http = client(None, live.scaler.timeout_s)
    return (lambda: scaling.read_status(http, str(live.scaler.url), live.scaler, live.resource)), http


@pytest.mark.load
def test_capacity_rises_under_load_within_bounds(section, profile, providers, evidence, judge, tmp_path):
    live = section.live
    if live is None:
        pytest.skip(f"AUTOSCALING live load not declared on {profile.name} (only the configuration half)")
    if isinstance(live, NotApplicable):
        pytest.skip(f"AUTOSCALING live load not applicable on {profile.name}: {live.not_applicable}")
    read, http = _reader(live, providers)
    try:
        first, body = read()  # could-not-observe before any load is sent
        stated = scaling.policy_from_status(body or {}, live.resource, str(live.scaler.url))
        caps = loadgen.LoadCaps(live.users, live.spawn_rate, live.max_rps, live.max_requests, live.max_duration_s)
        evidence.json("load caps", {**caps.__dict__, "local_workers": live.workers, "remote_workers":
                                    live.remote_workers.expect if live.remote_workers else 0,
                                    "enforced": "by the master over every worker together" if
                                    live.workers or live.remote_workers else "by the one generator"})
        timeline, final = _watch(live, read, caps)
        if "workers" in final:
            evidence.json("requests per load worker", {"per_worker": final["workers"], "total": final["requests"],
                                                       "cap": caps.max_requests})
    finally:
        if http is not None:
            http.close()
    evidence.json("scaler timeline", timeline.summary())
    evidence.json("scaler polls", timeline.points)
    evidence.png("autoscaling timeline", scaling.plot(timeline, tmp_path / "autoscaling.png"))
    if timeline.crossed_at is None:
        raise CouldNotObserve(live.resource, f"the load at its caps ({caps.users} users, {caps.max_rps:g} req/s) "
                                             f"never took CPU past {live.target_cpu:g} % (max seen "
                                             f"{timeline.summary()['max_cpu_seen']} %); raise live.users/max_rps")
    problems = scaling.timeline_problems(timeline, section.runbook)
    judge.record(scaling.timeline_facts(timeline))
    if stated is not None:
        evidence.json("scaler configuration stated by its status", stated)
        want = type("Want", (), {"resource": live.resource, "min_capacity": live.min_capacity, "behavior": None,
                                 "max_capacity": live.max_capacity, "target": live.target_cpu,
                                 "scale_in_threshold": None, "window_s": None})
        problems += scaling.policy_problems(want, [stated], section.runbook)
    judge.find(problems)
    judge.conclude(f"autoscaling of {live.resource} under load on {profile.name}")


def _watch(live, read, caps: loadgen.LoadCaps) -> tuple[scaling.Timeline, dict]:
    """Start the load, poll the scaler every poll_s; stop at scale-out + hold_s, or at the deadline.
    Returns the timeline and the load's final totals (per worker when distributed)."""
    rw = live.remote_workers
    remote = loadgen.Remote(rw.expect, rw.bind_host, rw.bind_port, rw.wait_s) if rw else None
    load = loadgen.LoadRun(str(live.target_url), ROOT / live.locustfile, live.user_classes, caps,
                           interval_s=min(1.0, live.poll_s), workers=live.workers, remote=remote)
    points: list[scaling.Point] = []
    crossed = at_cross = scaled = stopped = back = None
    notes: list[str] = []
    t0 = time.monotonic()
    final: dict = {}
    try:
        while True:
            time.sleep(live.poll_s)
            now = time.monotonic() - t0
            status, _ = read()
            stats = load.latest if stopped is None else {"rps": 0.0, "users": 0}
            points.append(scaling.Point(round(now, 2), status.replicas, status.desired, status.cpu_percent,
                                        float(stats.get("rps", 0.0)), int(stats.get("users", 0)),
                                        "load" if stopped is None else "scale-in"))
            if stopped is None:
                if crossed is None and (status.cpu_percent or 0) > live.target_cpu:
                    crossed, at_cross = now, status.replicas
                if crossed is not None and scaled is None and status.replicas > at_cross:
                    scaled = now
                ends = [t0 + live.max_duration_s - time.monotonic()]
                if crossed is not None:
                    ends.append(crossed + live.deadline_s - now)
                if scaled is not None:
                    ends.append(scaled + live.hold_s - now)
                if min(ends) <= 0 or not load.running:
                    final = load.stop()
                    stopped = now
                    if not load.running and "error" in final:
                        notes.append(final["error"])
            else:
                if status.replicas <= live.min_capacity and back is None:
                    back = now
                if back is not None or now - stopped >= live.scale_in_s:
                    break
    finally:
        final = load.stop() if load.running else (final or load.latest)
    if "error" in final:
        raise CouldNotObserve("the load generator", final["error"])
    timeline = scaling.Timeline(live.resource, live.target_cpu, live.min_capacity, live.max_capacity, live.deadline_s,
                                tuple(points), crossed, at_cross, scaled, stopped, back,
                                {"users": caps.users, "max_rps": caps.max_rps, "max_requests": caps.max_requests,
                                 "max_duration_s": caps.run_time_s}, int(final.get("requests", 0)),
                                int(final.get("failures", 0)), max((p.rps for p in points), default=0.0), tuple(notes))
    return timeline, final
