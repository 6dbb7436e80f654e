"""ROLLOUT: rollouts compared with the profile (runbook 004 step 5, runbook 003's rollout status), pure.

``assess(rollouts, section, release)`` -> (evidence rows, findings, blind spots). A workload is rolled out when
updated = ready = available = desired (ECS: PRIMARY deployment COMPLETED, running = desired; App Service: state
Running), no replica is unready, waiting (CrashLoopBackOff...) or restarted more than the profile allows, every
replica runs one version of each container, and that version is the release. A field the API did not return
(``Rollout.unknown``, a pod without a Ready condition, an image without a tag) is a blind spot, never a pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from golive.profile.items.rollout import RolloutSection
from golive.providers.records_rollout import PodState, Rollout
from golive.verdict import BlindSpot, Fact

RUNBOOK = "runbook 004 step 5"
DONE = {"ECS service": "COMPLETED", "App Service": "Running"}


def version_of(image: str) -> str | None:
    """The tag of an image reference ('repo/x:1.2.3' -> '1.2.3', 'v1.2.3' -> '1.2.3'); None when untagged."""
    name = image.split("@", 1)[0]
    repo, _, tag = name.rpartition(":")
    if not repo or "/" in tag:
        return None
    return tag.removeprefix("v") or None


def label(rec: Rollout) -> str:
    """"kind name", prefixed with its target when the profile names several (issue 18)."""
    return f"{rec.where}: {rec.kind} {rec.name}" if rec.where else f"{rec.kind} {rec.name}"


def assess(rollouts: Iterable[Rollout], section: RolloutSection, release: str | None = None
           ) -> tuple[list[dict[str, Any]], list[str], list[BlindSpot]]:
    rows, problems, blind = [], [], []
    for rec in rollouts:
        expected = section.expected(rec.name, rec.scope, release, rec.where)
        found, unseen, versions = _judge(rec, section, expected)
        problems += found
        blind += [BlindSpot(what if not rec.where or what.startswith(f"{rec.where}:") else f"{rec.where}: {what}",
                            "not returned by the API, so not judged") for what in (*rec.unknown, *unseen)]
        rows.append({"workload": label(rec), "desired": rec.desired, "updated": rec.updated, "ready": rec.ready,
                     "available": rec.available, "state": rec.state, "replicas seen": len(rec.pods),
                     "versions": versions, "release expected": expected or "(none given: only 'every replica the "
                                                                            "same' judged)",
                     "findings": found, "source": rec.source})
    return rows, problems, blind


def _judge(rec: Rollout, section: RolloutSection, expected: str | None
           ) -> tuple[list[str], list[str], dict[str, dict[str, list[str]]]]:
    problems, unseen = _counts(rec) + _state(rec), []
    for pod in rec.pods:
        found, missing = _pod(rec, pod, section.max_restarts)
        problems += found
        unseen += missing
    versions = _versions(rec, section.ignore_containers)
    for container, by_version in versions.items():
        known = {v: where for v, where in by_version.items() if v is not None}
        if None in by_version:
            unseen.append(f"{label(rec)} container {container}: image without a tag "
                          f"({', '.join(by_version[None])}), its version is unknown")
        problems += _off_release({v: _where(w) for v, w in known.items()}, expected,
                                 f"{label(rec)}: replicas run different versions of {container}",
                                 f"{label(rec)}: {container} runs", "everywhere after the rollout")
    return problems, unseen, {c: {str(v): w for v, w in by.items()} for c, by in versions.items()}


def _off_release(found: dict[str, str], expected: str | None, mixed: str, runs: str, after: str) -> list[str]:
    """Every replica on one version, the release: ``found`` is version -> where it was seen (in words)."""
    out = []
    if len(found) > 1:
        out.append(f"{mixed}: " + "; ".join(f"{v} ({w})" for v, w in sorted(found.items()))
                   + f" — {RUNBOOK} expects every replica on the release")
    wrong = sorted(v for v in found if expected is not None and v != expected)
    if wrong:
        out.append(f"{runs} {', '.join(wrong)}; the release is {expected} "
                   f"(runbook 004: \"version\": \"1.2.3\" {after})")
    return out


def _where(places: list[str]) -> str:
    return ", ".join(places) if len(places) <= 2 else f"{len(places)} replicas"


def _counts(rec: Rollout) -> list[str]:
    if not rec.counted or rec.desired is None:
        return []
    out = []
    for what, seen in (("updated", rec.updated), ("ready", rec.ready), ("available", rec.available)):
        if seen is not None and seen != rec.desired:
            noun = "running" if rec.kind == "ECS service" and what == "ready" else what
            noun = "running the PRIMARY deployment" if rec.kind == "ECS service" and what == "updated" else noun
            out.append(f"{label(rec)}: {seen} of {rec.desired} replicas {noun}; {RUNBOOK} expects every replica "
                       f"{noun} (rollout complete)")
    if rec.settled is False:
        out.append(f"{label(rec)}: the controller has not observed the newest spec yet (status.observedGeneration "
                   f"< metadata.generation): the rollout has not finished")
    return out


def _state(rec: Rollout) -> list[str]:
    done = DONE.get(rec.kind)
    if done is None or rec.state is None or rec.state == done:
        return []
    what = "PRIMARY deployment rolloutState" if rec.kind == "ECS service" else "state"
    return [f"{label(rec)}: {what} is {rec.state}; {RUNBOOK} expects {done}"]


def _pod(rec: Rollout, pod: PodState, max_restarts: int) -> tuple[list[str], list[str]]:
    if rec.kind == "ECS service":  # deployments, not pods: their counts are judged above
        return [], []
    problems = [f"{label(rec)} pod {pod.name}: container {w}" for w in pod.waiting]
    if pod.ready is False:
        problems.append(f"{label(rec)} pod {pod.name}: not Ready; {RUNBOOK} expects every pod 1/1 Running")
    if pod.restarts is not None and pod.restarts > max_restarts:
        problems.append(f"{label(rec)} pod {pod.name}: restarted {pod.restarts} times; {RUNBOOK} expects "
                        f"{max_restarts} (profile max_restarts)")
    unseen = [f"{label(rec)} pod {pod.name} condition Ready"] if pod.ready is None else []
    return problems, unseen


def _versions(rec: Rollout, ignore: list[str]) -> dict[str, dict[str | None, list[str]]]:
    """container -> version -> where it runs (the spec, each pod or live deployment)."""
    found: dict[str, dict[str | None, list[str]]] = defaultdict(lambda: defaultdict(list))
    sources = [(p.name, p.images) for p in rec.pods if p.images] or [("spec", rec.images)]
    if rec.pods and rec.images and rec.kind != "ECS service":
        sources.append(("pod template", rec.images))
    for where, images in sources:
        for container, image in images:
            if container not in ignore:
                found[container][version_of(image)].append(where)
    return {c: dict(by) for c, by in found.items()}


def facts(rows: list[dict[str, Any]]) -> list[Fact]:
    """ROLLOUT drift, from ``assess``'s rows: per workload its replica counts, state, the versions each container
    runs (never pod names: they change with every rollout) against the release, and whether it is rolled out."""
    out: list[Fact] = []
    for row in rows:
        where, held = row["workload"], not row["findings"]
        out += [Fact(where, name, row[name]) for name in ("desired", "updated", "ready", "available", "state")]
        out.append(Fact(where, "versions", {c: sorted(by) for c, by in sorted(row["versions"].items())},
                        row["release expected"], held))
        out.append(Fact(where, "rolled out", held, True, held))
    return out


def version_at(body: Any, path: str) -> str | None:
    """The version a health body names at the dotted ``path`` ('version', 'build.version'), without a leading
    'v'; None when the body is not JSON or does not carry a non-empty string or number there."""
    for key in path.split("."):
        if not isinstance(body, dict) or key not in body:
            return None
        body = body[key]
    if isinstance(body, bool) or not isinstance(body, str | int | float):
        return None
    return str(body).removeprefix("v") or None


def health_versions(name: str, field: str, answers: list[tuple[int, Any]], expected: str | None
                    ) -> tuple[dict[str, Any], list[str], list[str]]:
    """ROLLOUT, runbook 004 step 5 ``"version": "1.2.3"``: the versions one health endpoint's answers name
    (``answers``: (HTTP status, 0 when timed out; parsed JSON body)) -> (evidence row, findings, unseen). Every
    answer (each maybe another replica) must name one version, the release; an answer without the field (an
    error status, a body that is not JSON, the field absent) is unseen, never a pass."""
    seen: dict[str, int] = defaultdict(int)
    without: list[str] = []
    for status, body in answers:
        version = version_at(body, field) if status == 200 else None
        if version is not None:
            seen[version] += 1
        else:
            without.append("timed out" if status == 0 else f"HTTP {status}" if status != 200 else
                           "no such field" if isinstance(body, dict) else "body not JSON")
    count = len(answers)
    problems = _off_release({v: f"{n} of {count}" for v, n in seen.items()}, expected,
                            f"{name} health: answers name different versions ({field})",
                            f"{name} health body says {field}", "in /v1/health after the rollout")
    unseen = [f"{name} health body field {field!r}: not carried by {len(without)} of {count} answers "
              f"({', '.join(sorted(set(without)))})"] if without else []
    row = {"health endpoint": name, "field": field, "answers": count, "versions": dict(sorted(seen.items())),
           "without a version": without, "release expected": expected or "(none given: only 'every replica the "
                                                                          "same' judged)", "findings": problems}
    return row, problems, unseen


def health_facts(row: dict[str, Any]) -> list[Fact]:
    """ROLLOUT drift of one health endpoint (by the profile's name, never its URL): the versions its answers
    named against the release, and whether every answer named it."""
    held = not row["findings"] and not row["without a version"]
    return [Fact(row["health endpoint"], "health versions", sorted(row["versions"]), row["release expected"], held)]
