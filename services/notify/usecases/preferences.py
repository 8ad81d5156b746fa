"""A person's choices (the non-essential messages they do not want, the time zone to show times
in), set by themselves through their personal link or by a coordinator on their behalf."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.shared import clock
from services.shared.errors import Forbidden, NotFound
from services.shared.tenancy import Principal, TokenError, verify_token

from ..domain.deliveries import UNSUBSCRIBE_SCOPE
from ..store import people


def own(principal: Principal) -> tuple[str, str]:
    """The tenant and address hash a personal link stands for; another link is refused."""
    if principal.scope != UNSUBSCRIBE_SCOPE:
        raise Forbidden("This link is not for message preferences.")
    return principal.tenant, principal.sub


def link_holder(signing_key: str, token: str) -> tuple[str, str] | None:
    """The tenant and address hash of an unsubscribe link's token, or None when it is not one
    (forged, expired, or another kind of link)."""
    try:
        principal = verify_token(signing_key, token)
    except TokenError:
        return None
    if principal.role != "participant" or principal.scope != UNSUBSCRIBE_SCOPE:
        return None
    return principal.tenant, principal.sub


def valid_link_holder(signing_key: str, token: str) -> tuple[str, str]:
    """``link_holder``, refused as not found when the link is not valid."""
    holder = link_holder(signing_key, token)
    if holder is None:
        raise NotFound("This unsubscribe link is not valid or has expired.")
    return holder


def preferences(engine: Engine, tenant: str, digest: str):
    with engine.connect() as conn:
        return people.preference(conn, tenant, digest)


def _save(conn, tenant: str, digest: str, opted_out: list[str], time_zone: str | None, by: str):
    return people.save_preference(conn, tenant, digest, {
        "opted_out": sorted(set(opted_out)), "time_zone": time_zone, "updated_at": clock.now(), "updated_by": by})


def choose(engine: Engine, tenant: str, digest: str, opted_out: list[str], time_zone: str | None, by: str):
    with engine.begin() as conn:
        return _save(conn, tenant, digest, opted_out, time_zone, by)


def _unsubscribe(conn, tenant: str, digest: str):
    """Stop every non-essential message of this tenant to this address, keeping the chosen time zone."""
    current = people.preference(conn, tenant, digest)
    return _save(conn, tenant, digest, ["*"], (current or {}).get("time_zone"), "the person (unsubscribe link)")


def unsubscribe(engine: Engine, tenant: str, digest: str) -> None:
    with engine.begin() as conn:
        _unsubscribe(conn, tenant, digest)


def _state(conn, tenant: str, digest: str) -> dict:
    known = people.programmes_of(conn, tenant, digest)
    programmes = list({row.programme_id or str(row.programme_name): row.programme_name for row in known}.values())
    opted = (people.preference(conn, tenant, digest) or {}).get("opted_out") or []
    return {"unsubscribed": "*" in opted, "opted_out": opted, "programmes": programmes,
            "locale": known[0].locale if known else None}


def unsubscribe_state(engine: Engine, tenant: str, digest: str) -> dict:
    """What an unsubscribe link stops (the programmes the address is known in), and whether it already has."""
    with engine.connect() as conn:
        return _state(conn, tenant, digest)


def unsubscribe_confirmed(engine: Engine, tenant: str, digest: str) -> dict:
    """Unsubscribe, and say the new state."""
    with engine.begin() as conn:
        _unsubscribe(conn, tenant, digest)
        return _state(conn, tenant, digest)
