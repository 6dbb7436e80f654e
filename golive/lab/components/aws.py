"""Lab AWS: moto's server (with golive's extensions) on loopback, seeded with SilentTalk's AWS shape.

One emulator process per lab runtime serves every variant: each variant is seeded, on its first start, into
its own AWS account (access key ``AKIALAB0<account id>``, see golive.lab.aws.extensions), so compliant and
broken variants run side by side and a second variant costs seconds, not a process. The variants are the
seed modules' ``VARIANTS`` (golive/lab/aws/seeds/<area>.py); "compliant" is every area's compliant seed.

``Started.endpoints``: endpoint_url, region, profile, credentials_file, account_id, access_key_id and log;
``profile_block(started)`` turns them into a profile's ``providers.aws`` block.
"""

from __future__ import annotations

import configparser
import os
import sys
import threading
from pathlib import Path
from typing import Any

from golive.lab.aws import seeds
from golive.lab.aws.extensions import access_key_for
from golive.lab.component import Component, Started
from golive.lab.runtime import LabError, LabRuntime, free_port, port_in_use, tcp_ready

ROOT = Path(__file__).resolve().parents[3]
_LOCK = threading.Lock()


def profile_name(variant: str) -> str:
    """The AWS profile (section of the lab's credentials file) of a variant's account."""
    return f"golive-lab-{variant}"


def profile_block(started: Started) -> dict[str, Any]:
    """A profile's ``providers.aws`` block for a started variant."""
    keys = ("region", "profile", "endpoint_url", "credentials_file")
    return {key: started.endpoints[key] for key in keys}


class AwsEmulator(Component):
    name = "aws"
    variants = seeds.variants()
    lab_ports = {"api": 18500}

    def start(self, rt: LabRuntime, variant: str = "compliant", ports: dict[str, int] | None = None,
              instance: str | None = None) -> Started:
        """Seed ``variant`` into the runtime's emulator (process ``instance`` or "aws"), starting it if needed."""
        if variant not in self.variants:
            raise LabError(f"{self.name} has no variant {variant!r}; known: {', '.join(self.variants)}")
        process = instance or self.name
        with _LOCK:
            port = self._running_port(rt, process)
            if port is None:
                port = (ports or {}).get("api") or free_port()
                if ports and port_in_use(port):
                    raise LabError(f"lab port {port} (aws api) is already in use by another process; stop it, "
                                   f"or run `golive lab down` if it is a lab left running")
                self.launch(rt, variant, {"api": port}, process)
            endpoints = self._seed(rt, process, port, variant)
        return Started(self.name, variant, endpoints, {"api": port})

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        """Start the emulator process only (seeding is per variant, in ``start``)."""
        where = rt.dir(instance)
        for marker in (where / "seeded").glob("*"):  # a new process holds no account yet
            marker.unlink()
        (where / "credentials").unlink(missing_ok=True)
        env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        rt.spawn(instance, [sys.executable, "-m", "golive.lab.aws.server", str(ports["api"])],
                 tcp_ready(ports["api"]), timeout=30.0, env=env, cwd=ROOT)
        (where / "port").write_text(str(ports["api"]), encoding="utf-8")
        return {"endpoint_url": f"http://127.0.0.1:{ports['api']}"}

    @staticmethod
    def _running_port(rt: LabRuntime, process: str) -> int | None:
        port_file = rt.state_dir / process / "port"
        alive = (process in rt.procs and rt.procs[process].popen.poll() is None) or rt.pid_alive(process)
        if alive and port_file.exists():
            return int(port_file.read_text(encoding="utf-8"))
        return None

    def _seed(self, rt: LabRuntime, process: str, port: int, variant: str) -> dict[str, str]:
        where = rt.dir(process)
        endpoint = f"http://127.0.0.1:{port}"
        account = seeds.account_for(variant)
        marker = where / "seeded" / variant
        if not marker.exists():
            try:
                seeds.seed(endpoint, variant)
            except Exception as exc:
                raise LabError(f"seeding AWS lab variant {variant!r} into {endpoint} failed: "
                               f"{type(exc).__name__}: {exc}; see {rt.state_dir / 'logs' / (process + '.log')}"
                               ) from exc
            self._write_credentials(where / "credentials", variant, account)
            marker.parent.mkdir(exist_ok=True)
            marker.write_text(account, encoding="utf-8")
        return {"endpoint_url": endpoint, "region": seeds.REGION, "profile": profile_name(variant),
                "credentials_file": str(where / "credentials"), "account_id": account,
                "access_key_id": access_key_for(account), "log": str(rt.state_dir / "logs" / f"{process}.log")}

    @staticmethod
    def _write_credentials(path: Path, variant: str, account: str) -> None:
        """Add the variant's fake keys to the emulator's shared credentials file (one profile per variant)."""
        creds = configparser.ConfigParser()
        creds.read(path)
        creds[profile_name(variant)] = {"aws_access_key_id": access_key_for(account),
                                        "aws_secret_access_key": seeds.SECRET_KEY}
        temp = path.with_suffix(".tmp")
        with temp.open("w", encoding="utf-8") as out:
            out.write("# golive lab: fake keys of the AWS emulator; the access key id selects the account\n")
            creds.write(out)
        temp.replace(path)


COMPONENT = AwsEmulator()
