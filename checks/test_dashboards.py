"""DASHBOARDS: the dashboards the profile names exist and chart the metrics the runbooks list.

Runbook 000 line 606 "Verify dashboards created" (``aws cloudwatch list-dashboards``; Azure Monitor); runbook 003
"Dashboards" (CloudWatch -> Social Platform Production). CloudWatch dashboards' bodies and Azure portal dashboards'
chart parts are read; a dashboard behind a blind read is unseen, not missing. When the profile gives Grafana's HTTP
API, its dashboards are read too (GET only: search, then each dashboard by uid) and their panels' queries must cover
the metrics listed.
"""

from golive.compare import dashboards, targets
from golive.probes import grafana
from golive.probes.http import caps as http_caps
from golive.probes.http import client
from golive.profile.base import NotApplicable


def test_dashboards_exist_and_show_the_metrics(section, profile, providers, evidence, judge):
    found = judge.saw(providers.gather("dashboards"))
    clouds = {cloud for cloud in ("aws", "azure") if providers.of(cloud)}
    rows, every = [], targets.wheres(found)
    for where in every:  # each target's dashboards on their own (issue 18); one target: every record
        here = targets.part(found, where, every)
        mine = {d.cloud for d in here} if where else clouds
        wanted = section.model_copy(update={"dashboards": [
            s for s in targets.entries(section.dashboards, where, every, "name") if s.cloud in mine]}) if where \
            else section
        seen, problems, unseen = dashboards.assess(here, wanted, all_read=not (here.blind if where else judge.blind),
                                                   clouds=mine)
        seen = [{**row, "dashboard": targets.named(where, row["dashboard"])} for row in seen]
        judge.find([targets.named(where, p) for p in problems])
        judge.record(dashboards.facts(seen))
        for what in unseen:
            judge.blind_to(targets.named(where, what), "not returned by the reads that succeeded (it may be behind "
                                                       "a blind read)")
        rows += seen
    rows += _grafana(section.grafana, profile, evidence, judge)
    evidence.json("dashboards judged (metrics charted vs required)", rows)
    evidence.text("dashboards read", ", ".join(f"{d.cloud}:{d.name}" for d in found) or "(none)")
    evidence.json("not observed (blind spots)", [str(b) for b in judge.blind])
    judge.conclude(f"{len(judge.findings)} dashboard problem(s) on profile {profile.name}")


def _grafana(source, profile, evidence, judge):
    """Grafana's dashboards (runbook 003 "Dashboards"): one search, then one GET per dashboard the profile names
    (at most 50); each dashboard judged on its own, a failed read a blind spot."""
    if source is None:
        return []
    if isinstance(source, NotApplicable):
        evidence.text("Grafana dashboards", f"not read: not applicable on {profile.name}: {source.not_applicable}")
        return []
    token = source.token.value()
    if token is None:
        judge.blind_to("Grafana API", f"no API token: set {source.token.describe()} (a Viewer service-account token)")
        return []
    rows = []
    evidence.json("Grafana API calls (read-only GETs)", {"url": str(source.url), **http_caps(source.timeout_s),
                                                         "calls at most": 1 + len(source.dashboards)})
    with client(profile.trust.ca_bundle, source.timeout_s) as http:
        with judge.observing():
            hits = grafana.search(http, str(source.url), token)
            for spec in source.dashboards:
                with judge.observing():
                    uid = dashboards.grafana_uid(spec, hits)
                    model = None if uid is None else grafana.dashboard(http, str(source.url), token, uid)
                    row, problems = dashboards.grafana_assess(spec, None if model is None else grafana.queries(model))
                    rows.append(row)
                    judge.find(problems)
    judge.record(dashboards.facts(rows))
    return rows
