"""LOGS-FLOWING records: what one log store received in the window, the same shape for every cloud.

Providers implement ``log_flows(window_s, max_events) -> list[LogFlow]`` (checks/test_logs_flowing.py):
  AWS (providers/aws/logflow.py): each log group's newest streams (logs:DescribeLogStreams orderBy
      LastEventTime, descending, at most ``MAX_STREAMS``), and in each logs:GetLogEvents from ``now - window``
      with ``limit`` = max_events; ``newest`` is the newest event read, else the streams' lastEventTimestamp.
  Kubernetes (providers/kubernetes/logflow.py): each namespace's Running pods (at most ``MAX_PODS``), each
      pod's ``read_namespaced_pod_log(tail_lines=max_events, timestamps=True)``; the RFC 3339 prefix of each line.
  Azure (providers/azure/logflow.py): each Log Analytics workspace's ContainerLog, one fixed KQL summary query
      (events, error-level events, newest TimeGenerated; bounded time range) through the Log Analytics query API;
      no lines are read, so ``counted`` carries the store's own counts.
Lines stay in memory for the comparison (levels are counted, never attached to evidence: logs may hold secrets).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LogFlow:
    """LOGS-FLOWING: one log group / namespace and the events it received.

    kind: log-group | namespace | workspace; newest: epoch seconds of the newest event seen (None: none ever seen)
    lines: the messages of the events inside the window (read with the bounds in ``bounds``)
    counted: (events in the window, error-level events) as the store counted them (Log Analytics), instead of lines
    """

    cloud: str
    kind: str
    name: str
    newest: float | None
    exists: bool = True
    lines: tuple[str, ...] = ()
    bounds: str = ""
    unknown: tuple[str, ...] = ()
    source: str = ""
    counted: tuple[int, int] | None = None
    where: str = ""  # the target it was read in, when the profile names several (issue 18)
