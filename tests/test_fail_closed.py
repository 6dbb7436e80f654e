"""Fail-closed matrix: every check x {target unreachable, credentials missing, API errors, profile data missing}
ends failed or broken with a reason, never passed.

Generated from the registry and the `local` profile: a new check module and its section in `local` are
covered without touching this file. Each condition is applied to the whole profile (every lab endpoint,
every provider, every secret), so the check under test cannot find a healthy path around it. A condition a
check does not depend on (cloud credentials for HEALTH) is skipped with that reason, decided from the check
module itself (does it ask for the `providers` fixture, does its section name a secret).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import shared_lab_at
from gate import ROOT, run_gate
from golive.lab.runtime import free_port
from golive.profile.load import load_profile
from golive.profile.model import _ALIASES
from golive.registry import ITEMS, Item

pytestmark = pytest.mark.xdist_group("shared-lab-ports")
CONDITIONS = ("target-unreachable", "credentials-missing", "api-errors", "section-missing", "required-field-missing")
LAB_ADDRESS = re.compile(r"(127\.0\.0\.1|localhost):(18\d\d\d)")
SECTION_BY_ID = {alias: kind for kind, alias in _ALIASES.items()}


@pytest.fixture(scope="module")
def shared_lab(tmp_path_factory):
    """The `local` profile's lab, started once for the matrix on its fixed ports."""
    with shared_lab_at(tmp_path_factory.mktemp("matrix-lab")) as state:
        yield state


@pytest.fixture(scope="module")
def local_raw(shared_lab) -> dict[str, Any]:
    raw = copy.deepcopy(load_profile("local").raw)
    raw["lab"] = False  # the matrix started it already
    return raw


def _uses_providers(item: Item) -> bool:
    return "providers" in (ROOT / item.module).read_text(encoding="utf-8")


def _secret_refs(node: Any) -> list[dict]:
    if isinstance(node, dict):
        found = [node] if "env" in node and set(node) <= {"env", "file"} else []
        return found + [r for v in node.values() for r in _secret_refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _secret_refs(v)]
    return []


def _rewrite(node: Any, closed: int) -> Any:
    """Every lab address and lab port number in the profile, pointed at a port where nothing listens."""
    if isinstance(node, dict):
        return {k: (closed if "port" in str(k) and isinstance(v, int) and 18000 <= v < 19000 else _rewrite(v, closed))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite(v, closed) for v in node]
    if isinstance(node, str):
        return LAB_ADDRESS.sub(lambda m: f"{m.group(1)}:{closed}", node)
    return node


def _kubeconfig(raw: dict, tmp: Path, server: str | None = None, ca: Path | None = None, token: bool = True) -> str:
    data = yaml.safe_load(Path(raw["providers"]["kubernetes"]["kubeconfig"]).read_text())
    for cluster in data["clusters"]:
        if server:
            cluster["cluster"]["server"] = server
        if ca:
            cluster["cluster"].pop("certificate-authority-data", None)
            cluster["cluster"]["certificate-authority"] = str(ca)
    if not token:
        for user in data["users"]:
            user["user"] = {}
    path = tmp / f"kubeconfig-{len(list(tmp.glob('kubeconfig-*')))}"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def broken_profile(raw: dict, item: Item, condition: str, tmp: Path, faults, faults_ca: Path,
                   monkeypatch: pytest.MonkeyPatch) -> dict | None:
    """``raw`` with ``condition`` applied everywhere; None when the check does not depend on it."""
    profile = copy.deepcopy(raw)
    providers = profile.get("providers", {})
    if condition == "target-unreachable":
        closed = free_port()
        profile = _rewrite(profile, closed)
        if "kubernetes" in providers:
            profile["providers"]["kubernetes"]["kubeconfig"] = _kubeconfig(raw, tmp, f"https://127.0.0.1:{closed}")
        return profile
    if condition == "credentials-missing":
        section_refs = _secret_refs(profile["items"].get(item.id))
        if not _uses_providers(item) and not section_refs:
            return None
        for ref in _secret_refs(profile):
            monkeypatch.delenv(ref["env"], raising=False)
            if "file" in ref:
                ref["file"] = str(tmp / "no-such-secret")
        empty = tmp / "empty-credentials"
        empty.write_text("")
        providers["aws"]["credentials_file"] = str(empty)
        # DefaultAzureCredential without the lab's managed identity, kept off the network:
        for name in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_USERNAME"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AZURE_AUTHORITY_HOST", f"https://127.0.0.1:{free_port()}")
        for name in ("IDENTITY_ENDPOINT", "MSI_ENDPOINT"):  # managed identity asks loopback, never IMDS
            monkeypatch.setenv(name, f"http://127.0.0.1:{free_port()}/msi/token")
        monkeypatch.setenv("IDENTITY_HEADER", "golive-matrix")
        providers["kubernetes"]["kubeconfig"] = _kubeconfig(raw, tmp, token=False)
        return profile
    if condition == "api-errors":
        if not _uses_providers(item):
            return None
        providers["aws"].update(endpoint_url=faults.endpoints["http"], max_attempts=1)
        providers["azure"].update(arm_endpoint=faults.endpoints["https"], ca_bundle=str(faults_ca), max_retries=0)
        providers["kubernetes"].update(kubeconfig=_kubeconfig(raw, tmp, faults.endpoints["https"], faults_ca),
                                       max_attempts=1)
        return profile
    if condition == "section-missing":
        del profile["items"][item.id]
        return profile
    if condition == "required-field-missing":
        kind = SECTION_BY_ID[item.id]
        section = profile["items"][item.id]
        required = [f.alias or name for name, f in kind.model_fields.items() if f.is_required()]
        present = [name for name in required if name in section]
        if not present:
            return None
        del section[present[0]]
        return profile
    raise AssertionError(condition)


@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_never_passes(item, condition, local_raw, pytester, lab, lab_rt, tmp_path, monkeypatch):
    faults = lab("faults", "throttle")
    profile = broken_profile(local_raw, item, condition, tmp_path, faults, lab_rt.ca_file, monkeypatch)
    if profile is None:
        pytest.skip(f"{item.id} does not depend on {condition.replace('-', ' ')}")
    result = run_gate(pytester, profile, Path(item.module).name)
    if condition == "required-field-missing":
        assert result.ret == 4 and f"items.{item.id}." in result.output, result.output[-2000:]
        return
    verdict = result.verdict(item.id)
    assert verdict in {"could-not-observe", "non-compliant"}, f"{item.id} under {condition}: {verdict}\n" + \
        result.output[-3000:]
    assert result.messages(item.id).strip(), "a failure must say why"
    assert result.ret != 0
