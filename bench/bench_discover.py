"""`golive discover` on the lab's three emulated clouds (issue 17): wall time, API calls (all reads), and the size of
the hand-written lab profile's cloud sections vs the drafted profile's lines a person had to touch (DECIDE lines).

    .venv/bin/python bench/bench_discover.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import lab_providers  # noqa: E402
from golive import discover  # noqa: E402
from golive.audit import AuditLog  # noqa: E402
from golive.cache import RunCache  # noqa: E402
from golive.lab.component import components  # noqa: E402
from golive.lab.components.azure import identity_environment  # noqa: E402
from golive.lab.runtime import LabRuntime  # noqa: E402
from golive.profile.model import Providers  # noqa: E402
from golive.providers import CloudProviders  # noqa: E402

RUNBOOKS = ("000", "001", "002", "003", "004")


def main() -> None:
    import os
    with tempfile.TemporaryDirectory() as state:
        rt = LabRuntime(Path(state))
        try:
            started = {name: components()[name].start(rt, "compliant") for name in ("aws", "azure", "kubernetes")}
            os.environ.update(identity_environment(started["azure"].endpoints["identity_endpoint"]))
            block = {**lab_providers.aws(started["aws"]), **lab_providers.azure(started["azure"]),
                     **lab_providers.kubernetes(started["kubernetes"])}
            audit = AuditLog()
            t0 = time.perf_counter()
            estate = discover.observe(CloudProviders(Providers.model_validate(block), RunCache(None), audit))
            text = discover.render_draft("drafted", estate, discover.Ask(RUNBOOKS), block)
            wall = time.perf_counter() - t0
        finally:
            rt.stop_all()
    calls = audit.calls()
    local = (ROOT / "profiles" / "local.yaml").read_text(encoding="utf-8").splitlines()
    decide = discover.decide_lines(text)
    print(f"discover wall time: {wall:.2f} s; API calls: {len(calls)} ({sum(c.is_read for c in calls)} reads)")
    print(f"hand-written profiles/local.yaml: {len(local)} lines; drafted: {len(text.splitlines())} lines, "
          f"{len(decide)} DECIDE lines to review")


if __name__ == "__main__":
    main()
