"""A pair's agreement and its versions: the first draft when the pair is confirmed, changes (in
place for an untouched draft, otherwise a new version), and the two signatures.

Every version that waits for signatures is announced with ``agreement.drafted.v1`` carrying each
person's signing link; the second signature publishes ``agreement.signed.v1``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.engine import Connection

from services.shared import dates
from services.shared.errors import INVALID, Conflict

from .. import store
from ..domain import links, messages, plan, terms
from ..domain.terms import AgreementRefused
from .phases import refresh_phase

__all__ = ["AgreementRefused", "change", "draft_first", "sign"]


def signing_link(ctx: messages.PairContext, role: str, now: datetime) -> str:
    return links.page(ctx.tenant, ctx.pair[f"{role}_id"], f"/pairs/{ctx.pair['id']}/agreement",
                      ends_on=ctx.cohort["ends_on"], time_zone=ctx.time_zone, now=now)


def _announce(conn: Connection, ctx: messages.PairContext, row: dict, now: datetime) -> None:
    if ctx.anyone_erased:
        return
    signing = {role: signing_link(ctx, role, now) for role in ("mentee", "mentor")}
    store.emit(conn, "agreement.drafted.v1", ctx.tenant, f"pair/{ctx.pair['id']}",
               {**messages.pair_data(ctx, signing), "agreement_id": row["id"], "version": row["version"]})


def draft_first(conn: Connection, ctx: messages.PairContext, planned: list[plan.PlannedMeeting], now: datetime) -> dict:
    programme = ctx.programme
    every, minutes = int(programme.get("meeting_every_months") or 1), int(programme.get("meeting_minutes") or 120)
    draft = terms.draft_terms(ctx.pair["shared_languages"], programme.get("languages") or [], every, minutes,
                              [plan.suggested_date(p.window) for p in planned])
    row = {"id": str(uuid.uuid4()), "tenant": ctx.tenant, "pair_id": ctx.pair["id"], "version": 1, "status": "draft",
           **draft, "created_by": "scheduling", "created_at": now, "updated_at": now}
    store.add_agreement(conn, row)
    _announce(conn, ctx, row, now)
    return row


def change(conn: Connection, ctx: messages.PairContext, changes: dict, based_on: int, by: str, now: datetime) -> dict:
    """Change the agreement: an untouched draft in place, anything signed by anyone as a new version."""
    if ctx.pair["status"] != "active":
        raise Conflict("The pair has ended; its agreement does not change.")
    current = store.latest_agreement(conn, ctx.tenant, ctx.pair["id"], for_update=True)
    if "expectations" in changes:  # a change to one person's expectations keeps the other's
        changes = {**changes, "expectations": {**(current["expectations"] or {}), **changes["expectations"]}}
    how = terms.how_to_change(current, based_on)
    proposed = {**{k: current[k] for k in terms.TERMS}, **dates.iso(changes)}
    errors = terms.check_terms(proposed, programme_every_months=int(ctx.programme.get("meeting_every_months") or 1), starts_on=ctx.cohort["starts_on"],
                               ends_on=ctx.cohort["ends_on"])
    if errors:
        raise AgreementRefused("Some terms do not fit the programme or the cohort.", errors, INVALID)
    if how == "in_place":
        terms.assert_editable(current)
        store.update(conn, store.agreements, ctx.tenant, current["id"], **proposed, updated_at=now)
        return {**current, **proposed, "updated_at": now}
    if current["status"] == "draft":  # signed by one of them only: that signature goes with its version
        store.update(conn, store.agreements, ctx.tenant, current["id"], status="superseded", updated_at=now)
    row = {"id": str(uuid.uuid4()), "tenant": ctx.tenant, "pair_id": ctx.pair["id"], "version": current["version"] + 1,
           "status": "draft", **proposed, "mentee_signed_at": None, "mentor_signed_at": None, "signed_at": None,
           "created_by": by, "created_at": now, "updated_at": now}
    store.add_agreement(conn, row)
    _announce(conn, ctx, row, now)
    return row


def sign(conn: Connection, ctx: messages.PairContext, role: str, number: int, now: datetime) -> dict:
    """One of the pair signs the version they read; the second signature puts it in force."""
    if ctx.pair["status"] != "active":
        raise Conflict("The pair has ended.")
    current = store.latest_agreement(conn, ctx.tenant, ctx.pair["id"], for_update=True)
    target = store.agreement_version(conn, ctx.tenant, ctx.pair["id"], number)
    if target is None:
        raise AgreementRefused(f"There is no version {number}.", {"version": [f"the latest version is {current['version']}"]})
    values = terms.signature(target, current["version"], role, now)
    store.update(conn, store.agreements, ctx.tenant, target["id"], **values, updated_at=now)
    row = {**target, **values, "updated_at": now}
    if row["status"] == "signed":
        store.supersede_signed(conn, ctx.tenant, ctx.pair["id"], row["version"], now)
        if not ctx.anyone_erased:
            store.emit(conn, "agreement.signed.v1", ctx.tenant, f"pair/{ctx.pair['id']}",
                       {**messages.pair_data(ctx), "agreement_id": row["id"], "version": row["version"], "signed_at": now})
    refresh_phase(conn, ctx.pair, now)  # the signature may move the pair on
    return row
