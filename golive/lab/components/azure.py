"""Lab Azure: an emulated Azure Resource Manager serving the SilentTalk Azure platform (runbook 002).

One HTTPS server process (``golive.lab.azure.server``, certificate from the lab CA) per variant. The
variants are "compliant", the server's own (``throttled``) and every broken variant the fixture areas in
``golive/lab/azure/fixtures/`` define. Reach it with the Azure SDK's mgmt clients: ``base_url`` = the
``arm`` endpoint, ``connection_verify`` = the lab CA, the lab's offline bearer token.
"""

from __future__ import annotations

import sys

from golive.lab.azure import fixtures
from golive.lab.azure.arm import RESOURCE_GROUP, SUBSCRIPTION
from golive.lab.azure.server import SERVER_VARIANTS
from golive.lab.component import Component
from golive.lab.runtime import LabRuntime, tcp_ready


class AzureArm(Component):
    name = "azure"
    variants = {"compliant": "the SilentTalk Azure platform as runbook 002 (and 000's alarms) asks",
                **SERVER_VARIANTS, **fixtures.variants()}
    lab_ports = {"arm": 18510}
    page_size = 5  # collections longer than this answer with a nextLink

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        where = rt.dir(instance)
        cert_file, key_file = rt.server_cert(where, "localhost", "127.0.0.1", "management.lab.golive.test")
        port = ports["arm"]
        rt.spawn(instance, [sys.executable, "-m", "golive.lab.azure.server", "--port", str(port),
                            "--cert", str(cert_file), "--key", str(key_file), "--variant", variant,
                            "--page-size", str(self.page_size), "--state", str(rt.state_dir)],
                 tcp_ready(port))
        return {"arm": f"https://127.0.0.1:{port}", "ca_bundle": str(rt.ca_file),
                "subscription_id": SUBSCRIPTION, "resource_group": RESOURCE_GROUP}


COMPONENT = AzureArm()
