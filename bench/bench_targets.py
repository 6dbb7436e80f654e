"""The cloud reads of the gate over 1, 5 and 20 lab AWS accounts (issue 18 bullet 1): wall time and API calls.

Each account is one lab variant (its own moto account on the one emulator), named in ``providers.aws_targets``;
the readers the AWS checks gather run over every account concurrently (golive.providers.POOL), with a fresh run
cache per size. Figures are printed, not asserted; the growth per account should be linear with a small constant.

    .venv/bin/python bench/bench_targets.py [--sizes 1 5 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from golive.audit import AuditLog  # noqa: E402
from golive.cache import RunCache  # noqa: E402
from golive.lab.components.aws import COMPONENT, profile_block  # noqa: E402
from golive.lab.runtime import LabRuntime  # noqa: E402
from golive.profile.model import Providers  # noqa: E402
from golive.providers import CloudProviders  # noqa: E402

KINDS = ("zone_placements", "backup_schedules", "recovery_points", "backup_jobs", "alarm_rules", "alarm_actions",
         "tls_policies", "waf_acls", "secret_rotations", "log_retentions", "scaling_policies", "turn_ingress_rules")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 20])
    sizes = parser.parse_args().sizes
    variants = list(COMPONENT.variants)[:max(sizes)]
    with tempfile.TemporaryDirectory() as state:
        rt = LabRuntime(Path(state))
        try:
            t0 = time.perf_counter()
            started = [COMPONENT.start(rt, v) for v in variants]
            print(f"seeded {len(started)} lab accounts in {time.perf_counter() - t0:.1f} s (not counted below)")
            print(f"{'accounts':>8} {'wall s':>8} {'API calls':>10} {'calls/account':>14} {'records':>8} {'blind':>6}")
            for size in sizes:
                targets = [{**profile_block(s), "name": s.variant, "max_attempts": 2} for s in started[:size]]
                audit = AuditLog()
                with tempfile.TemporaryDirectory() as cache:
                    providers = CloudProviders(Providers(aws_targets=targets), RunCache(Path(cache)), audit)
                    t1 = time.perf_counter()
                    found = [providers.gather(kind) for kind in KINDS]
                    wall = time.perf_counter() - t1
                calls = len(audit.calls())
                print(f"{size:>8} {wall:>8.2f} {calls:>10} {calls / size:>14.1f} {sum(map(len, found)):>8} "
                      f"{sum(len(f.blind) for f in found):>6}")
        finally:
            rt.stop_all()


if __name__ == "__main__":
    main()
