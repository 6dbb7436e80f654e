"""ROLLOUT on Azure: each App Service site is Running and runs the release (runbook 002's App Service).

Microsoft.Web/sites properties.state ("Running", "Stopped") and the site's config/web linuxFxVersion: a container
site says ``DOCKER|<image>:<tag>``; a site on a built-in stack (``NODE|20-lts``) does not say which release it
runs, so its version is a blind spot, not a pass. Per site: one whose configuration cannot be read blinds only it.
"""

from __future__ import annotations

from typing import Any

from golive.providers.azure import appservice
from golive.providers.azure.core import records
from golive.providers.records_rollout import Rollout
from golive.verdict import Records, each

SOURCE = "Microsoft.Web/sites properties.state; sites/config/web properties.linuxFxVersion (DOCKER|image:tag)"


@records("rollouts")
def app_service_rollouts(az: Any) -> Records:
    return each(appservice.sites(az), lambda site: [site_rollout(site, appservice.site_config(az, site["name"]),
                                                                 az.resource_group)])


def site_rollout(site: dict[str, Any], config: dict[str, Any], scope: str) -> Rollout:
    """One site and its config/web as a Rollout (pure)."""
    state = (site.get("properties") or {}).get("state")
    fx = (config.get("properties") or {}).get("linuxFxVersion") or ""
    kind, _, image = fx.partition("|")
    container = kind.upper() in ("DOCKER", "COMPOSE") and bool(image)
    unknown = ((f"App Service {site['name']} properties.state",) if state is None else ()) + (
        () if container else (f"App Service {site['name']} release: linuxFxVersion is {fx or '(not set)'!r}, not a "
                              f"container image (DOCKER|image:tag), so the site does not say which release it runs",))
    return Rollout(cloud="azure", kind="App Service", name=site["name"], scope=scope, counted=False, state=state,
                   images=((site["name"], image),) if container else (), unknown=unknown, source=SOURCE)
