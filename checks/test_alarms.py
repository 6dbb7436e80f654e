"""ALARMS: every alarm the runbook lists exists on its metric and resource, is no looser than the runbook, and
notifies someone (SNS topic with a confirmed subscription, action group with a receiver, Alertmanager route).

Runbook 000 lines 689-697 (CPU > 70 % for 5 minutes, memory > 80 %, DB connections > 80 % of max, disk > 85 %,
5xx > 10 in 5 minutes, health check and backup failures), 003 lines 173-181 (critical alerts), 004 line 416
(roll back when the error rate is > 5 %). Alarms firing now are shown as evidence and a warning.
"""

import warnings
from dataclasses import replace

from golive import monitoring
from golive.compare.targets import named, spot


def test_runbook_alarms_exist_match_and_notify_someone(section, profile, providers, evidence, judge):
    clouds = {a.cloud for a in section.alarms}
    rules = judge.saw(monitoring.records_from(providers, "alarm_rules", clouds, "ALARMS"))
    notify = judge.saw(monitoring.records_from(providers, "alarm_actions", clouds, "ALARMS"))
    evidence.json("alarms observed", rules)
    evidence.json("notification targets observed", list(monitoring.action_map(notify).values()))
    judged, problems = [], []
    for where, expected, mine, theirs in monitoring.alarm_targets(section.alarms, rules, notify):
        actions = monitoring.action_map(theirs)  # per target (issue 18): its alarms, its notification targets
        rule, found, unseen = monitoring.alarm_verdict(expected, mine, actions, section, all_read=not mine.blind,
                                                       actions_read=not theirs.blind)
        found, unseen = [named(where, f) for f in found], [spot(where, b) for b in unseen]
        judged.append({"expected": expected.model_dump(mode="json"), "alarm": rule.name if rule else None,
                       "problems": found, "not observed": [str(b) for b in unseen], **({"target": where} if where
                                                                                     else {})})
        problems += found
        judge.blind.extend(unseen)
        judge.record([replace(f, resource=named(where, f.resource))
                      for f in monitoring.alarm_facts(expected, rule, mine, actions, section)])
    evidence.json("runbook alarms judged", judged)
    firing = monitoring.firing(rules)
    evidence.text("alarms in ALARM state now", "\n".join(firing) or "none")
    if firing and not section.fail_when_firing:
        warnings.warn(f"ALARMS on {profile.name}: {len(firing)} alarm(s) firing now: {'; '.join(firing)}",
                      UserWarning, stacklevel=1)
    elif firing:
        problems += [f"{f} (the profile fails the item on a firing alarm)" for f in firing]
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.find(problems)
    judge.conclude(f"{len(problems)} alarm problem(s) on profile {profile.name} "
                   f"({len(section.alarms)} runbook alarms, {len(rules)} alarms read)")
