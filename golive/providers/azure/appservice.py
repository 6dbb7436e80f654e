"""App Service: plans, sites, each site's configuration (siteConfig: minTlsVersion...) and autoscale settings."""

from __future__ import annotations

from typing import Any


def plans(az: Any) -> list[dict]:
    return az.read("web", "App Service plans", lambda c: c.app_service_plans.list_by_resource_group(az.resource_group))


def sites(az: Any) -> list[dict]:
    return az.read("web", "App Service sites", lambda c: c.web_apps.list_by_resource_group(az.resource_group))


def site_config(az: Any, site: str) -> dict:
    """The site's configuration (``config/web``): minTlsVersion, ftpsState, healthCheckPath..."""
    return az.read("web", f"configuration of site {site}",
                   lambda c: c.web_apps.get_configuration(az.resource_group, site))


def slots(az: Any, site: str) -> list[dict]:
    """The site's deployment slots (``sites/{site}/slots``), each named ``<site>/<slot>`` as ARM lists them."""
    return az.read("web", f"deployment slots of site {site}", lambda c: c.web_apps.list_slots(az.resource_group, site))


def autoscale_settings(az: Any) -> list[dict]:
    return az.read("monitor", "autoscale settings",
                   lambda c: c.autoscale_settings.list_by_resource_group(az.resource_group))
