"""Sovereign clouds and ARM-compatible endpoints: the profile names the cloud, and the provider hands that cloud's
ARM endpoint and credential scope to the mgmt clients and its authority to DefaultAzureCredential. No network."""

from __future__ import annotations

import pytest
from azure.identity import AzureAuthorityHosts
from pydantic import ValidationError

from golive.profile.model import AzureProvider as AzureConfig
from golive.providers.azure.core import AzureProvider, cloud_of

BASE = {"subscription_id": "5e1a7a1c-0000-4000-8000-000000000002", "resource_group": "rg"}
CUSTOM = {"cloud": "custom", "arm_endpoint": "https://management.azurestack.contoso.test/",
          "authority_host": "https://login.azurestack.contoso.test", "audience": "https://management.contoso.test/"}


@pytest.mark.parametrize(("name", "arm", "authority"), [
    ("public", "https://management.azure.com", AzureAuthorityHosts.AZURE_PUBLIC_CLOUD),
    ("usgovernment", "https://management.usgovcloudapi.net", AzureAuthorityHosts.AZURE_GOVERNMENT),
    ("china", "https://management.chinacloudapi.cn", AzureAuthorityHosts.AZURE_CHINA),
])
def test_named_clouds_have_their_endpoint_scope_and_authority(name, arm, authority):
    cloud = cloud_of(AzureConfig(**BASE, cloud=name))
    assert (cloud.arm_endpoint, cloud.credential_scope, cloud.authority_host) == (arm, f"{arm}/.default", authority)


def test_public_is_the_default():
    assert cloud_of(AzureConfig(**BASE)).arm_endpoint == "https://management.azure.com"


def test_custom_cloud_comes_from_the_profile():
    cloud = cloud_of(AzureConfig(**BASE, **CUSTOM))
    assert cloud.arm_endpoint == "https://management.azurestack.contoso.test"
    assert cloud.authority_host == "https://login.azurestack.contoso.test"
    assert cloud.credential_scope == "https://management.contoso.test/.default"
    explicit = cloud_of(AzureConfig(**BASE, **{**CUSTOM, "audience": "api://arm/.default"}))
    assert explicit.credential_scope == "api://arm/.default"


@pytest.mark.parametrize(("values", "named"), [
    ({**CUSTOM, "arm_endpoint": None}, "arm_endpoint"),
    ({"cloud": "custom"}, "arm_endpoint, authority_host, audience"),
    ({"cloud": "china", "arm_endpoint": "https://management.example.test"}, "arm_endpoint apply only to cloud: custom"),
    ({"cloud": "moon"}, "cloud"),
    ({**CUSTOM, "arm_endpoint": "http://management.example.test"}, "arm_endpoint"),
    ({"lab_token": True}, "lab_token is gone"),
    ({"base_url": "https://127.0.0.1:18510"}, "base_url is gone"),
])
def test_a_wrong_cloud_is_a_profile_error_naming_the_field(values, named):
    with pytest.raises(ValidationError, match=named):
        AzureConfig(**BASE, **{k: v for k, v in values.items() if v is not None})


@pytest.mark.parametrize("values", [{"cloud": "usgovernment"}, {"cloud": "china"}, CUSTOM])
def test_clients_and_credential_are_given_the_cloud(values, monkeypatch):
    asked = {}

    class Recorder:
        def __init__(self, **kwargs):
            asked.update(kwargs)

    monkeypatch.setattr("azure.identity.DefaultAzureCredential", Recorder)
    az = AzureProvider(AzureConfig(**BASE, **values))
    cloud = cloud_of(az.config)
    client = az.client("redis")._client
    assert client._config.credential_scopes == [cloud.credential_scope]
    assert client._client._base_url == cloud.arm_endpoint
    assert asked == {"authority": cloud.authority_host}
    assert cloud.arm_endpoint in repr(az)
