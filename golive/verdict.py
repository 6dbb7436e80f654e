"""Verdicts: the one shared way a check says it could not observe, and the wording of non-compliance.

A check that cannot see its target must never pass. It raises CouldNotObserve, which the plugin
reports as a failure in the "could not observe" category, naming the target and the cause.
Non-compliance is an ordinary AssertionError whose message names the runbook number and the value seen.
"""

from __future__ import annotations


class CouldNotObserve(Exception):
    """The target, credentials, API or profile data needed to judge an item were not available."""

    def __init__(self, target: str, cause: str):
        self.target = target
        self.cause = cause
        super().__init__(f"Could not observe {target}: {cause}")


def non_compliant(problems: list[str], headline: str) -> str:
    """One failure message listing every problem found, for the change board."""
    lines = [f"NON-COMPLIANT: {headline}"] + [f"  - {p}" for p in problems]
    return "\n".join(lines)


def require(problems: list[str], headline: str) -> None:
    """Fail the check with every problem listed, or return when there are none."""
    if problems:
        raise AssertionError(non_compliant(problems, headline))
