"""Self-test fixtures: a lab runtime of the test session, variants started once, and the gate runner."""

from __future__ import annotations

import contextlib
import os
import tempfile

import httpcore  # noqa: F401  (imported before pytester's in-process runs, so httpx maps its errors)
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402,F401  (pytester's in-process runs unload numpy; keep it loaded for plots)
import pytest

from golive.lab.component import Started, components

# Self-tests never write into the checkout's reports/ (a user's last gate run stays as it was): every gate they
# start, in-process or as a subprocess, writes its default reports under this run's temporary folder.
os.environ.setdefault("GOLIVE_REPORTS_DIR", tempfile.mkdtemp(prefix="golive-selftest-reports-"))
# No self-test may look for credentials off loopback: botocore's chain would ask the instance metadata service.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
from golive.lab.components.azure import identity_environment
from golive.lab.runtime import LabRuntime

pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def lab_rt(tmp_path_factory: pytest.TempPathFactory):
    """A private lab for the self-tests (free ports, own CA); every process is stopped at the end."""
    rt = LabRuntime(tmp_path_factory.mktemp("lab"))
    yield rt
    rt.stop_all()


@contextlib.contextmanager
def shared_lab_at(state):
    """The `local` profile's lab on its fixed ports under ``state`` (GOLIVE_LAB_DIR), stopped afterwards.
    Modules using it belong to the xdist group "shared-lab-ports"."""
    from golive.lab import shared

    patch = pytest.MonkeyPatch()
    patch.setenv("GOLIVE_LAB_DIR", str(state))
    for key, value in identity_environment().items():  # the shared lab's Azure token, as a lab run sets it
        patch.setenv(key, value)
    rt = LabRuntime(state)
    shared.up(rt)
    try:
        yield state
    finally:
        shared.down(rt)
        patch.undo()


@pytest.fixture(scope="session")
def lab(lab_rt: LabRuntime):
    """``lab("nginx", "health-slow")`` starts that variant once per session and returns its endpoints.

    The first Azure emulator started also becomes the session's managed-identity endpoint (every emulator issues
    the same lab token), so DefaultAzureCredential in the gates reads the lab's token as a lab run does."""
    cache: dict[tuple[str, str], Started] = {}
    patch = pytest.MonkeyPatch()

    def start(component: str, variant: str = "compliant") -> Started:
        key = (component, variant)
        if key not in cache:
            cache[key] = components()[component].start(lab_rt, variant)
            if component == "azure" and not any(c == "azure" for c, _ in list(cache)[:-1]):
                for name, value in identity_environment(cache[key].endpoints["identity_endpoint"]).items():
                    patch.setenv(name, value)
        return cache[key]

    yield start
    patch.undo()
