"""`golive discover --merge` (issue 17 bullet 2): after the estate changed, the user's profile takes in the resource
that appeared and marks the one that vanished; every line the user wrote stays byte for byte, an entry the user
removed stays removed, the result passes check-profile, and merging again changes nothing."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

# Imported before any in-process run (see tests/test_check_multi_az.py for why).
import azure.core.pipeline.transport  # noqa: F401
import requests  # noqa: F401

import lab_providers
from golive import discover
from golive.cli import main
from golive.discover_merge import OFFERED, OFFERED_HEAD, VANISHED, merge
from golive.profile.load import load_profile
from golive.profile.model import Providers

RUNBOOKS = ("000", "001", "002", "003", "004")
BILLING = "- {tier: workload, name: production/billing-service, kind: Deployment}"  # estate-changed adds it
ORG = "production/org-service"  # estate-changed removes its Deployment, HPA and PDB


def _kubeconfig(lab, variant: str) -> str:
    return str(lab_providers.kubernetes(lab("kubernetes", variant))["kubernetes"]["kubeconfig"])


def _draft(lab) -> str:
    block = {**lab_providers.aws(lab("aws")), **lab_providers.azure(lab("azure")),
             **lab_providers.kubernetes(lab("kubernetes"))}
    text, writes = discover.discover(Providers.model_validate(block), block, "my-env", RUNBOOKS)
    assert writes == []
    return text


def _edited(text: str) -> str:
    """What a person does to the draft: a changed threshold, a filled DECIDE line, an added comment, a removed entry."""
    out = []
    for line in text.splitlines(keepends=True):
        if "name: production/user-service, kind: Deployment}" in line or "DECIDE: silenttalk-production-postgres " \
                                                                           "shows" in line:
            continue
        if line.startswith("    min_days: 30"):
            line = "    min_days: 45  # we keep 45 days for the audit\n"
        if "name: silenttalk-production-postgres, kind: RDS}" in line:
            line = line.replace("kind: RDS}", 'kind: RDS, min_zones: 2, min_replicas: 2, because: "primary+standby"}')
        if "{resource: production/auth-service," in line:
            out.append("      # owned by the identity team; ask them before changing the capacities\n")
        out.append(line)
    return "".join(out)


def _repoint(text: str, old: str, new: str) -> str:
    """The same cluster, changed: the lab serves the changed estate from another emulator, so the user's kubeconfig
    line points there (a user line too, kept byte for byte by the merge)."""
    assert text.count(old) == 1
    return text.replace(old, new)


def _delta(before: str, after: str) -> tuple[list[str], list[str]]:
    """(lines inserted, lines of ``before`` missing from ``after``), the footer of offered hashes left out."""
    mine = [ln for ln in before.splitlines(keepends=True) if not ln.startswith((OFFERED, OFFERED_HEAD))]
    theirs = [ln for ln in after.splitlines(keepends=True) if not ln.startswith((OFFERED, OFFERED_HEAD))]
    inserted: list[str] = []
    missing: list[str] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, mine, theirs, autojunk=False).get_opcodes():
        if op != "equal":
            missing.extend(mine[a1:a2])
            inserted.extend(theirs[b1:b2])
    return inserted, missing


def _merge(path: Path, capsys: Any) -> str:
    assert main(["discover", "--merge", str(path)]) == 0
    summary = capsys.readouterr().out
    assert load_profile(str(path)).profile.name == "my-env"  # check-profile as merged
    return summary


def test_merge_adds_what_appeared_marks_what_vanished_and_keeps_every_user_line(lab, tmp_path, capsys):
    compliant, changed = _kubeconfig(lab, "compliant"), _kubeconfig(lab, "estate-changed")
    path = tmp_path / "my-env.yaml"
    mine = _repoint(_edited(_draft(lab)), compliant, changed)
    path.write_bytes(mine.encode())

    summary = _merge(path, capsys)
    first = path.read_bytes().decode()
    inserted, missing = _delta(mine, first)
    assert missing == []  # every user line, byte for byte, in its order
    assert [ln.strip().split("  #")[0] for ln in inserted] == [BILLING, VANISHED, VANISHED], inserted
    lines = first.splitlines()
    marked = [lines[i + 1] for i, ln in enumerate(lines) if ln.strip() == VANISHED]
    assert len(marked) == 2 and all(ORG in ln for ln in marked)  # MULTI-AZ workload and AUTOSCALING policy
    assert "production/user-service, kind: Deployment}" not in first  # removed by the user: stays removed
    assert "1 added, 2 marked VANISHED" in summary

    _merge(path, capsys)
    assert path.read_bytes().decode() == first  # merging twice changes nothing

    back = _repoint(first, changed, compliant)  # the estate changes back: billing goes, org-service returns
    path.write_bytes(back.encode())
    summary = _merge(path, capsys)
    second = path.read_bytes().decode()
    inserted, missing = _delta(back, second)
    assert [ln.strip() for ln in inserted] == [VANISHED] and [ln.strip() for ln in missing] == [VANISHED] * 2
    lines = second.splitlines()
    assert [lines[i + 1].strip().split("  #")[0] for i, ln in enumerate(lines) if ln.strip() == VANISHED] == [BILLING]
    assert "0 added, 1 marked VANISHED, 2 back" in summary
    _merge(path, capsys)
    assert path.read_bytes().decode() == second


MINE = ("items:\r\n  LOG-RETENTION:\r\n    min_days: 45  # ours\r\n    log_groups:\r\n      - /ecs/a  # 30 days\r\n"
        "      # kept for the audit\r\n      - /ecs/gone  # 30 days\r\n")
FRESH = "items:\n  LOG-RETENTION:\n    min_days: 30\n    log_groups:\n      - /ecs/a  # 30 days\n      - /ecs/b  # 7 days\n"


def test_merge_keeps_the_users_line_endings_and_marks_nothing_behind_an_unread_part():
    merged = merge(MINE, FRESH)
    assert merged.text.startswith(MINE.replace("      # kept", "      - /ecs/b  # 7 days\r\n      # kept").replace(
        "      - /ecs/gone", f"      {VANISHED}\r\n      - /ecs/gone"))
    assert "\n" not in merged.text.replace("\r\n", "")
    assert merge(merged.text, FRESH).text == merged.text
    blind = merge(MINE, "# NOT READ (1): the draft lacks what these reads would have shown.\n" + FRESH)
    assert VANISHED not in blind.text and blind.vanished == () and len(blind.added) == 1


def test_merge_reads_the_providers_of_the_profile_it_merges_into(capsys, tmp_path):
    assert main(["discover", "--merge", str(tmp_path / "my-env.yaml"), "--provider", "aws"]) == 4
    assert "drop --from/--provider" in capsys.readouterr().err
    assert main(["discover", "--merge", str(tmp_path / "missing.yaml")]) == 4
    assert "missing.yaml" in capsys.readouterr().err


def _estate_draft(groups: tuple[str, ...], copied: bool = False, spaces: tuple[str, ...] = ()) -> str:
    """A draft of an estate whose log groups and workspaces all received events (LOGS-FLOWING) and whose one backup
    plan covers three databases, copying them to another region when ``copied``."""
    from golive.providers.records import BackupSchedule
    from golive.providers.records_logs import LogFlow
    from golive.verdict import Records
    flows = Records([*(LogFlow("aws", "log-group", g, newest=1.0) for g in groups),
                     *(LogFlow("azure", "workspace", w, newest=1.0) for w in spaces)])
    plans = Records([BackupSchedule("plan", "rule", "cron(0 */6 * * ? *)", 30, covers=("db-a", "db-b", "db-c"),
                                    copies_to=("eu-central-1",) if copied else ())])
    estate = discover.Estate(("aws",), {"log_flows": flows, "backup_schedules": plans})
    return discover.render_draft("my-env", estate, discover.Ask(RUNBOOKS), {})


def test_merge_offers_a_name_the_estate_listed_later_and_marks_one_that_went():
    """Lists of names read from the estate (LOGS-FLOWING log_groups here) are block lists, so merge takes them in."""
    mine = _estate_draft(("/ecs/a", "/ecs/gone"))
    assert "log_groups: [" not in mine
    merged = merge(mine, _estate_draft(("/ecs/a", "/ecs/b")))
    assert merged.added == ('LOGS-FLOWING/log_groups "/ecs/b"',), merged
    assert merged.vanished == ('LOGS-FLOWING/log_groups "/ecs/gone"',), merged
    inserted, missing = _delta(mine, merged.text)
    assert missing == [] and [ln.strip() for ln in inserted] == ["- /ecs/b", VANISHED], inserted
    assert merge(merged.text, _estate_draft(("/ecs/a", "/ecs/b"))).text == merged.text


def test_a_profile_drafted_with_flow_lists_merges_and_says_the_list_was_not_merged():
    """A profile drafted before estate lists were written one entry per line keeps its flow list as it is."""
    fresh = _estate_draft(("/ecs/a", "/ecs/b"))
    mine = fresh.replace("    log_groups:", "    log_groups: [/ecs/a]  #", 1)
    mine = "\n".join(ln for ln in mine.splitlines() if not ln.startswith("      - /ecs/")) + "\n"
    assert "log_groups: [/ecs/a]" in mine and "- /ecs/" not in mine
    merged = merge(mine, fresh)
    assert merged.added == () and VANISHED not in merged.text
    said = [n for n in merged.not_merged if n.startswith("LOGS-FLOWING/log_groups")]
    assert len(said) == 1 and "flow style" in said[0], merged.not_merged
    _, missing = _delta(mine, merged.text)
    assert missing == []
    mine = _estate_draft(("/ecs/a",), copied=True).replace("    cross_region:  #", "    cross_region: []  #")
    mine = "\n".join(ln for ln in mine.splitlines() if ln not in ("      - db-a", "      - db-b", "      - db-c")) + "\n"
    merged = merge(mine, _estate_draft(("/ecs/a",), copied=True))
    assert merged.added == () and any(n.startswith("BACKUPS/cross_region") and "is empty ([])" in n
                                      for n in merged.not_merged), merged.not_merged


def test_a_list_the_estate_shows_later_is_inserted_at_the_end_of_its_section(tmp_path):
    """No copy seen, no workspace flowing when drafted; both seen later: merge inserts the two lists, whole."""
    mine = _estate_draft(("/ecs/a",))
    assert "cross_region" not in mine and "workspaces" not in mine
    fresh = _estate_draft(("/ecs/a",), copied=True, spaces=("logs-a",))
    merged = merge(mine, fresh)
    assert merged.not_merged == () and len(merged.added) == 4, merged
    inserted, missing = _delta(mine, merged.text)
    assert missing == [] and [ln.rstrip("\n").split("  #")[0] for ln in inserted] == [
        "    cross_region:", "      - db-a", "      - db-b", "      - db-c", "    workspaces:", "      - logs-a"], inserted
    path = tmp_path / "my-env.yaml"
    path.write_text(merged.text, encoding="utf-8")
    assert load_profile(str(path)).profile.name == "my-env"  # check-profile as merged
    data = discover.profile_data(merged.text)["items"]
    assert data["BACKUPS"]["cross_region"] == ["db-a", "db-b", "db-c"]
    assert data["LOGS-FLOWING"]["workspaces"] == ["logs-a"]
    assert merge(merged.text, fresh).text == merged.text
    removed = merged.text.replace("    workspaces:", "    ignored:", 1).replace("      - logs-a\n", "")
    removed = "\n".join(ln for ln in removed.splitlines() if not ln.startswith("    ignored:")) + "\n"
    assert "workspaces" not in merge(removed, fresh).text  # a list the user removed stays removed
