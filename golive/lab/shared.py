"""The shared lab of the `local` profile: every component's compliant variant on its fixed ports."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from golive.lab.component import Started, components
from golive.lab.runtime import LabError, LabRuntime


def state_dir() -> Path:
    """Where the shared lab lives; the `local` profile points at the same place (GOLIVE_LAB_DIR)."""
    return Path(os.environ.get("GOLIVE_LAB_DIR", "/tmp/golive-lab"))


def _state_file(rt: LabRuntime) -> Path:
    return rt.state_dir / "lab.json"


def status(rt: LabRuntime) -> dict[str, bool]:
    """Each recorded lab process and whether it is running."""
    return {name: rt.pid_alive(name) for name in rt.names()}


def is_up(rt: LabRuntime) -> bool:
    running = status(rt)
    return bool(running) and all(running.values()) and _state_file(rt).exists()


def up(rt: LabRuntime, only: list[str] | None = None) -> list[Started]:
    """Start every component's compliant variant on its lab ports, side by side; stops all on any failure."""
    if is_up(rt):
        raise LabError(f"the lab is already up under {rt.state_dir}; `golive lab down` first")
    rt.stop_all()  # leftovers of an interrupted lab, ours by PID and start time
    chosen = {name: c for name, c in components().items() if c.shared and (not only or name in only)}
    rt.ca()  # create the CA once, before components ask for certificates in parallel
    try:
        with ThreadPoolExecutor(max_workers=max(1, len(chosen))) as pool:
            futures = {name: pool.submit(c.start, rt, "compliant", dict(c.lab_ports), name)
                       for name, c in chosen.items()}
            started = [futures[name].result() for name in chosen]
    except BaseException:
        rt.stop_all()
        raise
    _state_file(rt).write_text(json.dumps([s.__dict__ for s in started], indent=2), encoding="utf-8")
    return started


def down(rt: LabRuntime) -> None:
    rt.stop_all()
    _state_file(rt).unlink(missing_ok=True)
