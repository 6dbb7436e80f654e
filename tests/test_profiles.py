"""Bad profiles and options: one clear message naming the file, the field and what was expected; no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from golive.profile import ProfileError, load_profile
from golive.profile.load import PROFILES_DIR

ROOT = Path(__file__).resolve().parents[1]
GOOD = {"name": "bad", "runbooks": ["000"], "items": {"HEALTH": {"endpoints": [
    {"name": "api", "url": "https://127.0.0.1:1/health"}]}}}


def _with(**changes):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("__")
        for key in parents:
            node = node[key] if not key.isdigit() else node[int(key)]
        node[last if not last.isdigit() else int(last)] = value
    return data


BAD = {
    "unknown-key": (_with(colour="blue"), "colour: unknown key"),
    "wrong-type": (_with(items__HEALTH__timeout_s="fast"), "items.HEALTH.timeout_s: expected input should be a valid number"),
    "missing-field": ({k: v for k, v in GOOD.items() if k != "runbooks"}, "runbooks: required field is missing"),
    "impossible-value": (_with(items__HEALTH__timeout_s=-1), "items.HEALTH.timeout_s: expected input should be greater than 0"),
    "bad-url": (_with(items__HEALTH__endpoints=[{"name": "api", "url": "not a url"}]),
                "items.HEALTH.endpoints[0].url: expected"),
    "unknown-runbook": (_with(runbooks=["009"]), "runbooks[0]: expected input should be '000'"),
    "waiver-unknown-item": (_with(waivers=[{"item": "COFFEE", "reason": "none", "ticket": "CHG1", "expires": "2030-01-01"}]),
                            "waivers[0]: expected value error, waiver names unknown checklist item 'COFFEE'"),
    "waiver-bad-date": (_with(waivers=[{"item": "HEALTH", "reason": "none", "ticket": "CHG1", "expires": "soon"}]),
                        "waivers[0].expires: expected input should be a valid date"),
    "unknown-item": (_with(items={"HEALTH": GOOD["items"]["HEALTH"], "COFFEE": {}}), "items.COFFEE: unknown key"),
    "unknown-contract": (_with(items__HEALTH__endpoints=[{"name": "a", "url": "https://x/", "contract": "vibes"}]),
                         "items.HEALTH.endpoints[0].contract: expected input should be"),
    "not-applicable-without-reason": (_with(items={"HEALTH": {"not_applicable": ""}}),
                                      "items.HEALTH.not_applicable: expected string should have at least 3"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_profile_is_one_message_naming_file_and_field(tmp_path, case):
    data, expected = BAD[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(str(path))
    message = str(err.value)
    assert message.startswith(f"{path}: "), message
    assert expected in message, message
    assert "\n" not in message


def test_not_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nitems: [unclosed\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"broken.yaml: line \d+: not valid YAML"):
        load_profile(str(path))


def test_unknown_profile_name_lists_the_known_ones():
    with pytest.raises(ProfileError, match="no profile named 'nope'.*known profiles: .*local"):
        load_profile("nope")


def test_unset_environment_variable_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("GOLIVE_NOT_SET", raising=False)
    path = tmp_path / "env.yaml"
    path.write_text(yaml.safe_dump(_with(description="${GOLIVE_NOT_SET}")), encoding="utf-8")
    with pytest.raises(ProfileError, match="description: environment variable GOLIVE_NOT_SET is not set"):
        load_profile(str(path))


@pytest.mark.parametrize("name", sorted(p.stem for p in PROFILES_DIR.glob("*.yaml")))
def test_every_shipped_profile_is_valid(name):
    assert load_profile(name).profile.name == name


def _pytest(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-m", "production", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("case", ["unknown-key", "wrong-type", "missing-field", "impossible-value",
                                  "waiver-unknown-item", "unknown-item"])
def test_gate_exits_non_zero_with_one_message_and_no_traceback(tmp_path, case):
    data, expected = BAD[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = _pytest(f"--profile={path}", f"--alluredir={tmp_path / 'a'}", f"--junitxml={tmp_path / 'j.xml'}")
    assert done.returncode == 4, done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1 and expected in errors[0], done.stderr
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize(("args", "expected"), [
    (("--change-ticket", "drop table;"), "--change-ticket 'drop table;': expected a ticket ID"),
    (("--profile", "nope"), "no profile named 'nope'"),
    (("--frobnicate",), "unrecognized arguments: --frobnicate"),
    (("--profile", "/etc/hostname"), "write the option with '=': --profile=PATH"),
    (("-m", "produciton"), "unknown marker 'produciton'"),
])
def test_bad_options_exit_non_zero_with_a_clear_message(tmp_path, args, expected):
    done = _pytest(f"--alluredir={tmp_path / 'a'}", *args)
    assert done.returncode != 0
    assert expected in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


# --- hostile files (issue 14): one message, exit 4, well under a second -----------------------------------
HOSTILE = {
    "duplicate-item": ("name: x\nrunbooks: ['000']\nitems:\n"
                       "  HEALTH: {endpoints: []}\n  HEALTH: {not_applicable: switched off}\n",
                       "line 5: key 'HEALTH' appears twice (lines 4 and 5)"),
    "duplicate-top": ("name: x\nrunbooks: ['000']\nname: y\nitems: {}\n", "line 3: key 'name' appears twice"),
    "duplicate-deep": ("name: x\nrunbooks: ['000']\nitems:\n  HEALTH:\n    endpoints:\n      - name: a\n"
                       "        url: https://a/health\n        url: https://b/health\n",
                       "line 8: key 'url' appears twice (lines 7 and 8)"),
    "impossible-date": ("name: x\nrunbooks: ['000']\nwaivers:\n  - {item: HEALTH, reason: r, ticket: CHG-1, "
                        "expires: 2030-02-30}\nitems: {}\n", "line 4: not valid YAML ('2030-02-30' is not a real date"),
    "alias-bomb": ("name: x\nrunbooks: ['000']\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
                   + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
                   + "items: {}\n", "expands to"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_profile_text_is_one_message(tmp_path, case):
    text, expected = HOSTILE[case]
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    assert expected in str(caught.value) and str(path) in str(caught.value)


@pytest.mark.parametrize("content, expected", [
    ("name: x\n".encode("utf-16"), r"not UTF-8 text \(it looks like UTF-16\)"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe", "not UTF-8 text"),
    (b"name: x\x00\x00\n", "NUL bytes"),
], ids=["utf-16", "binary", "nul"])
def test_a_profile_that_is_not_utf8_text_is_one_message(tmp_path, content, expected):
    path = tmp_path / "p.yaml"
    path.write_bytes(content)
    with pytest.raises(ProfileError, match=expected):
        load_profile(str(path))


def test_the_gate_refuses_a_duplicate_key_that_would_switch_a_check_off(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(HOSTILE["duplicate-item"][0], encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-m", "production", f"--profile={path}", "checks/",
                          "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 4 and "appears twice" in run.stderr + run.stdout, run.stdout[-2000:] + run.stderr
    assert "Traceback" not in run.stderr + run.stdout


@pytest.mark.parametrize(("changes", "expected"), [
    ({"items__HEALTH__timeout_s": 1e9}, "items.HEALTH.timeout_s: expected input should be less than or equal to"),
    ({"items__LATENCY-P95": {"p95_ms": 1_000_000_000, "endpoints": [{"name": "a", "url": "https://a/"}]}},
     "items.LATENCY-P95.p95_ms: expected input should be less than or equal to 60000"),
    ({"items__LOG-RETENTION": {"min_days": 1e9}}, "items.LOG-RETENTION.min_days: expected input should be less than "
                                                  "or equal to 3650"),
    ({"waivers": [{"item": "HEALTH", "reason": "forever", "ticket": "CHG-1", "expires": "9999-12-31"}]},
     "a waiver lasts at most 366 days"),
], ids=["timeout", "p95", "retention", "waiver-forever"])
def test_impossible_numbers_and_dates_name_the_bound(tmp_path, changes, expected):
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(_with(**changes)), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    assert expected in str(caught.value), str(caught.value)
