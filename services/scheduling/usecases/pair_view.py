"""A pair as its page shows it — its people, its agreement with the history of versions, and its
meeting plan — loaded for the pair or for a coordinator."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared.errors import NotFound
from services.shared.tenancy import Principal

from .. import store
from ..domain import messages, plan
from ..domain.pair_view import event_out, meeting_out, person_out
from .access import participant


def agreement_view(conn: Connection, ctx: messages.PairContext, row) -> dict | None:
    """A version of the agreement with the version in force and the history of all of them."""
    if row is None:
        return None
    history = store.agreement_versions(conn, ctx.tenant, ctx.pair["id"])
    in_force = next((v["version"] for v in reversed(history) if v["status"] == "signed"), None)
    return {**row, "in_force": in_force,
            "versions": [{"version": v["version"], "status": v["status"], "signed_at": v["signed_at"]} for v in history]}


def latest_agreement(conn: Connection, ctx: messages.PairContext) -> dict | None:
    return agreement_view(conn, ctx, store.latest_agreement(conn, ctx.tenant, ctx.pair["id"]))


def agreement_version(conn: Connection, ctx: messages.PairContext, number: int) -> dict:
    row = store.agreement_version(conn, ctx.tenant, ctx.pair["id"], number)
    if row is None:
        raise NotFound("No such version.")
    return agreement_view(conn, ctx, row)


def pair_view(conn: Connection, ctx: messages.PairContext, role: str) -> dict:
    meetings = store.meetings_of_pair(conn, ctx.tenant, ctx.pair["id"])
    pair = ctx.pair
    return {
        "pair_id": pair["id"], "cohort_id": pair["cohort_id"], "cohort_name": ctx.cohort["name"], "time_zone": ctx.time_zone,
        "status": pair["status"], "phase": pair["phase"], "my_role": role,
        "mentee": person_out(ctx, "mentee", role), "mentor": person_out(ctx, "mentor", role),
        "shared_languages": pair["shared_languages"], "confirmed_at": pair["confirmed_at"], "ended_at": pair["ended_at"],
        "end_reason": pair["end_reason"] if role == "coordinator" else None,
        "agreement": latest_agreement(conn, ctx),
        "meetings": [meeting_out(dict(mt), ctx, role) for mt in meetings],
        "plan_note": plan.cohort_note(ctx.cohort),
    }


def mine(conn: Connection, principal: Principal) -> dict:
    """What a participant's personal link shows: their pairs, each with its agreement and meeting
    plan, and the events of their cohorts."""
    person = participant(conn, principal)
    pairs = store.pairs_of_person(conn, principal.tenant, person["application_id"])
    views = []
    for pair in pairs:
        ctx = store.pair_context(conn, pair)
        views.append(pair_view(conn, ctx, ctx.role_of(person["application_id"])))
    cohort_ids = {person["cohort_id"]} | {pair["cohort_id"] for pair in pairs}
    events = store.events_of_cohorts(conn, principal.tenant, cohort_ids)
    return {"application_id": person["application_id"], "name": person["name"], "role": person["role"],
            "pairs": views, "events": [event_out(ev) for ev in events]}
