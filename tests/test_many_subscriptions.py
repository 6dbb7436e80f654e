"""Many Azure subscriptions in one gate (issue 18 bullet 1): each lab ARM variant serves its own subscription id,
so two emulators are two subscriptions; each is judged on its own and named in its findings, each call's URL
carries its own subscription, and a subscription nobody holds is a named blind spot, as real ARM answers it."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
import uuid

import pytest
import yaml

from gate import ROOT, profile_dict, run_gate
from golive.audit import ApiCall
from golive.lab.azure.arm import LAB_TOKEN, SUBSCRIPTION, subscription_for
from golive.lab.components.azure import COMPONENT
from golive.profile.model import AzureProvider as AzureConfig
from golive.providers.azure import AzureProvider
from test_check_multi_az import PROFILES

BROKEN = "redis-two-zones"
FINDING = "broken: Azure Cache for Redis silenttalk-redis: 2 zones (1, 2)"
#: a subscription no lab emulator holds
NOBODY = "0badc0de-0000-4000-8000-00000000dead"


# --- without a network ----------------------------------------------------------------------------------
def test_each_variant_has_its_own_stable_subscription_and_the_compliant_one_keeps_the_profiles_id():
    local = yaml.safe_load((ROOT / "profiles" / "local.yaml").read_text())
    assert subscription_for("compliant") == SUBSCRIPTION == local["providers"]["azure"]["subscription_id"]
    ids = {v: subscription_for(v) for v in COMPONENT.variants}
    assert len(set(ids.values())) == len(ids), "two variants share a subscription id"
    assert all(str(uuid.UUID(i)) == i for i in ids.values())
    assert subscription_for(BROKEN) == subscription_for(BROKEN)  # stable: a profile can name it


# --- on the lab: two ARM emulators, two subscriptions -----------------------------------------------------
@pytest.fixture(scope="module")
def started(lab):
    return {"ok": lab("azure", "compliant"), "broken": lab("azure", BROKEN)}


def _block(started, **over) -> dict:
    return {**PROFILES["azure"](started)["providers"]["azure"], **over}


def _gate(pytester, started_by_name: dict, **subscriptions: str):
    """MULTI-AZ over one target per name (its emulator; its subscription id when given)."""
    targets = [{**_block(s), "name": name, **({"subscription_id": subscriptions[name]} if name in subscriptions else {})}
               for name, s in started_by_name.items()]
    section = PROFILES["azure"](next(iter(started_by_name.values())))["items"]["MULTI-AZ"]
    return run_gate(pytester, profile_dict({"MULTI-AZ": section}, runbooks=["002"],
                                           providers={"azure_targets": targets}), "multi_az")



def _subscription_of(call: ApiCall) -> str:
    parts = call.path.split("/")
    assert parts[1].lower() == "subscriptions", call
    return parts[2]


def test_the_emulators_serve_their_own_subscription_in_every_id(started):
    ids = {name: s.endpoints["subscription_id"] for name, s in started.items()}
    assert ids == {"ok": SUBSCRIPTION, "broken": subscription_for(BROKEN)}
    for name, s in started.items():
        az = AzureProvider(AzureConfig(**_block(s)))
        (redis,) = az.redis.caches()
        assert redis["id"].startswith(f"/subscriptions/{ids[name]}/resourceGroups/"), redis["id"]
        (plan,) = az.appservice.plans()
        assert ids[name] in plan["id"] and all(ids[name] in site["properties"]["serverFarmId"]
                                               for site in az.appservice.sites())  # references moved too


def test_a_subscription_the_emulator_does_not_hold_answers_as_arm_does(started):
    endpoints = started["ok"].endpoints
    path = (f"/subscriptions/{NOBODY}/resourceGroups/{endpoints['resource_group']}/providers/Microsoft.Cache/redis"
            f"?api-version=2024-11-01")
    request = urllib.request.Request(endpoints["arm"] + path, headers={"Authorization": f"Bearer {LAB_TOKEN}"})
    context = ssl.create_default_context(cafile=endpoints["ca_bundle"])
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, context=context, timeout=5)  # noqa: S310 (the lab's loopback ARM)
    assert caught.value.code == 404
    assert json.loads(caught.value.read()) == {"error": {
        "code": "SubscriptionNotFound", "message": f"The subscription '{NOBODY}' could not be found."}}
    # the broken variant does not hold the compliant platform's subscription either
    other = started["broken"].endpoints["arm"] + path.replace(NOBODY, SUBSCRIPTION)
    with pytest.raises(urllib.error.HTTPError, match="404"):
        urllib.request.urlopen(urllib.request.Request(other, headers={"Authorization": f"Bearer {LAB_TOKEN}"}),
                               context=context, timeout=5)  # noqa: S310


def test_two_subscriptions_each_judged_named_and_read_at_their_own_urls(pytester, started):
    result = _gate(pytester, started)
    said = result.messages("MULTI-AZ")
    assert result.verdict("MULTI-AZ") == "non-compliant", result.output
    assert FINDING in said and "ok: " not in said, said
    assert result.summary["items"]["MULTI-AZ"].get("blind_spots", []) == []

    calls = result.calls()
    assert calls and not [c for c in calls if not c.is_read]
    ids = {name: s.endpoints["subscription_id"] for name, s in started.items()}
    assert {c.target for c in calls} == {"ok", "broken"}  # every call names its target
    assert [(c.target, c.path) for c in calls if _subscription_of(c) != ids[c.target]] == []  # and its own id
    actions = {name: sorted(c.action for c in calls if c.target == name) for name in ids}
    assert actions["ok"] == actions["broken"], actions  # the same reads in each subscription


def test_a_subscription_nobody_holds_is_a_named_blind_spot_beside_the_broken_finding(pytester, started):
    both = {"broken": started["broken"], "gone": started["ok"]}
    result = _gate(pytester, both, gone=NOBODY)
    said = result.messages("MULTI-AZ")
    assert result.verdict("MULTI-AZ") == "non-compliant", result.output
    assert result.ret == 1 and FINDING in said, said
    blind = result.summary["items"]["MULTI-AZ"].get("blind_spots", [])
    assert blind and all("gone" in b and NOBODY in b and "SubscriptionNotFound" in b for b in blind), blind
    assert "gone" in said and "SubscriptionNotFound" in said, said  # listed after the finding
    assert "check providers.azure_targets[gone].subscription_id" in said, said  # the entry to fix
    assert not [line for line in said.splitlines() if line.startswith("- gone") and "not found" in line
                and "SubscriptionNotFound" not in line], said  # unseen, never "not found"

    calls = result.calls()
    assert {c.target for c in calls} == {"broken", "gone"}
    assert {_subscription_of(c) for c in calls if c.target == "gone"} == {NOBODY}
    assert {_subscription_of(c) for c in calls if c.target == "broken"} == {subscription_for(BROKEN)}

