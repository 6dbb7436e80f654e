"""A run-scoped cache of observations on disk, so each expensive read happens once per run, also under xdist.

The controller picks the directory; xdist workers receive it through ``workerinput``. A key's value is
computed by whichever process asks first (under a file lock) and read back by the others. Values are
pickled: plain API answers (dicts, lists, datetimes) that golive read itself, in a private temporary
directory that lives for one run.
"""

from __future__ import annotations

import fcntl
import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any


class RunCache:
    def __init__(self, directory: Path | None):
        self.directory = directory
        self._memory: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> Any:
        """The value of key for this run, computed once across all processes of the run."""
        if key in self._memory:
            self.hits += 1
            return self._memory[key]
        if self.directory is None:
            self.misses += 1
            value = self._memory[key] = compute()
            return value
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        path, lock = self.directory / f"{digest}.pickle", self.directory / f"{digest}.lock"
        with lock.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            if path.exists():
                self.hits += 1
                value = pickle.loads(path.read_bytes())
            else:
                self.misses += 1
                value = compute()
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(pickle.dumps(value))
                tmp.replace(path)
        self._memory[key] = value
        return value
