"""The `golive` command: the lab (up, down, status), the HTML report, and profile validation.

The gate itself is pytest: `pytest -m production --profile <name>`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parents[1]
USAGE = 4  # bad input: one line, like the gate's usage errors
FAILED = 1  # the command could not do its work (the lab did not start, Allure failed)


def default_reports() -> Path:
    """The reports of the directory golive runs in (or $GOLIVE_REPORTS_DIR), not of the checkout installed."""
    return Path(os.environ.get("GOLIVE_REPORTS_DIR") or Path.cwd() / "reports")


class _Parser(argparse.ArgumentParser):
    """argparse with golive's exit status for bad input (4) and one line instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _lab(args: argparse.Namespace) -> int:
    from golive.lab import shared
    from golive.lab.component import components
    from golive.lab.runtime import LabError, LabRuntime

    rt = LabRuntime(shared.state_dir(), detach=True)
    try:
        if args.action == "up":
            for started in shared.up(rt, only=args.only):
                print(f"{started.component:<10} up   {' '.join(f'{k}={v}' for k, v in started.endpoints.items())}")
            print(f"lab state: {rt.state_dir} (CA: {rt.ca_file}); stop it with `golive lab down`")
        elif args.action == "down":
            shared.down(rt)
            print(f"lab down ({rt.state_dir})")
        elif args.action == "status":
            running = shared.status(rt)
            if not running:
                print(f"lab is down ({rt.state_dir})")
            for name, alive in running.items():
                print(f"{name:<20} {'running' if alive else 'stopped'}")
            return 0 if running and all(running.values()) else 3
        elif args.action == "variants":
            for name, component in components().items():
                for variant, why in component.variants.items():
                    print(f"{name:<10} {variant:<28} {why}")
    except LabError as exc:
        print(f"golive lab {args.action}: {exc}", file=sys.stderr)
        return FAILED
    return 0


def _writable(out: Path) -> str | None:
    """Why ``out`` cannot hold the report, or None."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".golive-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        return f"cannot write the report into {out}: {exc.strerror or exc}"
    return None


def _allure_error(text: str) -> str:
    """Allure's failure in one line (its error message), not its stack trace."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("at ")]
    named = [ln for ln in lines if "Exception" in ln or "Error" in ln or "error" in ln]
    return (named or lines or ["no output"])[0][:300]


def _report(args: argparse.Namespace) -> int:
    """The single-file report opening on golive's verdict (issue 15), built by Allure 3 with history kept."""
    from golive import bundle, report

    reports = Path(args.reports)
    results = Path(args.results) if args.results else reports / "allure-results"
    if not results.is_dir() or not any(results.glob("*-result.json")):
        print(f"golive report: no Allure results in {results}; run `pytest -m production` first, or name the "
              f"folder with --reports/--results", file=sys.stderr)
        return USAGE
    out = Path(args.output) if args.output else reports / "html"
    problem = _writable(out)
    if problem:
        print(f"golive report: {problem}; choose another --output", file=sys.stderr)
        return USAGE
    own = results / "golive-summary.json"  # a gate given --alluredir writes its summary beside its results
    if args.results and own.exists():
        reports = results.parent
    try:
        summary = bundle.read_summary(reports, own if args.results and own.exists() else None)
    except bundle.BundleError as exc:
        print(f"golive report: {exc}", file=sys.stderr)
        return USAGE
    page = report.verdict_page(summary, *bundle.current(summary), bundle.mismatched_files(reports, summary))
    try:
        done = report.build(results, out, reports / report.HISTORY_FILE, page)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"golive report: Allure 3 did not run ({exc})", file=sys.stderr)
        return FAILED
    if done.returncode != 0 or not (out / "index.html").exists():
        print(f"golive report: allure generate failed: {_allure_error(done.stdout + done.stderr)}", file=sys.stderr)
        return FAILED
    print(f"report: {out / 'index.html'}")
    print(f"overall: {page.overall}")
    return 0


def _print_overall(reports: Path) -> None:
    """The gate's overall verdict beside the report: READY only from a complete, current run."""
    from golive import bundle
    try:
        summary = bundle.read_summary(reports)
    except bundle.BundleError as exc:
        print(f"overall: unknown ({exc})")
        return
    print(f"overall: {bundle.overall(summary, *bundle.current(summary), bundle.mismatched_files(reports, summary))}")


def _bundle(args: argparse.Namespace) -> int:
    from golive import bundle

    try:
        out = bundle.build(Path(args.reports), Path(args.output) if args.output else None)
    except bundle.BundleError as exc:
        print(f"golive bundle: {exc}", file=sys.stderr)
        return USAGE
    except OSError as exc:
        print(f"golive bundle: cannot write the bundle: {exc}", file=sys.stderr)
        return USAGE
    print(f"bundle: {out}")
    _print_overall(Path(args.reports))
    return 0


def _audit_policy(args: argparse.Namespace) -> int:
    from golive import audit, least_privilege

    args.audit = args.audit or str(default_reports() / f"{'' if args.use == 'gate' else 'watch-'}audit.jsonl")
    calls = audit.AuditLog(Path(args.audit)).calls()
    if not calls:
        print(f"golive audit-policy: no calls recorded in {args.audit}; run the {args.use} first", file=sys.stderr)
        return USAGE
    writes = [c for c in calls if not c.is_read]
    if writes:
        print(f"golive audit-policy: {len(writes)} recorded calls are not reads ({writes[0].action}); "
              f"no read-only policy can cover them", file=sys.stderr)
        return USAGE
    try:
        document = least_privilege.document(args.cloud, calls, args.use)
    except least_privilege.UnknownToReference as exc:
        print(f"golive audit-policy: {exc}", file=sys.stderr)
        return USAGE
    sys.stdout.write(least_privilege.render(document))
    return 0


def _diff(args: argparse.Namespace) -> int:
    """What changed between two runs (issue 15): verdicts, fields, resources that appeared or disappeared."""
    from golive import drift

    reports = Path(args.reports)
    old = Path(args.old) if args.old else drift.history(reports)
    new = Path(args.new) if args.new else reports
    if not args.old and not old.exists():
        print(f"golive diff: no previous run kept in {old} (the gate keeps the last complete run there); run the "
              f"gate twice, or name two summary.json files: golive diff OLD NEW", file=sys.stderr)
        return USAGE
    try:
        before, after = drift.read(old), drift.read(new)
    except drift.DriftError as exc:
        print(f"golive diff: {exc}", file=sys.stderr)
        return USAGE
    if before.get("profile") != after.get("profile"):
        print(f"golive diff: {old} is profile {before.get('profile')!r}, {new} is {after.get('profile')!r}; "
              f"compare two runs of one profile", file=sys.stderr)
        return USAGE
    changes = drift.compare(before, after)
    print(f"{'changed' if changes else 'no change'} since {drift.since(before)} "
          f"(run {str(before.get('run_id', ''))[:12] or '?'} → {str(after.get('run_id', ''))[:12] or '?'}, "
          f"profile {after.get('profile')})")
    for change in changes:
        print(f"  {change.line}")
    return drift.EXIT_DRIFT if changes and args.fail_on_drift else 0


def _check_profile(args: argparse.Namespace) -> int:
    from golive.profile import ProfileError, load_profile

    try:
        loaded = load_profile(args.profile)
    except ProfileError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return USAGE
    print(f"{loaded.path}: valid profile {loaded.profile.name!r}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="golive", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    lab = sub.add_parser("lab", help="the embedded lab of the `local` profile")
    lab.add_argument("action", choices=["up", "down", "status", "variants"],
                     help="start, stop, list the running components, or list every variant and what is wrong with it")
    lab.add_argument("--only", nargs="*", help="start only these components (names from `golive lab variants`)")
    lab.set_defaults(func=_lab)
    reports_help = "the gate's reports folder (default: ./reports, or $GOLIVE_REPORTS_DIR)"
    report = sub.add_parser("report", help="build the single-file Allure HTML report")
    report.add_argument("--reports", default=str(default_reports()), help=reports_help)
    report.add_argument("--results", default=None, help="Allure results to read (default: REPORTS/allure-results)")
    report.add_argument("--output", default=None, help="folder for index.html (default: REPORTS/html)")
    report.set_defaults(func=_report)
    bundle = sub.add_parser("bundle", help="zip the HTML report, JUnit and a summary for the change ticket")
    bundle.add_argument("--reports", default=str(default_reports()), help=reports_help)
    bundle.add_argument("--output", default=None, help="the zip to write (default: REPORTS/golive-<profile>-<time>.zip)")
    bundle.set_defaults(func=_bundle)
    policy = sub.add_parser("audit-policy", help="the least-privilege read-only policy for what a run called")
    policy.add_argument("cloud", choices=["aws", "azure", "kubernetes"], help="which cloud's policy to print")
    policy.add_argument("--for", dest="use", choices=["gate", "watch"], default="gate",
                        help="whose calls: the gate's (REPORTS/audit.jsonl, the 'golive reader' role) or golive "
                             "watch's (REPORTS/watch-audit.jsonl, the 'golive watch' role)")
    policy.add_argument("--audit", default=None,
                        help="the run's audit (default: REPORTS/audit.jsonl, or REPORTS/watch-audit.jsonl with "
                             "--for watch)")
    policy.set_defaults(func=_audit_policy)
    diff = sub.add_parser("diff", help="what changed between two runs: verdicts, judged values, resources")
    diff.add_argument("old", nargs="?", default=None,
                      help="the earlier run: a summary.json or a reports folder (default: "
                           "REPORTS/history/previous-summary.json, the previous complete run)")
    diff.add_argument("new", nargs="?", default=None,
                      help="the later run: a summary.json or a reports folder (default: REPORTS/summary.json)")
    diff.add_argument("--reports", default=str(default_reports()), help=reports_help)
    diff.add_argument("--fail-on-drift", action="store_true", default=False,
                      help="exit 7 when anything changed (0 when nothing did)")
    diff.set_defaults(func=_diff)
    from golive import watch_cli
    watch_cli.add_parser(sub, default_reports())
    from golive import discover_cli
    discover_cli.add_parsers(sub)
    check = sub.add_parser("check-profile", help="validate a profile and exit")
    check.add_argument("profile", help="a profile name in profiles/ or a path to a YAML file")
    check.set_defaults(func=_check_profile)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(f"golive {args.command}: interrupted", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
