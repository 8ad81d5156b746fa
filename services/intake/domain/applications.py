"""Applications: taking one in (first come, first served when the cohort says so), the
coordinator's decisions, withdrawals and the promotion of the first on the waiting list."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.contract import new_event
from services.shared.tenancy import participant_token

from .. import store
from .programmes import localized

# status -> statuses a coordinator may move it to
DECISIONS = {
    "submitted": {"accepted", "waitlisted", "rejected", "withdrawn"},
    "waitlisted": {"accepted", "rejected", "withdrawn"},
    "accepted": {"rejected", "withdrawn"},
    "withdrawn": set(),
    "rejected": set(),
}
MANAGE_LINK_TTL = 400 * 24 * 3600


class DecisionRefused(Exception):
    pass


def manage_token(key: str, application) -> str:
    return participant_token(key, tenant=application["tenant"], sub=application["id"], scope="application", ttl=MANAGE_LINK_TTL)


def _places(cohort, role: str) -> int | None:
    return cohort["mentee_places"] if role == "mentee" else cohort["mentor_places"]


def _count(conn: Connection, cohort_id: str, tenant: str, role: str, status: str) -> int:
    t = store.applications
    return conn.execute(sa.select(sa.func.count()).select_from(t).where(
        t.c.tenant == tenant, t.c.cohort_id == cohort_id, t.c.role == role, t.c.status == status)).scalar_one()


def waitlist_position(conn: Connection, application) -> int | None:
    if application["status"] != "waitlisted":
        return None
    t = store.applications
    ahead = conn.execute(sa.select(sa.func.count()).select_from(t).where(
        t.c.tenant == application["tenant"], t.c.cohort_id == application["cohort_id"], t.c.role == application["role"],
        t.c.status == "waitlisted", t.c.arrival < application["arrival"])).scalar_one()
    return ahead + 1


def submit_application(conn: Connection, cohort, programme, body: dict, now: datetime, settings) -> dict:
    """Take an application in; under first come, first served decide it at once, in arrival order.

    The cohort row is locked for the rest of the transaction, so concurrent submissions get
    their arrival numbers, and their places, one at a time.
    """
    locked = store.one(conn, store.cohorts, cohort["tenant"], cohort["id"], for_update=True)
    arrival = locked["arrivals"] + 1
    store.update(conn, store.cohorts, cohort["tenant"], cohort["id"], arrivals=arrival)
    consent = body.get("consent") or {}
    row = {
        "id": str(uuid.uuid4()), "tenant": cohort["tenant"], "cohort_id": cohort["id"],
        "role": body["role"], "name": body["name"].strip(), "email": body["email"].lower(), "phone": body.get("phone"),
        "locale": body["locale"], "languages": body.get("languages") or [], "mentoring_languages": body.get("mentoring_languages") or [],
        "profession": body.get("profession"), "wished_profession": body.get("wished_profession"),
        "education_field": body.get("education_field"), "education_level": body.get("education_level"),
        "education_country": body.get("education_country"), "experience_years": body.get("experience_years"),
        "sector": body.get("sector"), "employer": body.get("employer"), "excluded_employers": body.get("excluded_employers") or [],
        "city": body.get("city"), "remote_ok": body.get("remote_ok", False),
        "capacity": (body.get("capacity") or 1), "interests": body.get("interests") or "",
        "referral": body.get("referral"), "referral_note": body.get("referral_note"),
        "consent_version": consent.get("text_version"), "consent_at": now, "retention_months": consent.get("retention_months"),
        "nomination_id": body.get("nomination_id"), "arrival": arrival, "status": "submitted", "submitted_at": now, "decided_at": None,
    }
    conn.execute(store.applications.insert().values(**row))
    link = f"{settings.public_url}/intake/applications/mine?token={manage_token(settings.signing_key, row)}"
    _publish(conn, "application.submitted.v1", row, cohort, programme, link, extra=_profile(row))
    if cohort["admission"] == "first_come":
        places = _places(cohort, row["role"])
        if places is None or _count(conn, cohort["id"], cohort["tenant"], row["role"], "accepted") < places:
            row = _set_status(conn, row, "accepted", now, cohort, programme, link)
        else:
            row = _set_status(conn, row, "waitlisted", now, cohort, programme, link)
    return {**row, "manage_link": link}


def decide(conn: Connection, application, status: str, now: datetime, cohort, programme, settings) -> dict:
    """A coordinator's decision; freeing an accepted place before the start promotes the next."""
    if status not in DECISIONS[application["status"]]:
        raise DecisionRefused(f"a {application['status']} application cannot become {status}")
    if status == "accepted":
        places = _places(cohort, application["role"])
        if places is not None and _count(conn, cohort["id"], cohort["tenant"], application["role"], "accepted") >= places:
            raise DecisionRefused(f"all {places} {application['role']} places are taken")
    link = f"{settings.public_url}/intake/applications/mine?token={manage_token(settings.signing_key, application)}"
    previous = application["status"]
    row = _set_status(conn, application, status, now, cohort, programme, link, previous=previous)
    if previous == "accepted" and status in ("withdrawn", "rejected"):
        promote_next(conn, cohort, programme, application["role"], now, settings)
    return row


def withdraw(conn: Connection, application, now: datetime, cohort, programme, settings) -> dict:
    return decide(conn, application, "withdrawn", now, cohort, programme, settings)


def promote_next(conn: Connection, cohort, programme, role: str, now: datetime, settings) -> dict | None:
    """Give a freed place to the first on the waiting list, if the cohort has not started."""
    if cohort["starts_on"] and now.astimezone(ZoneInfo(cohort["time_zone"])).date() >= cohort["starts_on"]:
        return None
    places = _places(cohort, role)
    if places is None or _count(conn, cohort["id"], cohort["tenant"], role, "accepted") >= places:
        return None
    t = store.applications
    first = conn.execute(sa.select(t).where(
        t.c.tenant == cohort["tenant"], t.c.cohort_id == cohort["id"], t.c.role == role, t.c.status == "waitlisted",
    ).order_by(t.c.arrival).limit(1)).mappings().first()
    if first is None:
        return None
    link = f"{settings.public_url}/intake/applications/mine?token={manage_token(settings.signing_key, first)}"
    return _set_status(conn, first, "accepted", now, cohort, programme, link, event_type="application.promoted.v1")


def _set_status(conn, application, status, now, cohort, programme, link, previous=None, event_type=None) -> dict:
    store.update(conn, store.applications, application["tenant"], application["id"], status=status, decided_at=now)
    row = {**application, "status": status, "decided_at": now}
    extra = {}
    if status == "waitlisted":
        extra["waitlist_position"] = waitlist_position(conn, row)
    if status == "withdrawn":
        extra["previous_status"] = previous or application["status"]
    _publish(conn, event_type or f"application.{status}.v1", row, cohort, programme, link, extra)
    return row


def _profile(row) -> dict:
    keys = ("submitted_at", "phone", "languages", "mentoring_languages", "profession", "wished_profession",
            "education_field", "education_level", "education_country", "experience_years", "sector", "employer",
            "excluded_employers", "city", "remote_ok", "capacity", "interests", "nomination_id", "arrival")
    return {k: row[k] for k in keys}


def _publish(conn, event_type, row, cohort, programme, link, extra=None) -> None:
    data = {
        "application_id": row["id"], "cohort_id": cohort["id"], "programme_id": programme["id"],
        "programme_name": localized(programme["names"], row["locale"], programme["locale"]),
        "cohort_name": cohort["name"], "role": row["role"], "name": row["name"], "email": row["email"],
        "locale": row["locale"], "time_zone": cohort["time_zone"], "status": row["status"], "manage_link": link,
        **(extra or {}),
    }
    store.publish(conn, new_event(event_type, source="intake", tenant=row["tenant"], subject=f"application/{row['id']}", data=data))
