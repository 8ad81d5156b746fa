"""Tokens carry tenant and role, are signed and expire."""

import time

import pytest

from services.shared.tenancy import TokenError, issue_token, verify_token

KEY = "k" * 32


def test_a_coordinator_token_names_its_tenant_and_role():
    principal = verify_token(KEY, issue_token(KEY, tenant="saco", role="coordinator", sub="anna@example.se"))
    assert (principal.tenant, principal.role, principal.sub) == ("saco", "coordinator", "anna@example.se")


def test_an_operator_stands_above_the_tenants():
    assert verify_token(KEY, issue_token(KEY, tenant="saco", role="operator", sub="ops")).tenant == "*"


def test_a_token_below_operator_must_name_a_tenant():
    with pytest.raises(ValueError):
        issue_token(KEY, tenant="*", role="coordinator", sub="x")


def test_a_token_signed_with_another_key_is_refused():
    with pytest.raises(TokenError, match="signature"):
        verify_token(KEY, issue_token("other" * 8, tenant="saco", role="coordinator", sub="x"))


def test_a_tampered_token_is_refused():
    token = issue_token(KEY, tenant="saco", role="coordinator", sub="x")
    with pytest.raises(TokenError):
        verify_token(KEY, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))


def test_an_expired_token_is_refused(monkeypatch):
    token = issue_token(KEY, tenant="saco", role="coordinator", sub="x", ttl=60)
    monkeypatch.setattr(time, "time", lambda: 10**12)
    with pytest.raises(TokenError, match="expired"):
        verify_token(KEY, token)
