"""The pytest plugin: options, markers, the profile, fail-closed fixtures, waivers and Allure wiring.

Loaded by the repo's conftest.py. A "gate run" is a run that collects modules under checks/; only then is
the profile loaded, the lab started (profiles with ``lab: true``) and the reports written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import allure
import pytest
from pydantic import BaseModel

import golive
from golive.evidence import Evidence, Redactor, credentials_in_use, secret_values_in, users_in
from golive.profile import LoadedProfile, NotApplicable, ProfileError, SecretRef, load_profile
from golive.registry import ITEMS, Item, item_for_module
from golive.summary import Outcome, RunSummary
from golive.verdict import CouldNotObserve, Judgement
from golive.waivers import waiver_for

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ROOT / "checks"
PROFILE_KEY = pytest.StashKey[LoadedProfile]()
SUMMARY_KEY = pytest.StashKey[RunSummary]()
LAB_KEY = pytest.StashKey[object]()
LAB_ENV_KEY = pytest.StashKey[pytest.MonkeyPatch]()
LAB_START_KEY = pytest.StashKey[tuple]()  # (thread starting the lab, [LabError]) while it starts
CACHE_DIR_KEY = pytest.StashKey[Path]()
REDACTOR_KEY = pytest.StashKey[Redactor]()
SIGNALS_KEY = pytest.StashKey[dict]()
TICKET = re.compile(r"^([A-Z][A-Z0-9]+-\d+|CHG\d+|https?://[^\s]+)$")

CATEGORIES = [
    {"name": "Waived (known non-compliance with a ticket)", "matchedStatuses": ["skipped"],
     "messageRegex": "(?s).*WAIVED.*"},
    {"name": "Not applicable on this environment", "matchedStatuses": ["skipped"],
     "messageRegex": "(?s).*[Nn]ot applicable.*"},
    {"name": "Non-compliant", "matchedStatuses": ["failed"], "messageRegex": "(?s).*NON-COMPLIANT.*"},
    {"name": "Could not observe (fail closed)", "matchedStatuses": ["failed", "broken"],
     "messageRegex": "(?s).*Could not observe.*"},
]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("golive", "golive go-live gate")
    group.addoption("--profile", default="local", help="profile name in profiles/ or path to a YAML file "
                                                       "(default: local, the embedded lab)")
    group.addoption("--change-ticket", default=None, help="change ticket ID (ABC-123, CHG0012345) or URL; "
                                                          "linked on every result")
    group.addoption("--waf-burst", action="store_true", default=False,
                    help="allow the live WAF burst even if the profile does not (it blocks your IP for the window)")
    group.addoption("--with-load", action="store_true", default=False,
                    help="let -m production also run the items marked load (autoscaling under load)")
    group.addoption("--no-lab", action="store_true", default=False,
                    help="do not start the embedded lab even if the profile asks for it")
    group.addoption("--release", default=None, help="the release this change ships (an image tag: 1.2.3); ROLLOUT "
                                                    "checks every workload runs it (overrides the profile's release)")
    group.addoption("--fail-on-drift", action="store_true", default=False,
                    help="exit 7 when anything changed since the previous complete run (reports/history), even if "
                         "every item passed (a breach or blind spot keeps its own status)")


def is_gate_run(config: pytest.Config) -> bool:
    for arg in config.args:
        path = Path(arg.split("::", 1)[0])
        path = (Path(config.invocation_params.dir) / path).resolve()
        if path == CHECKS or CHECKS in path.parents:
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for line in ("production: the go-live gate (every checklist item)",
                 "nightly: the scheduled compliance run",
                 "load: sends load to the target; excluded from production unless the profile or --with-load asks"):
        config.addinivalue_line("markers", line)
    for item in ITEMS:
        config.addinivalue_line("markers", f"{item.marker}: checklist item {item.id}: {item.title}")
    ticket = config.getoption("--change-ticket")
    if ticket is not None and not TICKET.match(ticket):
        raise pytest.UsageError(f"--change-ticket {ticket!r}: expected a ticket ID like ABC-123 or CHG0012345, "
                                f"or an http(s) URL")
    explicit_profile = any(a == "--profile" or a.startswith("--profile=") for a in config.invocation_params.args)
    if not is_gate_run(config):
        if explicit_profile and config.inipath is None:
            raise pytest.UsageError(
                "pytest did not find golive's pytest.ini, so it read the profile path as a test path. Run from the "
                "golive repository and write the option with '=': --profile=PATH (pytest sees a separate path "
                "argument before golive's options are known)")
        return
    _check_mark_expression(config)
    try:
        loaded = load_profile(config.getoption("--profile"))
    except ProfileError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[PROFILE_KEY] = loaded
    if getattr(config.option, "dist", "no") == "load" and not any(
            arg.startswith("--dist") for arg in config.invocation_params.args):
        config.option.dist = "worksteal"  # -n: an idle worker takes queued checks from one busy with a live check
    config.stash[SUMMARY_KEY] = RunSummary(profile=loaded.profile.name, change_ticket=ticket,
                                           waivers=[w.model_dump(mode="json") for w in loaded.profile.waivers])
    if not _is_worker(config):
        config.pluginmanager.register(_Summariser(config.stash[SUMMARY_KEY]), "golive-summariser")
    if _is_worker(config):
        config.stash[CACHE_DIR_KEY] = Path(config.workerinput["golive_cache"])
    else:
        import tempfile
        config.stash[CACHE_DIR_KEY] = Path(tempfile.mkdtemp(prefix="golive-run-"))
    if config.option.collectonly:
        return  # listing what the gate runs writes no report (and cleans none)
    if getattr(config.option, "allure_report_dir", None) is None:
        config.option.allure_report_dir = str(reports_dir(config) / "allure-results")
        config.option.clean_alluredir = True
    if getattr(config.option, "xmlpath", None) is None:
        config.option.xmlpath = str(reports_dir(config) / "junit.xml")
    if not _is_worker(config):  # before Allure cleans its folder and the run replaces summary.json
        from golive import drift
        drift.keep_previous(_summary_path(config), _previous_path(config))


def _previous_path(config: pytest.Config) -> Path:
    """The previous complete run's summary, kept beside the results (reports/history/previous-summary.json)."""
    from golive import drift
    return drift.history(Path(config.option.allure_report_dir).resolve().parent)


def _check_mark_expression(config: pytest.Config) -> None:
    """A misspelt marker (`-m produciton`) would select nothing and look like a quiet run: refuse it."""
    expression = config.option.markexpr or ""
    known = {line.split(":", 1)[0].split("(", 1)[0].strip() for line in config.getini("markers")}
    for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expression):
        if name not in {"and", "or", "not"} and name not in known:
            raise pytest.UsageError(f"-m {expression!r}: unknown marker {name!r}; golive's markers are "
                                    f"production, nightly, load and one per item ({', '.join(i.marker for i in ITEMS)})")


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """xdist: every worker shares the controller's run cache, so a cloud read is made once per run."""
    cache = node.config.stash.get(CACHE_DIR_KEY, None)
    if cache is not None:
        node.workerinput["golive_cache"] = str(cache)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    loaded = config.stash.get(PROFILE_KEY, None)
    if loaded is not None and not _is_worker(config) and not config.option.collectonly:
        _start_run(config, loaded)
    if loaded is not None and loaded.profile.lab and not config.option.collectonly:
        _lab_credentials(config)  # every process of a lab run, whoever started the lab
    if (loaded is None or not loaded.profile.lab or _is_worker(config) or config.option.collectonly
            or config.getoption("--no-lab")):
        return
    from golive.lab import shared  # the lab is started by the runner, never by a check
    from golive.lab.runtime import LabRuntime

    rt = LabRuntime(shared.state_dir())
    if shared.is_up(rt):
        return  # started by `golive lab up`; leave it running
    import threading
    failed: list[Exception] = []

    def start() -> None:
        try:
            shared.up(rt)
        except Exception as exc:  # LabError, or a component's own failure: the gate stops with it
            failed.append(exc)
    # the lab starts while the tests are collected and xdist's workers start; no test runs before it is up
    starting = threading.Thread(target=start, name="golive-lab-start", daemon=True)
    starting.start()
    config.stash[LAB_KEY] = rt
    config.stash[LAB_START_KEY] = (starting, failed)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    """Wait for the embedded lab before the first test is run (or, under xdist, scheduled)."""
    _lab_started(session.config)


def _lab_started(config: pytest.Config) -> None:
    starting, failed = config.stash.get(LAB_START_KEY, (None, []))
    if starting is not None:
        starting.join()
    if failed:
        config.stash[LAB_START_KEY] = (None, [])
        pytest.exit(f"could not start the embedded lab: {failed[0]}", returncode=pytest.ExitCode.USAGE_ERROR)


def reports_dir(config: pytest.Config) -> Path:
    """Where a gate run's reports go by default: $GOLIVE_REPORTS_DIR, else reports/ of the checkout it runs in."""
    return Path(os.environ.get("GOLIVE_REPORTS_DIR") or config.rootpath / "reports").resolve()


def _summary_path(config: pytest.Config) -> Path:
    results = getattr(config.option, "allure_report_dir", None)
    return (Path(results).parent / "summary.json" if results and Path(results).resolve().parent == reports_dir(config)
            else Path(results or ".") / "golive-summary.json")


def _start_run(config: pytest.Config, loaded: LoadedProfile) -> None:
    """summary.json says "running" from the first moment, so a run killed midway never reads as the last verdict;
    SIGTERM is handled like Ctrl-C (the run ends, children stop, the summary says interrupted)."""
    import hashlib
    import uuid
    summary = config.stash[SUMMARY_KEY]
    summary.run_id = uuid.uuid4().hex
    summary.started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    summary.commit = _git_commit()
    summary.profile_file = str(loaded.path)
    summary.profile_sha256 = hashlib.sha256(loaded.path.read_bytes()).hexdigest()
    summary.declared = sorted(str(k) for k in (loaded.raw.get("items") or {}))
    summary.write(_summary_path(config))
    import signal
    import threading
    if threading.current_thread() is threading.main_thread():
        def on_signal(signum: int, frame: object) -> None:
            summary.interrupted_by = summary.interrupted_by or signal.Signals(signum).name
            _interrupt_workers(config)
            raise KeyboardInterrupt(summary.interrupted_by)
        config.stash[SIGNALS_KEY] = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}


def _interrupt_workers(config: pytest.Config) -> None:
    """xdist: pass the interruption to every worker as Ctrl-C would, so each stops its test (and its load) at once
    instead of running on until xdist's teardown kills it."""
    import signal
    dsession = config.pluginmanager.getplugin("dsession")
    group = getattr(getattr(dsession, "nodemanager", None), "group", None)
    for gateway in list(group or ()):
        popen = getattr(getattr(gateway, "_io", None), "popen", None)
        if popen is not None and popen.poll() is None:
            popen.send_signal(signal.SIGINT)


def pytest_unconfigure(config: pytest.Config) -> None:
    import signal
    for sig, previous in config.stash.get(SIGNALS_KEY, {}).items():
        signal.signal(sig, previous)


def _lab_credentials(config: pytest.Config) -> None:
    """A lab profile's Azure credential is the standard chain's managed identity, answered by the lab's ARM
    emulator (IDENTITY_ENDPOINT/IDENTITY_HEADER); set for this run only, never for another profile."""
    from golive.lab.components.azure import identity_environment
    patch = pytest.MonkeyPatch()
    for key, value in identity_environment().items():
        patch.setenv(key, value)
    config.stash[LAB_ENV_KEY] = patch


EXIT_COULD_NOT_OBSERVE = 6


@pytest.hookimpl(tryfirst=True)  # before JUnit writes its file, so it carries the run's state
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    rt = config.stash.get(LAB_KEY, None)
    if rt is not None:
        from golive.lab import shared
        starting = config.stash.get(LAB_START_KEY, (None, []))[0]
        if starting is not None:
            starting.join(timeout=60)  # an interrupted start: let it finish, then stop what it started
        shared.down(rt)
    lab_env = config.stash.get(LAB_ENV_KEY, None)
    if lab_env is not None:
        lab_env.undo()
    summary = config.stash.get(SUMMARY_KEY, None)
    cache_dir = config.stash.get(CACHE_DIR_KEY, None)
    if summary is None or cache_dir is None or _is_worker(config):
        return
    if config.option.collectonly:
        shutil.rmtree(cache_dir, ignore_errors=True)
        return
    interrupted = exitstatus == pytest.ExitCode.INTERRUPTED or summary.interrupted_by
    summary.state = "interrupted" if interrupted else "complete"
    if interrupted:
        summary.interrupted_by = summary.interrupted_by or "SIGINT"
    summary.finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    from _pytest.junitxml import xml_key
    xml = config.stash.get(xml_key, None)  # JUnit says the same
    if xml is not None:
        xml.add_global_property("golive.run.state", summary.state)
        xml.add_global_property("golive.run.id", summary.run_id)
    verdicts = {summary.verdict(item_id) for item_id in summary.results}
    if exitstatus == pytest.ExitCode.TESTS_FAILED and "non-compliant" not in verdicts \
            and "could-not-observe" in verdicts:
        session.exitstatus = EXIT_COULD_NOT_OBSERVE  # blind, not proven non-compliant: a distinct status
    _judge_audit(session, cache_dir / "audit.jsonl")  # a write, however the checks went, fails the run
    shutil.rmtree(cache_dir, ignore_errors=True)
    results = getattr(config.option, "allure_report_dir", None)
    if results:
        _write_allure_extras(Path(results), config)
        _drift(session, summary)
    summary.write(_summary_path(config))


EXIT_DRIFT = 7


def _drift(session: pytest.Session, summary: RunSummary) -> None:
    """What changed since the previous complete run of the same profile (summary.json ``drift``); with
    --fail-on-drift a run that is otherwise clean exits 7 when anything changed."""
    from golive import drift
    try:
        previous = drift.read(_previous_path(session.config))
    except drift.DriftError:
        return
    if previous.get("profile") != summary.profile:
        return
    summary.drift = drift.section(previous, summary.as_dict())
    if (summary.drift["changes"] and session.config.getoption("--fail-on-drift")
            and session.exitstatus == pytest.ExitCode.OK):
        session.exitstatus = EXIT_DRIFT


def _judge_audit(session: pytest.Session, audit_file: Path) -> None:
    """Keep the run's API calls beside the reports and fail the run if any call was not a read."""
    from golive.audit import AuditLog
    calls = AuditLog(audit_file).calls()
    results = getattr(session.config.option, "allure_report_dir", None)
    keep = Path(results).parent / "audit.jsonl" if results else None
    if keep is not None and audit_file.exists():
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.write_text(audit_file.read_text(encoding="utf-8"), encoding="utf-8")
    summary = session.config.stash.get(SUMMARY_KEY, None)
    if summary is not None:
        summary.api_calls = len(calls)
    writes = [c for c in calls if not c.is_read]
    if writes and summary is not None:
        summary.audit_failures = [f"{c.cloud} {c.action}" for c in writes]
    if writes:
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=5).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _write_allure_extras(results: Path, config: pytest.Config) -> None:
    results.mkdir(parents=True, exist_ok=True)
    loaded = config.stash[PROFILE_KEY]
    props = {
        "profile": loaded.profile.name, "profile.file": str(loaded.path), "golive.version": golive.__version__,
        "git.commit": _git_commit(), "run.time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "change.ticket": config.getoption("--change-ticket") or "none",
        "runbooks": ",".join(loaded.profile.runbooks),
        "run.state": config.stash[SUMMARY_KEY].state, "run.id": config.stash[SUMMARY_KEY].run_id,
    }
    redactor = _redactor(config)
    (results / "environment.properties").write_text(
        "".join(f"{k}={redactor.text(str(v))}\n" for k, v in props.items()), encoding="utf-8")
    (results / "categories.json").write_text(json.dumps(CATEGORIES, indent=2), encoding="utf-8")


def _secret_refs(node: object) -> list[SecretRef]:
    """Every SecretRef anywhere in the profile (top-level ``secrets`` and inline in item sections)."""
    if isinstance(node, SecretRef):
        return [node]
    if isinstance(node, BaseModel):
        return [r for name in type(node).model_fields for r in _secret_refs(getattr(node, name))]
    if isinstance(node, dict):
        return [r for value in node.values() for r in _secret_refs(value)]
    if isinstance(node, list | tuple):
        return [r for value in node for r in _secret_refs(value)]
    return []


def _redactor(config: pytest.Config) -> Redactor:
    """The run's redactor, built once on first use (after the lab has written its secrets), then shared by
    the fixture, every report and the Allure extras instead of re-reading the environment and secret files."""
    built = config.stash.get(REDACTOR_KEY, None)
    if built is not None:
        return built
    loaded = config.stash.get(PROFILE_KEY, None)
    if loaded is None:
        config.stash[REDACTOR_KEY] = Redactor(credentials_in_use(os.environ))
        return config.stash[REDACTOR_KEY]
    # secret values, never names: what the references resolve to, the profile's secrets by position, and the
    # credentials the clients use (not every variable whose name merely contains "token")
    aws, kube = loaded.profile.providers.aws, loaded.profile.providers.kubernetes
    secrets = credentials_in_use(os.environ, aws.credentials_file if aws else None, aws.profile if aws else None,
                                 kube.kubeconfig if kube else None)
    secrets += secret_values_in(loaded.raw)
    secrets += [v for ref in _secret_refs(loaded.profile) if (v := ref.value())]
    config.stash[REDACTOR_KEY] = Redactor(secrets, users_in(loaded.raw))
    return config.stash[REDACTOR_KEY]


def _item_of(node: pytest.Item | str) -> Item | None:
    path = node if isinstance(node, str) else str(node.path)
    return item_for_module(path.split("::", 1)[0])


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    loaded = config.stash.get(PROFILE_KEY, None)
    if loaded is None:
        return
    profile = loaded.profile
    today = dt.date.today()
    with_load = profile.load or config.getoption("--with-load")
    for node in items:
        item = _item_of(node)
        if item is None:
            continue
        node.add_marker(getattr(pytest.mark, item.marker))
        node.add_marker(pytest.mark.nightly)
        if node.get_closest_marker("load") is None or with_load:
            node.add_marker(pytest.mark.production)
        status = waiver_for(item.id, profile.waivers, today)
        if status is not None and status.in_force:
            node.add_marker(pytest.mark.xfail(reason=status.describe(), raises=AssertionError, strict=False))


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    config = item.config
    if config.stash.get(PROFILE_KEY, None) is not None and call.excinfo is not None:
        exc = call.excinfo.value
        checklist = _item_of(item)
        if isinstance(exc, AssertionError) and checklist is not None:
            note = f"\nRemediation ({checklist.id}): {checklist.remediation}"
            status = waiver_for(checklist.id, config.stash[PROFILE_KEY].profile.waivers, dt.date.today())
            if status is not None and not status.in_force:
                note += f"\nNote: {status.describe()}"
            exc.args = (f"{exc.args[0] if exc.args else ''}{note}",) + tuple(exc.args[1:])
        if exc.args:
            redactor = _redactor(config)
            exc.args = tuple(redactor.text(a) if isinstance(a, str) else a for a in exc.args)
    outcome = yield
    report = outcome.get_result()
    if config.stash.get(PROFILE_KEY, None) is not None and _item_of(item) is not None:
        blind = call.excinfo is not None and not call.excinfo.errisinstance(AssertionError)
        verdict = _outcome(report, blind)
        if verdict is not None:  # travels with the report, so the xdist controller sees it too
            report.user_properties.append(("golive_outcome", verdict))
            spots = _blind_spots(item, call)
            if spots:
                report.user_properties.append(("golive_blind", spots))
            if call.excinfo is not None and call.excinfo.value.args:  # the message itself, whole and redacted
                report.user_properties.append(("golive_message", str(call.excinfo.value.args[0])))
            judged = getattr(item, "funcargs", {}).get("judge")
            if isinstance(judged, Judgement) and judged.facts and report.when == "call":  # drift: what was judged
                from golive.drift import plain
                report.user_properties.append(("golive_facts", [plain(f, _redactor(config).text)
                                                                for f in judged.facts]))


def _blind_spots(item: pytest.Item, call: pytest.CallInfo) -> list[str]:
    """What the test could not observe: its judgement's blind spots, or the CouldNotObserve that ended it."""
    judged = getattr(item, "funcargs", {}).get("judge")
    spots = [str(b) for b in judged.blind] if isinstance(judged, Judgement) else []
    if call.excinfo is not None and call.excinfo.errisinstance(CouldNotObserve):
        spots += [str(b) for b in call.excinfo.value.blind]
    elif call.excinfo is not None and not call.excinfo.errisinstance((AssertionError, pytest.skip.Exception)):
        spots.append(f"{item.name}: {call.excinfo.typename}: {call.excinfo.value}")
    redactor = _redactor(item.config)
    return [redactor.text(s) for s in dict.fromkeys(spots)]


class _Summariser:
    """Collects the verdicts where the run is summarised: in-process, or on the xdist controller."""

    def __init__(self, summary: RunSummary):
        self.summary = summary

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        checklist = _item_of(report.nodeid)
        verdict = dict(report.user_properties).get("golive_outcome")
        if checklist is not None and verdict is not None:
            self.summary.record(checklist.id, report.nodeid, verdict, _message(report),
                                dict(report.user_properties).get("golive_blind", []),
                                dict(report.user_properties).get("golive_facts", []))


@pytest.hookimpl(hookwrapper=True, trylast=True, specname="pytest_runtest_makereport")
def pytest_runtest_makereport_redacted(item: pytest.Item, call: pytest.CallInfo):
    """Innermost wrapper: the report's text is redacted before Allure, JUnit or the terminal read it. The
    longrepr keeps its structure (the crash message stays whole, every traceback line is redacted in place)."""
    outcome = yield
    report = outcome.get_result()
    if item.config.stash.get(PROFILE_KEY, None) is None:
        return
    redactor = _redactor(item.config)
    report.longrepr = _redact_repr(report.longrepr, redactor)
    report.sections = [(title, redactor.text(body)) for title, body in report.sections]
    if hasattr(report, "wasxfail"):
        report.wasxfail = redactor.text(str(report.wasxfail))


def _redact_repr(node: object, redactor: Redactor, depth: int = 0) -> object:
    """A pytest longrepr (or a part of it) with every string redacted, in place where it is an object."""
    if isinstance(node, str):
        return redactor.text(node)
    if isinstance(node, list | tuple):
        return type(node)(_redact_repr(v, redactor, depth + 1) for v in node)
    if depth < 8 and type(node).__module__.startswith("_pytest") and hasattr(node, "__dict__"):
        for name, value in vars(node).items():
            object.__setattr__(node, name, _redact_repr(value, redactor, depth + 1))
    return node


def _message(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return str(report.wasxfail)
    own = dict(report.user_properties).get("golive_message")
    if own and report.failed:
        return str(own)
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    if report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        if crash is not None:
            return crash.message
        text = str(report.longrepr)  # a text longrepr: its exception lines ("E   ..."), never a traceback tail
        raised = [line[4:].rstrip() for line in text.splitlines() if line.startswith("E   ")]
        return "\n".join(raised) if raised else text
    return ""


def _outcome(report: pytest.TestReport, blind: bool) -> Outcome | None:
    """Non-compliant only on an assertion about what was observed; any other error means the check was blind."""
    if hasattr(report, "wasxfail"):
        return "waived" if report.skipped else ("passed" if report.when == "call" else None)
    if report.failed:  # by what ended the test: an assertion about what was observed, or blindness
        return "could-not-observe" if blind else "non-compliant"
    if report.skipped:
        return "not-applicable"
    return "passed" if report.when == "call" else None


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    summary = config.stash.get(SUMMARY_KEY, None)
    if summary is None or _is_worker(config):
        return
    terminalreporter.section("golive checklist")
    for line in summary.lines():
        terminalreporter.write_line(line)
    if summary.api_calls and not summary.audit_failures:
        terminalreporter.write_line(f"cloud API calls this run: {summary.api_calls}, all reads (reports/audit.jsonl)")
    for failure in summary.audit_failures:
        terminalreporter.write_line(f"READ-ONLY AUDIT FAILED: golive sent a call that is not a read: {failure}",
                                    red=True)
    if summary.drift is not None:
        changes = summary.drift["changes"]
        terminalreporter.section(f"changed since {summary.drift['since']}")
        terminalreporter.write_line("no change" if not changes else "\n".join(c["line"] for c in changes))


# --- fixtures ------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def golive_profile(pytestconfig: pytest.Config) -> LoadedProfile:
    """The validated profile of this run."""
    loaded = pytestconfig.stash.get(PROFILE_KEY, None)
    if loaded is None:
        try:
            loaded = load_profile(pytestconfig.getoption("--profile"))
        except ProfileError as exc:
            raise CouldNotObserve("the profile", str(exc)) from None
    return loaded


@pytest.fixture(scope="session")
def profile(golive_profile: LoadedProfile):
    return golive_profile.profile


@pytest.fixture(scope="session")
def run_cache(pytestconfig: pytest.Config):
    """Observations made once per run, shared by every check and every xdist worker."""
    from golive.cache import RunCache
    return RunCache(pytestconfig.stash.get(CACHE_DIR_KEY, None))


@pytest.fixture(scope="session")
def audit(pytestconfig: pytest.Config):
    """Every cloud API call of the run, as it left the SDK (the read-only audit)."""
    from golive.audit import AuditLog
    cache = pytestconfig.stash.get(CACHE_DIR_KEY, None)
    return AuditLog(cache / "audit.jsonl" if cache is not None else None)


@pytest.fixture(scope="session")
def providers(profile, run_cache, audit):
    """The clouds this profile names; each read is made once per run and shared by every check."""
    from golive.providers import CloudProviders
    return CloudProviders(profile.providers, run_cache, audit)


@pytest.fixture(scope="session")
def redactor(pytestconfig: pytest.Config) -> Redactor:
    return _redactor(pytestconfig)


@pytest.fixture
def evidence(redactor: Redactor) -> Evidence:
    """Attach what the check observed; secrets are redacted."""
    return Evidence(redactor)


@pytest.fixture
def judge(evidence: Evidence) -> Judgement:
    """This test's findings, blind spots and the facts it judged; ``judge.conclude(headline)`` gives its verdict
    (and attaches the facts, redacted, as "facts judged")."""
    from dataclasses import asdict
    return Judgement(lambda facts: evidence.json("facts judged", [asdict(f) for f in facts]))


@pytest.fixture
def section(request: pytest.FixtureRequest, profile):
    """This check's profile section: skips when declared not applicable, fails closed when absent."""
    item = _item_of(request.node)
    if item is None:
        raise CouldNotObserve(request.node.nodeid, "this test is not a checklist module under checks/")
    found = profile.items.get(item.id)
    if isinstance(found, NotApplicable):
        pytest.skip(f"{item.id} not applicable on {profile.name}: {found.not_applicable}")
    if found is None:
        raise CouldNotObserve(item.id, f"profile {profile.name!r} has no items.{item.id} section; add it, or "
                                       f"declare the item {{not_applicable: <reason>}}")
    return found


@pytest.fixture(autouse=True)
def _golive_allure_labels(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> None:
    item = _item_of(request.node)
    loaded = pytestconfig.stash.get(PROFILE_KEY, None)
    if item is None or loaded is None:
        return
    allure.dynamic.label("checklist_item", item.id)
    allure.dynamic.feature(f"{item.id}: {item.title}")
    allure.dynamic.severity(allure.severity_level(item.severity))
    allure.dynamic.tag(f"profile:{loaded.profile.name}")
    allure.dynamic.parent_suite(f"profile {loaded.profile.name}")
    allure.dynamic.suite(item.id)
    for ref in item.runbook:
        allure.dynamic.link(f"file://{ROOT.parent / 'shared' / 'seeds' / ref.file}#L{ref.line}",
                            name=f"{ref.label}: {ref.says}")
    ticket = pytestconfig.getoption("--change-ticket")
    if ticket:
        allure.dynamic.link(ticket if ticket.startswith("http") else f"ticket:{ticket}",
                            link_type="issue", name=f"change {ticket}")
