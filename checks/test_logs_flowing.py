"""LOGS-FLOWING: the named log groups, namespaces and Log Analytics workspaces received events in the last
minutes, with few errors.

Runbook 000 line 624 "Verify logs flowing" (``aws logs tail /ecs/silenttalk-production-server``, Log Analytics
``ContainerLog | limit 10``), runbook 004 step 5.4 (``kubectl logs deployment/auth-service -n production
--tail=100``); the error-level share in the window stays under the profile's bound (runbook 004: roll back at an
error rate > 5 %). Reads are bounded per stream, pod and workspace query. With several targets a store may be
addressed to one (``<target>[/<region>]/<name>``); a bare name is judged in the targets where it exists (and named
as missing from every target only when none has it).
"""

import time

from golive.compare import logflow, targets


def test_logs_are_flowing(section, profile, providers, evidence, judge):
    stores = (("log-group", section.log_groups), ("namespace", section.namespaces), ("workspace", section.workspaces))
    found = judge.saw(providers.gather("log_flows", addressed=("log_groups", "namespaces", "workspaces"),
                                       log_groups=tuple(section.log_groups), namespaces=tuple(section.namespaces),
                                       workspaces=tuple(section.workspaces), window_s=section.window_min * 60,
                                       max_events=section.max_events))
    flows, unseen = logflow.where_it_lives(found, dict(stores), found.blind)
    judge.blind.extend(unseen)  # a bare name absent here, maybe present behind another target's failed read
    all_read = not found.blind
    for kind, names in stores:
        for name in names:
            if not any(f.kind == kind and targets.specificity(name, f.name, f.where) is not None for f in flows):
                judge.blind_to(f"{kind} {name}", "listed in the profile, not returned by any read"
                               + ("" if all_read else " (it may be behind a blind read)"))
    rows, problems = logflow.assess(flows, section, time.time())
    judge.find(problems)
    judge.record(logflow.facts(rows, section))
    evidence.json("log stores judged (counts only; lines are never attached)", rows)
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(problems)} log flow problem(s) on profile {profile.name} (window {section.window_min} min, "
                   f"error share at most {section.max_error_share:.0%})")
