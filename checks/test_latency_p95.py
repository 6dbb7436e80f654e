"""LATENCY-P95: under a constant arrival rate (open loop), API p95 < 200 ms and error rate < 1 %.

Runbook 001: "Performance tests passing (API p95 <200ms)", "Error rate should remain < 1%"; runbook 003
alerts when more than 5 % of requests take over 1 s. Latency runs from each request's *scheduled* send
time, so a stalling server cannot hide behind the requests a closed-loop tool would not have sent.
"""

from golive.probes import sampler


def test_p95_and_error_rate_within_budget(section, profile, evidence, judge, tmp_path):
    caps = sampler.Caps(section.rate_per_s, section.duration_s, section.max_requests, section.max_in_flight,
                        section.timeout_s)
    evidence.json("sampler caps (open loop, per endpoint; max_requests over all)", caps)
    endpoints = {e.name: str(e.url) for e in section.endpoints}
    seen = judge.saw(sampler.sample(endpoints, caps, profile.trust.ca_bundle, section.slow_ms))
    evidence.json("latency observed (open loop, from the scheduled send time)", [s.summary() for s in seen])
    shown = list(seen)
    if section.closed_loop_beside and seen:
        closed = sampler.sample({s.endpoint: s.url for s in seen}, caps, profile.trust.ca_bundle, section.slow_ms,
                                mode="closed-loop")  # shown beside only: its blind spots judge nothing
        opened = {o.endpoint: o for o in seen}
        evidence.json("closed-loop figures beside (what coordinated omission would report)",
                      [{"endpoint": c.endpoint, "closed_loop_p95_ms": c.p95_ms,
                        "open_loop_p95_ms": opened[c.endpoint].p95_ms, "closed_loop_sent": c.sent} for c in closed]
                      + [{"closed loop not observed": str(b)} for b in closed.blind])
        shown += closed
    if shown:
        evidence.png("latency over time", sampler.plot(shown, tmp_path / "latency.png", section.p95_ms))
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.find(p for s in seen for p in sampler.problems(s, section.p95_ms, section.max_error_rate,
                                                         section.max_slow_fraction, section.runbook))
    judge.record(f for s in seen for f in sampler.facts(s, section.p95_ms, section.max_error_rate,
                                                        section.max_slow_fraction))
    judge.conclude(f"latency budget broken on {len(judge.findings)} count(s), profile {profile.name}")
