"""What the lab load benchmarks (bench_load.py, bench_sampler.py) share: the checkout on sys.path, their command
line (--seconds and a few counts), a Locust file asking the lab nginx for /health, and the compliant lab nginx
(golive/lab/components/latency.py) started in a temporary folder and stopped at the end.

A benchmark imports it first (``import _lab``: the script's own folder is on sys.path), then golive.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from golive.lab.component import Started  # noqa: E402
from golive.lab.components.latency import COMPONENT  # noqa: E402
from golive.lab.runtime import LabRuntime  # noqa: E402

LOCUSTFILE = '''
from locust import FastHttpUser, task
class HealthUser(FastHttpUser):
    @task
    def health(self):
        self.client.get("/health")
'''


def options(doc: str, seconds: float, **counts: int) -> argparse.Namespace:
    """``--seconds`` (default ``seconds``) and ``--<count>`` integers (their defaults), described by the first line
    of the benchmark's docstring."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=seconds)
    for name, default in counts.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    return parser.parse_args()


@contextmanager
def lab_nginx() -> Iterator[tuple[LabRuntime, Started, Path]]:
    """(the lab runtime, its compliant nginx site, the Locust file for HealthUser), all in one temporary folder;
    every lab process is stopped on the way out."""
    with tempfile.TemporaryDirectory(prefix="golive-bench-") as tmp:
        locustfile = Path(tmp) / "health.py"
        locustfile.write_text(LOCUSTFILE, encoding="utf-8")
        rt = LabRuntime(Path(tmp) / "lab")
        try:
            yield rt, COMPONENT.start(rt, "compliant"), locustfile
        finally:
            rt.stop_all()
