"""Lab faults: an API that answers every call with throttling (429) or a server error (500).

Not part of the shared lab (no compliant variant to offer a profile); the fail-closed self-tests point
a provider's endpoint at it to prove that API errors end as "could not observe", never as a pass.
"""

from __future__ import annotations

import sys

from golive.lab.component import Component
from golive.lab.runtime import LabRuntime, tcp_ready


class Faults(Component):
    name = "faults"
    variants = {"compliant": "not used: every variant is broken", "throttle": "every call answers 429 throttling",
                "server-error": "every call answers 500"}
    lab_ports = {"http": 18590, "https": 18591}
    shared = False

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        mode = "server-error" if variant == "compliant" else variant
        where = rt.dir(instance)
        rt.server_cert(where)
        base = [sys.executable, "-m", "golive.lab.faults.server", "--mode", mode]
        rt.spawn(f"{instance}-http", [*base, "--port", str(ports["http"])], tcp_ready(ports["http"]))
        rt.spawn(f"{instance}-https", [*base, "--port", str(ports["https"]), "--cert", str(where / "cert.pem"),
                                       "--key", str(where / "key.pem")], tcp_ready(ports["https"]))
        return {"http": f"http://127.0.0.1:{ports['http']}", "https": f"https://127.0.0.1:{ports['https']}"}


COMPONENT = Faults()
