"""Whose data a request works on: a coordinator's own tenant; an operator names one."""

from __future__ import annotations

from services.shared.errors import Invalid
from services.shared.tenancy import Principal


def tenant_of(principal: Principal, named: str | None = None) -> str:
    """The tenant a request works in: the coordinator's own; an operator's named with
    ``?tenant=``, refused as invalid when they name none."""
    if not principal.is_operator:
        return principal.tenant
    if not named:
        raise Invalid("An operator names the tenant.", {"tenant": ["Missing data for required field."]},
                      location="query")
    return named
