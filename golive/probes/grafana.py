"""DASHBOARDS through Grafana's HTTP API (runbook 000 line 606, runbook 003 "Dashboards"): read-only GETs.

``GET /api/search?type=dash-db`` lists the dashboards (uid, title); ``GET /api/dashboards/uid/<uid>`` answers
``{"meta": ..., "dashboard": {"panels": [...]}}``. ``queries(dashboard)`` gathers every panel's targets (rows'
nested panels and the legacy ``rows`` layout included). A call that fails or is refused is could-not-observe.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from golive.probes.http import describe_error
from golive.verdict import CouldNotObserve

SEARCH_LIMIT = 5000  # Grafana's own maximum per search page


def _get(http: httpx.Client, base: str, path: str, token: str, what: str, params: dict | None = None) -> Any:
    url = base.rstrip("/") + path
    try:
        response = http.get(url, params=params, headers={"Authorization": f"Bearer {token}",
                                                         "Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise CouldNotObserve(f"Grafana API {what}", describe_error(exc)) from None
    if response.status_code in (401, 403):
        raise CouldNotObserve(f"Grafana API {what}", f"answered HTTP {response.status_code}: the token is not "
                                                     "accepted or lacks dashboards:read (give it the Viewer role)")
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise CouldNotObserve(f"Grafana API {what}", f"answered HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise CouldNotObserve(f"Grafana API {what}", "the answer is not JSON") from None


def search(http: httpx.Client, base: str, token: str) -> list[dict[str, Any]]:
    """Every dashboard Grafana lists (hits with uid and title)."""
    found = _get(http, base, "/api/search", token, "search", {"type": "dash-db", "limit": SEARCH_LIMIT})
    if not isinstance(found, list):
        raise CouldNotObserve("Grafana API search", "the answer is not a list of dashboards")
    return [hit for hit in found if isinstance(hit, dict)]


def dashboard(http: httpx.Client, base: str, token: str, uid: str) -> dict[str, Any] | None:
    """The dashboard model of ``uid``; None when Grafana answers 404."""
    found = _get(http, base, f"/api/dashboards/uid/{quote(uid, safe='')}", token, f"dashboard {uid}")
    if found is None:
        return None
    if not isinstance(found, dict) or not isinstance(found.get("dashboard"), dict):
        raise CouldNotObserve(f"Grafana API dashboard {uid}", "the answer has no 'dashboard' object")
    return found["dashboard"]


def queries(model: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel target of a dashboard model: top-level panels, panels nested in (collapsed) rows, and the
    pre-5.0 ``rows[].panels`` layout."""
    panels = list(model.get("panels") or [])
    for row in model.get("rows") or []:
        panels += row.get("panels") or [] if isinstance(row, dict) else []
    targets: list[dict[str, Any]] = []
    while panels:
        panel = panels.pop()
        if not isinstance(panel, dict):
            continue
        panels += panel.get("panels") or []
        targets += [t for t in panel.get("targets") or [] if isinstance(t, dict)]
    return targets
