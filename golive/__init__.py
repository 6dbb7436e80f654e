"""golive: go-live verification and compliance suite."""

__version__ = "0.1.0"
