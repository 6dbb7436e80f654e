"""Lab components: each a real server with a compliant variant and named broken variants.

A component module in ``golive.lab.components`` defines ``COMPONENT``, an instance of a Component subclass.
The registry discovers them, so adding a component touches no shared file.
"""

from __future__ import annotations

import importlib
import pkgutil
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from golive.lab.runtime import LabError, LabRuntime, free_port, port_in_use


@dataclass(frozen=True)
class Started:
    """A running component: its variant and the endpoints a profile points at."""

    component: str
    variant: str
    endpoints: dict[str, str]
    ports: dict[str, int]


class Component(ABC):
    name: ClassVar[str]
    #: variant name -> what is wrong with it ("compliant" is the good one)
    variants: ClassVar[dict[str, str]]
    #: fixed loopback ports of the shared lab (`golive lab up`, the `local` profile); name -> port
    lab_ports: ClassVar[dict[str, int]]
    #: ports that are UDP (the rest are TCP)
    udp_ports: ClassVar[frozenset[str]] = frozenset()
    #: part of the shared lab (`golive lab up`); False for test-only components
    shared: ClassVar[bool] = True

    def start(self, rt: LabRuntime, variant: str = "compliant", ports: dict[str, int] | None = None,
              instance: str | None = None) -> Started:
        """Start a variant; with ``ports`` None, on free ports (self-tests), else on the given ones."""
        if variant not in self.variants:
            raise LabError(f"{self.name} has no variant {variant!r}; known: {', '.join(self.variants)}")
        if ports is None:
            ports = {k: free_port(_kind(k in self.udp_ports)) for k in self.lab_ports}
        else:
            for key, port in ports.items():
                if port_in_use(port, _kind(key in self.udp_ports)):
                    raise LabError(f"lab port {port} ({self.name} {key}) is already in use by another process; "
                                   f"stop it, or run `golive lab down` if it is a lab left running")
        instance = instance or f"{self.name}-{variant}"
        endpoints = self.launch(rt, variant, ports, instance)
        return Started(self.name, variant, endpoints, dict(ports))

    @abstractmethod
    def launch(self, rt: LabRuntime, variant: str, ports: dict[str, int], instance: str) -> dict[str, str]:
        """Start the processes (through ``rt.spawn``) and return the endpoints."""


def _kind(udp: bool) -> int:
    import socket
    return socket.SOCK_DGRAM if udp else socket.SOCK_STREAM


def components() -> dict[str, Component]:
    """Every component in golive.lab.components, by name."""
    import golive.lab.components as package

    found: dict[str, Component] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        component = getattr(module, "COMPONENT", None)
        if isinstance(component, Component):
            found[component.name] = component
    return dict(sorted(found.items()))
