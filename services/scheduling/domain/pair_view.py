"""How a pair's meetings, people and cohort events read to whoever asks: local times in the
cohort's time zone, the topic in the reader's language, contact details only where the pair
shares them, and the pair's own notes never to a coordinator."""

from __future__ import annotations

from datetime import datetime

from . import messages, timing
from .wording import localized


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


def event_out(event) -> dict:
    return {**event, "local_start": local_iso(event["starts_at"], event["time_zone"]),
            "local_end": local_iso(event["ends_at"], event["time_zone"])}
