"""SMOKE: the runbooks' smoke requests answer their status and JSON fields within their time limits, chained where
a runbook chains them (login -> token -> authenticated list).

Runbook 000 line 585: registration answers 201 Created; runbook 004 lines 334-339: login, then list users with
the token; runbook 003 line 128: production smoke tests. Every chain is judged on its own: one whose credential
is missing or whose host cannot be reached is a named blind spot; a step that fails ends its chain, and the steps
it leaves unrun are named as not observed. A step that writes (not GET/HEAD) runs only when the profile says
``writes: true`` with a reason, and the evidence shows that reason.
"""

from dataclasses import asdict

from golive.probes import smoke
from golive.probes.http import caps as http_caps


def test_smoke_requests_answer_in_time(section, profile, evidence, judge):
    observed, writes = [], []
    for chain in section.chains:  # each judged; one that cannot be observed is a blind spot, not a stop
        with judge.observing():
            values = smoke.credentials(chain)
            for index, step in enumerate(chain.steps):
                if step.writes:
                    writes.append({"chain": chain.name, "step": step.name, "method": step.method, "url": step.url,
                                   "reason": step.reason})
                seen, extracted = smoke.run_step(chain.name, step, values, profile.trust.ca_bundle)
                observed.append(asdict(seen))
                found = smoke.problems(step, seen)
                judge.record(smoke.facts(step, seen))
                judge.find(f"{chain.name} / {step.name} ({step.method} {step.url}): {p}" for p in found)
                if found:
                    for later in chain.steps[index + 1:]:
                        judge.blind_to(f"{chain.name} / {later.name}", f"not run: step {step.name} failed")
                    break
                values.update(extracted)
    evidence.json("caps per answer", {**http_caps(max(s.time_limit_s for c in section.chains for s in c.steps)),
                                      "requests": "one per step, steps in order, no retries"})
    evidence.json("requests that write (writes: true, with the profile's reason)", writes)
    evidence.json("smoke steps observed", observed)
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(judge.findings)} smoke request breach(es) on profile {profile.name}")
