"""A server that answers every request with an API error, for the fail-closed self-tests."""
