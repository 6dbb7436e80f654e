"""The embedded lab: real servers on loopback that the `local` profile and the self-tests point at.

Nothing in checks/, probes or providers imports this package: the lab is reached only through a
profile's endpoints, so a check runs unchanged against production and the lab.
"""
