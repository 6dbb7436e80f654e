"""PrometheusRule alerting rules as ALARMS records: the PromQL parsed (promql-parser), never string-matched.

A rule ``<expr> <op> <number>`` gives comparison and threshold (a number on the left flips the operator);
the metrics and equality label matchers of every selector give metrics and dimensions; the longest range
(``rate(x[5m])``) the period; ``for:`` the window.
"""

from __future__ import annotations

import re
from typing import Any

import promql_parser

from golive.providers.kubernetes import provides
from golive.providers.records_monitoring import AlarmRule
from golive.verdict import Records, each

_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")


def duration_s(text: str | None) -> int:
    """A Prometheus duration (``5m``, ``1h30m``) in seconds; absent is 0 (fires at the first evaluation)."""
    if not text:
        return 0
    parts = _DURATION.findall(str(text))
    if not parts or "".join(n + u for n, u in parts) != str(text):
        raise ValueError(f"not a Prometheus duration: {text!r}")
    return int(sum(int(n) * _UNITS[u] for n, u in parts))


def _walk(node: Any) -> Any:
    yield node
    for attr in ("lhs", "rhs", "expr", "vector_selector", "param"):
        child = getattr(node, attr, None)
        if child is not None and not isinstance(child, str | int | float):
            yield from _walk(child)
    for arg in getattr(node, "args", None) or []:
        yield from _walk(arg)


def _comparison(expr: Any) -> tuple[str | None, float | None]:
    while isinstance(expr, promql_parser.ParenExpr):
        expr = expr.expr
    if not isinstance(expr, promql_parser.BinaryExpr):
        return None, None
    op = str(expr.op)
    if op not in _FLIP:
        return None, None
    if isinstance(expr.rhs, promql_parser.NumberLiteral):
        return op, float(expr.rhs.val)
    if isinstance(expr.lhs, promql_parser.NumberLiteral):
        return _FLIP[op], float(expr.lhs.val)
    return None, None


def parse_rule(rule: dict[str, Any], namespace: str, source: str) -> AlarmRule:
    """One ``alert:`` rule of a PrometheusRule as an AlarmRule (threshold None when the expr is not ``x op n``)."""
    text = str(rule.get("expr", ""))
    expr = promql_parser.parse(text)
    comparison, threshold = _comparison(expr)
    metrics: list[str] = []
    dimensions: dict[str, set[str]] = {}
    ranges: list[int] = []
    for node in _walk(expr):
        if isinstance(node, promql_parser.MatrixSelector):
            ranges.append(int(node.range.total_seconds()))
        if isinstance(node, promql_parser.VectorSelector):
            if node.name and node.name not in metrics:
                metrics.append(node.name)
            for m in node.matchers.matchers:
                if str(m.op).endswith("Equal") and not str(m.op).endswith("NotEqual") and m.name != "__name__":
                    dimensions.setdefault(m.name, set()).add(m.value)
    window = duration_s(rule.get("for"))
    return AlarmRule(
        cloud="kubernetes", kind="prometheus-rule", name=str(rule["alert"]), metrics=tuple(metrics),
        resources=(namespace,), dimensions={k: "|".join(sorted(v)) for k, v in dimensions.items()},
        comparison=comparison, threshold=threshold, period_s=max(ranges) if ranges else None, window_s=window,
        window_field=f"for: {rule.get('for') or '(none)'}", labels=dict(rule.get("labels") or {}),
        expression=" ".join(text.split()), source=source)


@provides
def alarm_rules(kube: Any) -> Records:
    """Every PrometheusRule alert, namespace by namespace: a namespace that cannot be read is a blind spot."""
    return each(kube.namespaces, lambda namespace: _rules_in(kube, namespace))


def _rules_in(kube: Any, namespace: str) -> list[AlarmRule]:
    out: list[AlarmRule] = []
    for obj in kube.prometheus_rules(namespace):
        meta = obj.get("metadata") or {}
        where = f"PrometheusRule {meta.get('namespace')}/{meta.get('name')}"
        for group in (obj.get("spec") or {}).get("groups") or []:
            for rule in group.get("rules") or []:
                if "alert" not in rule:
                    continue  # recording rules do not alert
                try:
                    out.append(parse_rule(rule, meta.get("namespace", ""), f"{where} group {group.get('name')}"))
                except (ValueError, TypeError) as exc:  # promql_parser raises ValueError on bad PromQL
                    out.append(AlarmRule(cloud="kubernetes", kind="prometheus-rule", name=str(rule["alert"]),
                                         expression=f"unparseable: {exc}", source=where))
    return out
