"""Applications: taking one in (first come, first served when the cohort says so), the
coordinator's decisions, withdrawals and the promotion of the first on the waiting list."""

from __future__ import annotations

import threading
import uuid
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.contract import new_event
from services.shared.db import insert_new
from services.shared.errors import Refused
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


class DecisionRefused(Refused):
    """A decision the application's status or the cohort's places do not allow."""


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


def waitlist_positions(conn: Connection, tenant: str, cohort_id: str, ids: list[str]) -> dict[str, int]:
    """``waitlist_position`` of each of these waitlisted applications of one cohort, in one query
    (a page of a list asks for fifty at once): 1 + how many of its role wait with an earlier arrival."""
    if not ids:
        return {}
    t = store.applications
    ranked = sa.select(t.c.id, sa.func.rank().over(partition_by=t.c.role, order_by=t.c.arrival).label("position")).where(
        t.c.tenant == tenant, t.c.cohort_id == cohort_id, t.c.status == "waitlisted").subquery()
    return dict(conn.execute(sa.select(ranked.c.id, ranked.c.position).where(ranked.c.id.in_(ids))).all())


class AlreadyApplied(Refused):
    """This e-mail has applied to this cohort in this role already (``existing_id``)."""

    def __init__(self, role: str, existing_id: str | None):
        super().__init__(f"This e-mail has applied to this cohort as {role} already.",
                         {"email": ["already applied"], "existing_id": existing_id})
        self.existing_id = existing_id


def take_in(conn: Connection, cohort, programme, body: dict, now: datetime) -> dict:
    """Write the application, not yet numbered nor decided (the caller commits it, then ``admit``).

    Raises ``AlreadyApplied`` (without writing) when this e-mail applied in this role already.
    """
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
        "nomination_id": body.get("nomination_id"), "arrival": None, "status": "submitted", "submitted_at": now, "decided_at": None,
    }
    if not insert_new(conn, store.applications, row):
        raise AlreadyApplied(row["role"], _existing(conn, row))
    return row


class _Round:
    """One reading of a cohort's waiting list by this process, and what it decided."""

    def __init__(self):
        self.done = threading.Event()
        self.decided: dict[str, dict] = {}
        self.error: BaseException | None = None


_rounds = threading.Lock()
_forming: dict[str, _Round] = {}  # cohort id -> the round that reads the waiting list next
_running: dict[str, threading.Lock] = {}  # cohort id -> held while this process's round runs


def admit(begin: Callable[[], ContextManager[Connection]], application_id: str, cohort, programme,
          now: datetime, settings) -> dict:
    """Number and decide every application of the cohort still waiting for it, in the order they
    came in; return ``application_id``'s row, decided, with its personal link and queue position.

    A national call opens with a rush, and an exact arrival number and an exact count of places
    need the cohort to be decided one round at a time. Taking an application in (``take_in``)
    needs no lock, so applicants commit side by side. Then, in each process, the first to ask
    leads a round and those who ask meanwhile join it: the round reads every application still
    waiting (theirs were committed before they joined) and decides them all in one transaction
    (``begin``), so a rush costs a round per batch of applicants, not a lock per applicant. Rounds
    of several processes or replicas take turns under the cohort's admission lock.
    """
    key = cohort["id"]
    with _rounds:
        round_ = _forming.get(key)
        leading = round_ is None
        if leading:
            round_ = _forming[key] = _Round()
        running = _running.setdefault(key, threading.Lock())
    if leading:
        with running:  # this process's previous round of the cohort ends first
            with _rounds:
                del _forming[key]  # whoever asks from now on joins the next round
            try:
                with begin() as conn:
                    round_.decided = _admission_round(conn, cohort, programme, now, settings)
            except BaseException as exc:
                round_.error = exc
            finally:
                round_.done.set()
    else:
        round_.done.wait()
    if round_.error is not None:
        raise round_.error
    row = round_.decided.get(application_id)
    if row is None:  # another process's round decided it before ours read the list
        with begin() as conn:
            row = dict(store.one(conn, store.applications, cohort["tenant"], application_id))
            row["waitlist_position"] = waitlist_position(conn, row)
    return {**row, "manage_link": manage_link(settings, row), "waitlist_position": row.get("waitlist_position")}


def _admission_round(conn: Connection, cohort, programme, now: datetime, settings) -> dict[str, dict]:
    """Under the cohort's admission lock, decide every application still waiting; by id.

    On PostgreSQL the lock is an advisory one, so that rounds of several processes take turns;
    the cohort's row is then locked as well (``_decide_in_order``), as coordinators' decisions
    do, so the two never count places at once.
    """
    t = store.applications
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(zlib.crc32(f"admission:{cohort['id']}".encode()))))
    waiting = [dict(r) for r in conn.execute(sa.select(t).where(
        t.c.tenant == cohort["tenant"], t.c.cohort_id == cohort["id"], t.c.arrival.is_(None),
    ).order_by(t.c.submitted_at, t.c.id)).mappings()]
    return {row["id"]: row for row in _decide_in_order(conn, waiting, cohort, programme, now, settings)}


def _decide_in_order(conn: Connection, waiting: list[dict], cohort, programme, now: datetime, settings) -> list[dict]:
    """Number ``waiting`` in order and, under first come, first served, decide each; publish."""
    if not waiting:
        return []
    c = store.cohorts
    last = conn.execute(
        c.update().where(c.c.id == cohort["id"], c.c.tenant == cohort["tenant"])
        .values(arrivals=c.c.arrivals + len(waiting)).returning(c.c.arrivals)).scalar_one()
    held = {role: _counts(conn, cohort["id"], cohort["tenant"], role)
            for role in {r["role"] for r in waiting}} if cohort["admission"] == "first_come" else {}
    events = []
    for arrival, row in enumerate(waiting, start=last - len(waiting) + 1):
        row["arrival"] = arrival
        link = manage_link(settings, row)
        events.append(_event("application.submitted.v1", row, cohort, programme, link, extra=_profile(row)))
        if row["role"] not in held:
            continue
        accepted, queued = held[row["role"]]
        places = _places(cohort, row["role"])
        if places is None or accepted < places:
            row.update(status="accepted", decided_at=now)
            held[row["role"]] = (accepted + 1, queued)
            events.append(_event("application.accepted.v1", row, cohort, programme, link))
        else:
            # every waitlisted application arrived earlier: this one is last in the queue
            row.update(status="waitlisted", decided_at=now, waitlist_position=queued + 1)
            held[row["role"]] = (accepted, queued + 1)
            events.append(_event("application.waitlisted.v1", row, cohort, programme, link,
                                 {"waitlist_position": queued + 1}))
    t = store.applications
    conn.execute(
        t.update().where(t.c.id == sa.bindparam("row_id"), t.c.tenant == cohort["tenant"])
        .values(arrival=sa.bindparam("arrival"), status=sa.bindparam("status"), decided_at=sa.bindparam("decided_at")),
        [{"row_id": r["id"], "arrival": r["arrival"], "status": r["status"], "decided_at": r["decided_at"]}
         for r in waiting])
    store.publish(conn, *events)
    return waiting


def manage_link(settings, row) -> str:
    """The applicant's personal link: their application on the web front."""
    return f"{settings.web_url}/applications/mine?token={manage_token(settings.signing_key, row)}"


def _existing(conn: Connection, row) -> str | None:
    t = store.applications
    return conn.execute(sa.select(t.c.id).where(
        t.c.tenant == row["tenant"], t.c.cohort_id == row["cohort_id"], t.c.role == row["role"],
        t.c.email == row["email"])).scalar()


def _counts(conn: Connection, cohort_id: str, tenant: str, role: str) -> tuple[int, int]:
    """How many of ``role`` are accepted and how many waitlisted, in one read."""
    t = store.applications
    return tuple(conn.execute(sa.select(
        sa.func.count().filter(t.c.status == "accepted"), sa.func.count().filter(t.c.status == "waitlisted"),
    ).where(t.c.tenant == tenant, t.c.cohort_id == cohort_id, t.c.role == role,
            t.c.status.in_(("accepted", "waitlisted")))).one())


def decide(conn: Connection, application, status: str, now: datetime, cohort, programme, settings) -> dict:
    """A coordinator's decision; freeing an accepted place before the start promotes the next.
    Refused (naming the status asked for) when the application or the places do not allow it."""
    refusal = _decision_refusal(conn, application, status, cohort)
    if refusal:
        raise DecisionRefused(refusal, {"status": [refusal]})
    return _decided(conn, application, status, now, cohort, programme, settings)


def withdraw(conn: Connection, application, now: datetime, cohort, programme, settings) -> dict:
    """The applicant's own withdrawal (no field of theirs at fault when it is refused)."""
    refusal = _decision_refusal(conn, application, "withdrawn", cohort)
    if refusal:
        raise DecisionRefused(refusal)
    return _decided(conn, application, "withdrawn", now, cohort, programme, settings)


def _decision_refusal(conn: Connection, application, status: str, cohort) -> str | None:
    if status not in DECISIONS[application["status"]]:
        return f"a {application['status']} application cannot become {status}"
    if status == "accepted":
        places = _places(cohort, application["role"])
        if places is not None and _count(conn, cohort["id"], cohort["tenant"], application["role"], "accepted") >= places:
            return f"all {places} {application['role']} places are taken"
    return None


def _decided(conn: Connection, application, status: str, now: datetime, cohort, programme, settings) -> dict:
    link = manage_link(settings, application)
    previous = application["status"]
    row = _set_status(conn, application, status, now, cohort, programme, link, previous=previous)
    if previous == "accepted" and status in ("withdrawn", "rejected"):
        promote_next(conn, cohort, programme, application["role"], now, settings)
    return row


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
    link = manage_link(settings, first)
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
    store.publish(conn, _event(event_type, row, cohort, programme, link, extra))


def _event(event_type, row, cohort, programme, link, extra=None):
    data = {
        "application_id": row["id"], "cohort_id": cohort["id"], "programme_id": programme["id"],
        "programme_name": localized(programme["names"], row["locale"], programme["locale"]),
        "cohort_name": cohort["name"], "role": row["role"], "name": row["name"], "email": row["email"],
        "locale": row["locale"], "time_zone": cohort["time_zone"], "status": row["status"], "manage_link": link,
        **(extra or {}),
    }
    return new_event(event_type, source="intake", tenant=row["tenant"], subject=f"application/{row['id']}", data=data)
