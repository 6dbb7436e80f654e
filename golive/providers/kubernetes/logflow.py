"""LOGS-FLOWING on Kubernetes: the newest lines of each namespace's pods (runbook 004 step 5.4, ``kubectl logs
deployment/auth-service -n production --tail=100``).

Per namespace: its Running pods (at most ``MAX_PODS``, by name), each container's
``read_namespaced_pod_log(tail_lines=max_events, timestamps=True, limit_bytes=MAX_BYTES)``; each line's RFC 3339
timestamp prefix dates it. One pod whose log cannot be read is a blind spot, the namespace's other pods still count.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from golive.providers.kubernetes import provides
from golive.providers.records_logs import LogFlow
from golive.verdict import Records, each

MAX_PODS = 20
MAX_BYTES = 256 * 1024
SOURCE = "Pod (Running) -> GET pods/{name}/log?tailLines=N&timestamps=true (RFC 3339 prefix of each line)"


@provides
def log_flows(kube: Any, namespaces: tuple[str, ...] = (), window_s: float = 900, max_events: int = 200,
              **_: Any) -> Records:
    return each(namespaces, lambda ns: _namespace(kube, ns, time.time() - window_s, max_events))


def _namespace(kube: Any, ns: str, since: float, max_events: int) -> Records:
    pods = sorted((p for p in kube.pods(ns) if (p.status.phase if p.status else None) == "Running"),
                  key=lambda p: p.metadata.name)[:MAX_PODS]
    targets = [(p.metadata.name, c.name) for p in pods for c in p.spec.containers or []]
    lines = each(targets, lambda t: _lines(kube, ns, t[0], t[1], max_events))
    stamps = [t for t, _ in lines]
    flow = LogFlow("kubernetes", "namespace", ns, max(stamps, default=None),
                   lines=tuple(m for t, m in sorted(lines) if t >= since),
                   bounds=f"{len(pods)} Running pods (at most {MAX_PODS}) x last {max_events} lines "
                          f"(at most {MAX_BYTES // 1024} KiB) per container", source=SOURCE)
    return Records([flow], blind=lines.blind)


def _lines(kube: Any, ns: str, pod: str, container: str, max_events: int) -> list[tuple[float, str]]:
    text = kube.read.call("CoreV1Api", "read_namespaced_pod_log", name=pod, namespace=ns, container=container,
                          tail_lines=max_events, timestamps=True, limit_bytes=MAX_BYTES)
    out = []
    for line in (text or "").splitlines():
        stamp, _, message = line.partition(" ")
        when = parse_time(stamp)
        if when is not None:
            out.append((when, message))
    return out


def parse_time(stamp: str) -> float | None:
    """Epoch seconds of the kubelet's RFC 3339 (nanosecond) prefix ``2026-12-02T03:15:08.123456789Z``."""
    head, _, frac = stamp.rstrip("Z").partition(".")
    try:
        when = dt.datetime.fromisoformat(head).replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    return when.timestamp() + (float(f"0.{frac[:6]}") if frac.isdigit() else 0.0)
