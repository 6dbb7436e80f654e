"""ROLLOUT on Azure: each App Service site is Running and runs the release (runbook 002's App Service).

Microsoft.Web/sites properties.state ("Running", "Stopped") and the site's config/web linuxFxVersion: a container
site says ``DOCKER|<image>:<tag>``; a site on a built-in stack (``NODE|20-lts``) does not say which release it
runs, so its version is a blind spot, not a pass. Per site: one whose configuration cannot be read blinds only it.
Each site's deployment slots (``sites/{site}/slots``, named ``<site>/<slot>``) are judged the same way, from the
slot's own properties.state and properties.siteConfig.linuxFxVersion.
"""

from __future__ import annotations

from typing import Any

from golive.providers.azure import appservice
from golive.providers.azure.core import records
from golive.providers.records_rollout import Rollout
from golive.verdict import Records, each

SOURCE = ("Microsoft.Web/sites properties.state; sites/config/web properties.linuxFxVersion (DOCKER|image:tag); "
          "sites/slots properties.state and properties.siteConfig.linuxFxVersion")


@records("rollouts")
def app_service_rollouts(az: Any) -> Records:
    sites = appservice.sites(az)
    out = each(sites, lambda site: [site_rollout(site, appservice.site_config(az, site["name"]), az.resource_group)])
    # a site whose slots cannot be read blinds only its slots, not the site itself
    out.add(each(sites, lambda site: [slot_rollout(slot, az.resource_group)
                                      for slot in appservice.slots(az, site["name"])]))
    return out


def slot_rollout(slot: dict[str, Any], scope: str) -> Rollout:
    """One deployment slot (``<site>/<slot>``), judged like a site from its own properties.siteConfig (pure)."""
    return site_rollout(slot, {"properties": (slot.get("properties") or {}).get("siteConfig") or {}}, scope)


def site_rollout(site: dict[str, Any], config: dict[str, Any], scope: str) -> Rollout:
    """One site (or slot, named ``<site>/<slot>``) and its config/web as a Rollout (pure)."""
    state = (site.get("properties") or {}).get("state")
    fx = (config.get("properties") or {}).get("linuxFxVersion") or ""
    kind, _, image = fx.partition("|")
    container = kind.upper() in ("DOCKER", "COMPOSE") and bool(image)
    unknown = ((f"App Service {site['name']} properties.state",) if state is None else ()) + (
        () if container else (f"App Service {site['name']} release: linuxFxVersion is {fx or '(not set)'!r}, not a "
                              f"container image (DOCKER|image:tag), so the site does not say which release it runs",))
    return Rollout(cloud="azure", kind="App Service", name=site["name"], scope=scope, counted=False, state=state,
                   images=((site["name"], image),) if container else (), unknown=unknown, source=SOURCE)
