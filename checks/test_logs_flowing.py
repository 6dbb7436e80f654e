"""LOGS-FLOWING: the named log groups, namespaces and Log Analytics workspaces received events in the last
minutes, with few errors.

Runbook 000 line 624 "Verify logs flowing" (``aws logs tail /ecs/silenttalk-production-server``, Log Analytics
``ContainerLog | limit 10``), runbook 004 step 5.4 (``kubectl logs deployment/auth-service -n production
--tail=100``); the error-level share in the window stays under the profile's bound (runbook 004: roll back at an
error rate > 5 %). Reads are bounded per stream, pod and workspace query.
"""

import time

from golive.compare import logflow


def test_logs_are_flowing(section, profile, providers, evidence, judge):
    found = judge.saw(providers.gather("log_flows", log_groups=tuple(section.log_groups),
                                       namespaces=tuple(section.namespaces), workspaces=tuple(section.workspaces),
                                       window_s=section.window_min * 60,
                                       max_events=section.max_events))
    read = {(f.kind, f.name) for f in found}
    all_read = not found.blind
    for kind, names in (("log-group", section.log_groups), ("namespace", section.namespaces),
                        ("workspace", section.workspaces)):
        for name in names:
            if (kind, name) not in read:  # no cloud read it: behind a blind read, or no provider for it
                judge.blind_to(f"{kind} {name}", "listed in the profile, not returned by any read"
                               + ("" if all_read else " (it may be behind a blind read)"))
    rows, problems = logflow.assess(found, section, time.time())
    judge.find(problems)
    judge.record(logflow.facts(rows, section))
    evidence.json("log stores judged (counts only; lines are never attached)", rows)
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(problems)} log flow problem(s) on profile {profile.name} (window {section.window_min} min, "
                   f"error share at most {section.max_error_share:.0%})")
