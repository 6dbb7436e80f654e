"""Evidence redaction: secrets a run knows, and secret-shaped strings in API answers, never reach a report."""

from __future__ import annotations

from golive.evidence import REDACTED, Redactor, secret_values_in


def test_known_secrets_and_secret_shapes_are_redacted_in_api_shaped_data():
    answer = {  # shaped like what providers read: tags, settings, descriptions, nested lists
        "DBInstanceIdentifier": "silenttalk-production-postgres",
        "MasterUserPassword": "canary-api-pw-111",
        "Tags": [{"Key": "note", "Value": "rotated; static-auth-secret=canary-turn-222"}],
        "siteConfig": {"appSettings": [{"name": "DB", "value": "Server=x;Password=canary-conn-333;"}],
                       "clientSecret": "canary-sp-444"},
        "description": "key AKIAABCDEFGHIJKLMNOP and Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.canary555",
        "pem": "-----BEGIN PRIVATE KEY-----\nMIIcanary666\n-----END PRIVATE KEY-----",
        "known": "the run's own secret canary-known-777 appears in a free-text field",
    }
    clean = str(Redactor(["canary-known-777"]).data(answer))
    for canary in ("canary-api-pw-111", "canary-turn-222", "canary-conn-333", "canary-sp-444",
                   "AKIAABCDEFGHIJKLMNOP", "canary555", "MIIcanary666", "canary-known-777"):
        assert canary not in clean, canary
    assert REDACTED in clean and "silenttalk-production-postgres" in clean


def test_profile_secrets_are_found_in_secret_keys_and_urls():
    raw = {"items": {"X": {"api_token": "tok-1", "url": "https://u:pw-2@h/p?sig=sig-3&page=2"}}}
    assert set(secret_values_in(raw)) == {"tok-1", "pw-2", "sig-3"}
