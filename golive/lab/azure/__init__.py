"""An emulated Azure Resource Manager for the lab: ARM JSON in the real shape and api-versions.

``arm.py`` holds the resource store and id helpers, ``fixtures/<area>.py`` the SilentTalk Azure platform
of runbook 002 one area at a time (compliant resources plus the broken variants that area knows),
``server.py`` the HTTPS server the component ``golive.lab.components.azure`` starts.
"""
