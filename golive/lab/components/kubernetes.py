"""Lab Kubernetes: an emulated, read-only Kubernetes API server that the official client talks to unchanged.

No real API server can run here, so golive.lab.kubernetes serves real-shaped objects from YAML fixtures:
the social platform (runbook 003, namespace social-platform-production), the enterprise API (runbook 004,
namespace production), nodes in three zones and Velero backups (runbook 001, namespace velero).
Variants are the fixture folders (golive/lab/kubernetes/fixtures/<variant>/, an overlay on ``compliant``);
adding one touches no shared file. The component writes a kubeconfig (server, lab CA, token) and returns it.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import yaml

from golive.lab.component import Component
from golive.lab.kubernetes.store import variants
from golive.lab.runtime import LabRuntime, tcp_ready

CONTEXT = "golive-lab"
NAMESPACES = ("social-platform-production", "production", "velero")


def write_kubeconfig(path: Path, server: str, ca_file: Path, token: str) -> Path:
    config = {
        "apiVersion": "v1", "kind": "Config", "preferences": {}, "current-context": CONTEXT,
        "clusters": [{"name": CONTEXT, "cluster": {"server": server, "certificate-authority": str(ca_file)}}],
        "users": [{"name": "golive-reader", "user": {"token": token}}],
        "contexts": [{"name": CONTEXT, "context": {"cluster": CONTEXT, "user": "golive-reader",
                                                   "namespace": NAMESPACES[0]}}],
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    path.chmod(0o600)
    return path


class Kubernetes(Component):
    name = "kubernetes"
    variants = variants()
    lab_ports = {"https": 18520}

    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        where = rt.dir(instance)
        cert_file, key_file = rt.server_cert(where, "127.0.0.1", "localhost", "kubernetes.lab.golive.test")
        key_file.chmod(0o600)
        token = secrets.token_urlsafe(24)
        server = f"https://127.0.0.1:{ports['https']}"
        access_log = where / "access.log"
        access_log.write_text("", encoding="utf-8")
        kubeconfig = write_kubeconfig(where / "kubeconfig", server, rt.ca_file, token)
        rt.spawn(instance, [sys.executable, "-m", "golive.lab.kubernetes.server", "--port", str(ports["https"]),
                            "--cert", str(cert_file), "--key", str(key_file), "--variant", variant,
                            "--access-log", str(access_log)],
                 tcp_ready(ports["https"]), env={"GOLIVE_K8S_TOKEN": token},
                 cwd=Path(__file__).resolve().parents[3])
        return {"kubeconfig": str(kubeconfig), "server": server, "context": CONTEXT, "ca": str(rt.ca_file),
                "namespaces": ",".join(NAMESPACES), "access_log": str(access_log)}


COMPONENT = Kubernetes()
