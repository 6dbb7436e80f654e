"""Probes of live endpoints: each returns a frozen, typed observation; none judges it."""
