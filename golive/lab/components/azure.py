"""Lab Azure: an emulated Azure Resource Manager serving the SilentTalk Azure platform (runbook 002).

One HTTPS server process (``golive.lab.azure.server``, certificate from the lab CA) per variant. The
variants are "compliant", the server's own (``throttled``) and every broken variant the fixture areas in
``golive/lab/azure/fixtures/`` define; each serves its own subscription id (``arm.subscription_for``: the
compliant one keeps the id profiles/local.yaml names), so two variants are two subscriptions. golive reaches
it as a custom cloud (``profile_block``): ARM at the
``arm`` endpoint, the lab CA as trust store, and the lab's token from the standard credential chain: the same
process serves App Service's managed-identity endpoint, which DefaultAzureCredential reads when
``IDENTITY_ENDPOINT``/``IDENTITY_HEADER`` are set (``identity_environment``; set for lab profiles only).
"""

from __future__ import annotations

import sys
from typing import Any

from golive.lab.azure import fixtures
from golive.lab.azure.arm import (
    IDENTITY_HEADER,
    IDENTITY_PATH,
    LAB_AUDIENCE,
    RESOURCE_GROUP,
    subscription_for,
)
from golive.lab.azure.server import SERVER_VARIANTS
from golive.lab.component import Component, Started
from golive.lab.runtime import LabRuntime, tcp_ready


class AzureArm(Component):
    name = "azure"
    variants = {"compliant": "the SilentTalk Azure platform as runbook 002 (and 000's alarms) asks",
                **SERVER_VARIANTS, **fixtures.variants()}
    lab_ports = {"arm": 18510, "identity": 18511}
    page_size = 5  # collections longer than this answer with a nextLink

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        where = rt.dir(instance)
        cert_file, key_file = rt.server_cert(where, "localhost", "127.0.0.1", "management.lab.golive.test")
        port, subscription = ports["arm"], subscription_for(variant)
        rt.spawn(instance, [sys.executable, "-m", "golive.lab.azure.server", "--port", str(port),
                            "--cert", str(cert_file), "--key", str(key_file), "--variant", variant,
                            "--page-size", str(self.page_size), "--identity-port", str(ports["identity"]),
                            "--subscription", subscription, "--state", str(rt.state_dir)],
                 tcp_ready(port))
        return {"arm": f"https://127.0.0.1:{port}", "ca_bundle": str(rt.ca_file),
                "subscription_id": subscription, "resource_group": RESOURCE_GROUP,
                "identity_endpoint": f"http://127.0.0.1:{ports['identity']}{IDENTITY_PATH}"}


def profile_block(started: Started) -> dict[str, Any]:
    """A profile's ``providers.azure`` block for a started variant: the emulator as a custom cloud."""
    e = started.endpoints
    return {"subscription_id": e["subscription_id"], "resource_group": e["resource_group"], "cloud": "custom",
            "arm_endpoint": e["arm"], "authority_host": e["arm"], "audience": LAB_AUDIENCE, "logs_endpoint": e["arm"],
            "ca_bundle": e["ca_bundle"]}


def identity_environment(identity_endpoint: str | None = None) -> dict[str, str]:
    """The environment under which DefaultAzureCredential's managed identity takes the lab's token: the given
    emulator's endpoint, or the shared lab's (fixed port)."""
    endpoint = identity_endpoint or f"http://127.0.0.1:{AzureArm.lab_ports['identity']}{IDENTITY_PATH}"
    return {"IDENTITY_ENDPOINT": endpoint, "IDENTITY_HEADER": IDENTITY_HEADER}


COMPONENT = AzureArm()
