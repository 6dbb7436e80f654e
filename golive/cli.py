"""The `golive` command: the lab (up, down, status), the HTML report, and profile validation.

The gate itself is pytest: `pytest -m production --profile <name>`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"


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
        return 2
    return 0


def allure_cli() -> Path:
    local = ROOT / "node_modules" / ".bin" / "allure"
    if local.exists():
        return local
    found = shutil.which("allure")
    if found:
        return Path(found)
    raise SystemExit("golive report: the Allure CLI is not installed; run `bash scripts/bootstrap.sh` "
                     "(it installs allure-commandline from npm into node_modules/)")


def _report(args: argparse.Namespace) -> int:
    results = Path(args.results)
    if not results.is_dir() or not any(results.glob("*-result.json")):
        print(f"golive report: no Allure results in {results}; run `pytest -m production` first", file=sys.stderr)
        return 2
    out = Path(args.output)
    history = out / "history"
    if history.is_dir():  # keep trends: the previous report's history goes into the new results
        shutil.copytree(history, results / "history", dirs_exist_ok=True)
    cmd = [str(allure_cli()), "generate", "--single-file", "--clean", "-o", str(out), str(results)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        print(f"golive report: allure generate failed:\n{done.stdout}{done.stderr}", file=sys.stderr)
        return 2
    print(f"report: {out / 'index.html'}")
    return 0


def _bundle(args: argparse.Namespace) -> int:
    from golive import bundle

    try:
        out = bundle.build(Path(args.reports), Path(args.output) if args.output else None)
    except FileNotFoundError as exc:
        print(f"golive bundle: {exc}", file=sys.stderr)
        return 2
    print(f"bundle: {out}")
    return 0


def _audit_policy(args: argparse.Namespace) -> int:
    from golive import audit, least_privilege

    calls = audit.AuditLog(Path(args.audit)).calls()
    if not calls:
        print(f"golive audit-policy: no calls recorded in {args.audit}; run the gate first", file=sys.stderr)
        return 2
    writes = [c for c in calls if not c.is_read]
    if writes:
        print(f"golive audit-policy: {len(writes)} recorded calls are not reads ({writes[0].action}); "
              f"no read-only policy can cover them", file=sys.stderr)
        return 2
    try:
        document = least_privilege.DOCUMENTS[args.cloud](calls)
    except least_privilege.UnknownToReference as exc:
        print(f"golive audit-policy: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(least_privilege.render(document))
    return 0


def _check_profile(args: argparse.Namespace) -> int:
    from golive.profile import ProfileError, load_profile

    try:
        loaded = load_profile(args.profile)
    except ProfileError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 4
    print(f"{loaded.path}: valid profile {loaded.profile.name!r}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="golive", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    lab = sub.add_parser("lab", help="the embedded lab of the `local` profile")
    lab.add_argument("action", choices=["up", "down", "status", "variants"])
    lab.add_argument("--only", nargs="*", help="start only these components")
    lab.set_defaults(func=_lab)
    report = sub.add_parser("report", help="build the single-file Allure HTML report")
    report.add_argument("--results", default=str(REPORTS / "allure-results"))
    report.add_argument("--output", default=str(REPORTS / "html"))
    report.set_defaults(func=_report)
    bundle = sub.add_parser("bundle", help="zip the HTML report, JUnit and a summary for the change ticket")
    bundle.add_argument("--reports", default=str(REPORTS))
    bundle.add_argument("--output", default=None)
    bundle.set_defaults(func=_bundle)
    policy = sub.add_parser("audit-policy", help="the least-privilege read-only policy for what a run called")
    policy.add_argument("cloud", choices=["aws", "azure", "kubernetes"])
    policy.add_argument("--audit", default=str(REPORTS / "audit.jsonl"))
    policy.set_defaults(func=_audit_policy)
    check = sub.add_parser("check-profile", help="validate a profile and exit")
    check.add_argument("profile")
    check.set_defaults(func=_check_profile)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
