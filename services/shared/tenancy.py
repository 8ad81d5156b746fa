"""Tenants, roles and the signed, expiring bearer tokens that carry them.

Every request names its tenant through its token; every query filters by it; an object of
another tenant is simply not found (404), never shown.
"""

from __future__ import annotations

import functools
import time
from dataclasses import asdict, dataclass

from flask import current_app, g, request
from flask_smorest import abort
from itsdangerous import BadSignature, URLSafeSerializer

from . import logs

ROLES = ("operator", "coordinator", "representative", "participant")
OPERATOR_TENANT = "*"  # an operator acts for the platform, not inside one tenant
_SALT = "tandem.token.v1"


@dataclass(frozen=True)
class Principal:
    """Who is asking: a role inside one tenant (an operator stands above the tenants)."""

    tenant: str
    role: str
    sub: str  # who: an e-mail, a participant id, or "operator"
    exp: int
    org: str | None = None  # a representative's member organisation
    scope: str | None = None  # narrows a participant token, e.g. to one application

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"


def issue_token(
    key: str,
    *,
    tenant: str,
    role: str,
    sub: str,
    ttl: int = 8 * 3600,
    org: str | None = None,
    scope: str | None = None,
) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "operator":
        tenant = OPERATOR_TENANT
    elif not tenant or tenant == OPERATOR_TENANT:
        raise ValueError("a token below operator must name its tenant")
    claims = Principal(tenant=tenant, role=role, sub=sub, exp=int(time.time()) + ttl, org=org, scope=scope)
    return URLSafeSerializer(key, salt=_SALT).dumps({k: v for k, v in asdict(claims).items() if v is not None})


class TokenError(ValueError):
    pass


def verify_token(key: str, token: str) -> Principal:
    try:
        claims = URLSafeSerializer(key, salt=_SALT).loads(token)
    except BadSignature:
        raise TokenError("the token's signature is not valid") from None
    try:
        principal = Principal(**claims)
    except TypeError:
        raise TokenError("the token's claims are not Tandem's") from None
    if principal.exp < time.time():
        raise TokenError("the token has expired")
    if principal.role not in ROLES:
        raise TokenError("the token names an unknown role")
    return principal


def current_principal() -> Principal:
    return g.principal


def current_tenant() -> str:
    """The tenant every query of this request is confined to."""
    return g.principal.tenant


def authenticate() -> Principal:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header[7:].strip()
    elif request.args.get("token"):
        token = request.args["token"]  # a personal link in an e-mail carries its token
    else:
        abort(401, message="A bearer token is required.", errors={"Authorization": ["missing bearer token"]})
    try:
        principal = verify_token(current_app.config["TANDEM_SETTINGS"].signing_key, token)
    except TokenError as exc:
        abort(401, message=str(exc), errors={"Authorization": [str(exc)]})
    g.principal = principal
    logs.tenant.set(principal.tenant)
    return principal


def participant_token(key: str, *, tenant: str, sub: str, scope: str, ttl: int) -> str:
    """A personal token for one application, nomination or survey link."""
    return issue_token(key, tenant=tenant, role="participant", sub=sub, scope=scope, ttl=ttl)


def require(*roles: str):
    """Decorator: the request must carry a valid token with one of ``roles``."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            principal = authenticate()
            if principal.role not in roles:
                abort(403, message=f"This needs the role {' or '.join(roles)}.")
            return view(*args, **kwargs)

        return wrapped

    return decorate
