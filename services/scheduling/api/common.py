"""What scheduling's blueprints share: who the caller is to a pair (its mentee, its mentor, or a
coordinator) and the views of pairs, meetings and cohort events."""

from __future__ import annotations

from datetime import datetime

from flask_smorest import abort

from services.shared.db import found
from services.shared.tenancy import current_principal, current_tenant

from .. import store
from ..domain import messages, plan, timing
from ..domain.wording import localized

SECURITY = [{"bearer": []}]
PARTICIPANT_LINK = "A participant's token may come as ``?token=`` from their personal link."


def own_application_id() -> str:
    principal = current_principal()
    if principal.scope != "application":
        abort(403, message="This link is not for a participant of a cohort.")
    return principal.sub


def pair_access(conn, pair_id: str, for_update: bool = False) -> tuple[messages.PairContext, str]:
    """The pair and the caller's part in it; a participant of another pair gets 404, as if it
    were not there."""
    pair = found(conn, store.pairs, current_tenant(), pair_id, "pair", for_update=for_update)
    if current_principal().role == "coordinator":
        return store.pair_context(conn, pair), "coordinator"
    ctx = store.pair_context(conn, pair)
    role = ctx.role_of(own_application_id())
    if role is None:
        abort(404, message="No such pair.")
    return ctx, role


def meeting_access(conn, meeting_id: str, lock: bool = True) -> tuple[messages.PairContext, dict, str]:
    # the pair is locked before its meeting, in the order an early end takes them
    pair_id = found(conn, store.meetings, current_tenant(), meeting_id, "meeting")["pair_id"]
    ctx, role = pair_access(conn, pair_id, for_update=lock)
    return ctx, dict(found(conn, store.meetings, current_tenant(), meeting_id, "meeting", for_update=lock)), role


def only_the_pair(role: str) -> None:
    if role == "coordinator":
        abort(403, message="Only the mentor and the mentee do this, each with their own link.")


def local_iso(moment: datetime | None, time_zone: str) -> str | None:
    return timing.local(moment, time_zone).isoformat() if moment else None


def reader_locale(ctx: messages.PairContext, role: str) -> str:
    if role in ("mentee", "mentor"):
        return ctx.person(role)["locale"]
    return ctx.programme.get("locale", "en")


def meeting_out(meeting: dict, ctx: messages.PairContext, role: str) -> dict:
    locale = reader_locale(ctx, role)
    start = meeting["starts_at"]
    day = timing.today(start, ctx.time_zone) if start else None
    return {
        **meeting,
        "topic_text": localized(meeting["topic"], locale, ctx.programme.get("locale", "en")),
        "local_start": local_iso(start, ctx.time_zone), "local_end": local_iso(meeting["ends_at"], ctx.time_zone),
        "time_zone": ctx.time_zone,
        "outside_window": bool(day and not meeting["window_start"] <= day <= meeting["window_end"]),
        # the notes are the pair's own conversation: a coordinator sees that they met, not what was said
        "notes": meeting["notes"] if role != "coordinator" else None,
    }


def person_out(ctx: messages.PairContext, of: str, role: str) -> dict:
    person = ctx.person(of)
    share = ctx.pair["share_contact_details"] or []
    sees_contacts = role == "coordinator" or role == of
    return {"application_id": person["application_id"], "name": person["name"], "role": of,
            "email": person["email"] if sees_contacts or "email" in share else None,
            "phone": person["phone"] if sees_contacts or "phone" in share else None}


def agreement_out(conn, ctx: messages.PairContext, row) -> dict | None:
    if row is None:
        return None
    history = store.agreement_versions(conn, ctx.tenant, ctx.pair["id"])
    in_force = next((v["version"] for v in reversed(history) if v["status"] == "signed"), None)
    return {**row, "in_force": in_force,
            "versions": [{"version": v["version"], "status": v["status"], "signed_at": v["signed_at"]} for v in history]}


def pair_out(conn, ctx: messages.PairContext, role: str) -> dict:
    meetings = store.meetings_of_pair(conn, ctx.tenant, ctx.pair["id"])
    pair = ctx.pair
    return {
        "pair_id": pair["id"], "cohort_id": pair["cohort_id"], "cohort_name": ctx.cohort["name"], "time_zone": ctx.time_zone,
        "status": pair["status"], "phase": pair["phase"], "my_role": role,
        "mentee": person_out(ctx, "mentee", role), "mentor": person_out(ctx, "mentor", role),
        "shared_languages": pair["shared_languages"], "confirmed_at": pair["confirmed_at"], "ended_at": pair["ended_at"],
        "end_reason": pair["end_reason"] if role == "coordinator" else None,
        "agreement": agreement_out(conn, ctx, store.latest_agreement(conn, ctx.tenant, pair["id"])),
        "meetings": [meeting_out(dict(mt), ctx, role) for mt in meetings],
        "plan_note": plan.cohort_note(ctx.cohort),
    }


def event_out(event) -> dict:
    return {**event, "local_start": local_iso(event["starts_at"], event["time_zone"]),
            "local_end": local_iso(event["ends_at"], event["time_zone"])}
