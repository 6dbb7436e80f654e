"""Report build time, Allure 3 (what `golive report` uses) vs Allure 2, on the same results; install time and disk
of the Node tools without Java (issue 15). Figures are printed, not asserted.

    .venv/bin/python bench/bench_report.py [--reports reports] [--allure2 PATH/TO/allure] [--runs 3]

Allure 2 is not installed by bootstrap (it needs Java): name its CLI with --allure2 or $GOLIVE_ALLURE2
(e.g. `npm install --prefix /tmp/a2 allure-commandline@2.46.1` → /tmp/a2/node_modules/.bin/allure); without it,
or without `java`, its row says why it was skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed: {(done.stderr or done.stdout).strip()[:300]}")
    return time.perf_counter() - start


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _allure3(reports: Path, runs: int) -> tuple[list[float], int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "html"
        times = [_timed([sys.executable, "-m", "golive.cli", "report", "--reports", str(reports), "--output",
                         str(out)], cwd=tmp) for _ in range(runs)]
        return times, (out / "index.html").stat().st_size


def _allure2(allure2: str | None, results: Path, runs: int) -> tuple[list[float], int] | str:
    if not allure2 or not Path(allure2).exists():
        return "skipped: no Allure 2 CLI (--allure2 or $GOLIVE_ALLURE2); bootstrap no longer installs it"
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        return "skipped: Allure 2 needs Java, which is not installed"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "html"
        times = [_timed([allure2, "generate", "--single-file", "--clean", "-o", str(out), str(results)])
                 for _ in range(runs)]
        return times, (out / "index.html").stat().st_size


def _install() -> tuple[float, int]:
    """`npm ci` of package.json into a scratch copy (from npm's local cache when warm): time and disk."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("package.json", "package-lock.json"):
            shutil.copy(ROOT / name, Path(tmp) / name)
        took = _timed(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=tmp)
        return took, _du(Path(tmp) / "node_modules")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", default=str(ROOT / "reports"), help="a gate's reports (summary.json, "
                                                                         "allure-results/)")
    parser.add_argument("--allure2", default=os.environ.get("GOLIVE_ALLURE2"), help="Allure 2 CLI for comparison")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    reports = Path(args.reports)
    results = reports / "allure-results"
    count = len(list(results.glob("*-result.json")))
    print(f"results: {count} test results, {_du(results) / 1e6:.1f} MB in {results}")
    times, size = _allure3(reports, args.runs)
    print(f"Allure 3 (golive report, incl. Python start): median {statistics.median(times):.2f} s over {args.runs}, "
          f"index.html {size / 1e6:.1f} MB")
    two = _allure2(args.allure2, results, args.runs)
    if isinstance(two, str):
        print(f"Allure 2 (allure generate --single-file): {two}")
    else:
        print(f"Allure 2 (allure generate --single-file): median {statistics.median(two[0]):.2f} s over "
              f"{args.runs}, index.html {two[1] / 1e6:.1f} MB")
    took, disk = _install()
    print(f"Node tools (npm ci of package.json): {took:.1f} s, node_modules {disk / 1e6:.0f} MB; Java: not needed"
          f"{' (java present on this machine, unused)' if shutil.which('java') else ''}")


if __name__ == "__main__":
    main()
