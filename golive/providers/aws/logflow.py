"""LOGS-FLOWING on AWS: events CloudWatch Logs received in the window (runbook 000 line 624, ``aws logs tail``).

Per named log group: logs:DescribeLogGroups (does it exist), logs:DescribeLogStreams orderBy LastEventTime
descending (the ``MAX_STREAMS`` newest streams), then logs:GetLogEvents of each from ``now - window`` with
``limit`` = max_events (bounded: at most MAX_STREAMS x max_events events per group). lastEventTimestamp is
updated eventually (AWS: typically within an hour), so the newest event *read* decides, and the stream's
lastEventTimestamp only names the age when nothing was read in the window.
"""

from __future__ import annotations

import time
from typing import Any

from golive.providers.records_logs import LogFlow
from golive.verdict import Records, each

PROVIDES = ("log_flows",)
MAX_STREAMS = 5
SOURCE = ("logs:DescribeLogStreams (orderBy LastEventTime, descending) lastEventTimestamp; logs:GetLogEvents "
          "(startTime = now - window) timestamp, message")


def log_flows(aws: Any, log_groups: tuple[str, ...] = (), window_s: float = 900, max_events: int = 200,
              **_: Any) -> Records:
    """Per log group: one whose streams or events cannot be read is a blind spot, the others still count."""
    if not log_groups:
        return Records()
    known = {g["logGroupName"] for g in aws.read("logs", "DescribeLogGroups").get("logGroups") or []}
    since = time.time() - window_s
    return each(log_groups, lambda group: [_group(aws, group, since, max_events, group in known)])


def _group(aws: Any, group: str, since: float, max_events: int, exists: bool) -> LogFlow:
    bounds = f"{MAX_STREAMS} newest streams x {max_events} events since {time.strftime('%H:%M:%S', time.gmtime(since))} UTC"
    if not exists:
        return LogFlow("aws", "log-group", group, None, exists=False, bounds=bounds, source="logs:DescribeLogGroups")
    streams = aws.read("logs", "DescribeLogStreams", logGroupName=group, orderBy="LastEventTime", descending=True,
                       PaginationConfig={"MaxItems": MAX_STREAMS}).get("logStreams") or []
    events: list[tuple[float, str]] = []
    for stream in streams[:MAX_STREAMS]:
        found = aws.read("logs", "GetLogEvents", logGroupName=group, logStreamName=stream["logStreamName"],
                         startTime=int(since * 1000), limit=max_events, startFromHead=False).get("events") or []
        events += [(e["timestamp"] / 1000, e.get("message") or "") for e in found if e.get("timestamp") is not None]
    stamps = [t for t, _ in events] + [s["lastEventTimestamp"] / 1000 for s in streams if s.get("lastEventTimestamp")]
    return LogFlow("aws", "log-group", group, max(stamps, default=None),
                   lines=tuple(m for t, m in sorted(events) if t >= since), bounds=bounds, source=SOURCE)
