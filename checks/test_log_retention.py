"""LOG-RETENTION: the log groups and workspaces the profile names keep logs at least 30 days.

Runbook 002 lines 314-315: CloudWatch Logs and Log Analytics with 30-day retention (runbook 000 lines 719/727).
A log group that never expires fails unless the profile allows it.
"""

from dataclasses import replace

from golive import monitoring
from golive.compare.targets import named, spot


def test_logs_are_kept_long_enough(section, profile, providers, evidence, judge):
    clouds = ({"aws"} if section.log_groups or section.log_group_prefixes else set()) | (
        {"azure"} if section.workspaces else set())
    found = judge.saw(monitoring.records_from(providers, "log_retentions", clouds, "LOG-RETENTION"))
    judged, problems = [], []
    for where, here, mine in monitoring.retention_targets(section, found):  # per target (issue 18)
        seen, found_here, unseen = monitoring.retention_verdict(here, mine, all_read=not mine.blind)
        judged += seen
        problems += [named(where, p) for p in found_here]
        judge.blind.extend(spot(where, b) for b in unseen)
        judge.record([replace(f, resource=named(where, f.resource)) for f in monitoring.retention_facts(here, seen)])
    judge.find(problems)
    evidence.json("log stores judged", judged)
    evidence.text("log stores read", f"{len(found)} log groups/workspaces read; {len(judged)} named by the profile")
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(problems)} log retention problem(s) on profile {profile.name} "
                   f"(at least {section.min_days} days)")
