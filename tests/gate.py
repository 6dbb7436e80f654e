"""Run a check module as a user would (pytest with --profile) inside the self-tests, and read its verdict."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class GateResult:
    ret: int
    outcomes: dict[str, int]
    summary: dict[str, Any]
    allure_dir: Path
    output: str

    def verdict(self, item_id: str) -> str | None:
        return self.summary.get("items", {}).get(item_id, {}).get("verdict")

    def messages(self, item_id: str) -> str:
        tests = self.summary.get("items", {}).get(item_id, {}).get("tests", [])
        return "\n".join(t["message"] for t in tests if t["message"])

    def calls(self) -> list:
        """The cloud API calls the run audited (its audit.jsonl, beside allure-results)."""
        from golive.audit import AuditLog
        return AuditLog(self.allure_dir.parent / "audit.jsonl").calls()

    def attachments(self) -> str:
        """Every attachment and result file the run wrote, as one text (for redaction/evidence asserts)."""
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.allure_dir.iterdir()) if p.is_file())


def profile_dict(items: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A minimal valid profile around the given items sections."""
    return {"name": "selftest", "runbooks": ["000"], "lab": False, **top, "items": items}


def run_gate(pytester: pytest.Pytester, profile: dict[str, Any], *modules: str, args: tuple[str, ...] = ()) -> GateResult:
    """Run ``checks/<module>`` against ``profile`` in-process; returns outcomes and golive's summary."""
    path = pytester.path / "profile.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")
    allure_dir = pytester.path / "allure-results"
    targets = [str(ROOT / "checks" / (m if m.endswith(".py") else f"test_{m}.py")) for m in modules]
    result = pytester.runpytest_inprocess(
        *targets, "--profile", str(path), "--alluredir", str(allure_dir), "--clean-alluredir",
        "--junitxml", str(pytester.path / "junit.xml"), "-p", "no:cacheprovider", "-p", "no:randomly",
        "--rootdir", str(ROOT), "-c", str(ROOT / "pytest.ini"), *args)
    summary_file = allure_dir / "golive-summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
    return GateResult(int(result.ret), result.parseoutcomes() if result.outlines else {}, summary, allure_dir,
                      "\n".join(result.outlines + result.errlines))
