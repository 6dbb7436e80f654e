"""LOG-RETENTION: the log groups and workspaces the profile names keep logs at least 30 days.

Runbook 002 lines 314-315: CloudWatch Logs and Log Analytics with 30-day retention (runbook 000 lines 719/727).
A log group that never expires fails unless the profile allows it.
"""

from golive import monitoring


def test_logs_are_kept_long_enough(section, profile, providers, evidence, judge):
    clouds = ({"aws"} if section.log_groups or section.log_group_prefixes else set()) | (
        {"azure"} if section.workspaces else set())
    found = judge.saw(monitoring.records_from(providers, "log_retentions", clouds, "LOG-RETENTION"))
    judged, problems, unseen = monitoring.retention_verdict(section, found, all_read=not found.blind)
    judge.find(problems)
    judge.blind.extend(unseen)
    judge.record(monitoring.retention_facts(section, judged))
    evidence.json("log stores judged", judged)
    evidence.text("log stores read", f"{len(found)} log groups/workspaces read; {len(judged)} named by the profile")
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(problems)} log retention problem(s) on profile {profile.name} "
                   f"(at least {section.min_days} days)")
