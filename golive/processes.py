"""Child processes that never outlive golive: the load generator (AUTOSCALING) and the lab's servers.

``die_with_parent`` is a ``preexec_fn``: the kernel sends the child SIGTERM when the thread that started it ends
(PR_SET_PDEATHSIG), so a gate killed by SIGKILL, or an xdist worker torn down mid-test, leaves no load running.
"""

from __future__ import annotations

import ctypes
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
