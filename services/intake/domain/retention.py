"""Retention: a person's data is kept for the period they consented to, then erased.

Each application records ``retention_months`` (24 when it does not say), counted from the end
of its cohort — or from the day it was withdrawn or rejected, if that came first. What expires is
the person, by e-mail address within a tenant: when every one of their applications there has
run out (a mentor in one cohort and a mentee in the next is kept until the later date), they are
erased through the same path as an erasure request, so that every service erases them too. An
application whose cohort has no end date yet, and that is not withdrawn or rejected, keeps its
person.

The worker's timer does it (idempotent, safe with several replicas: a person's rows are locked
with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, and a replica that cannot lock them all
leaves the person to the one that holds them; an erased person has no address left to find).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.engine import Connection, Engine

from services.shared import clock
from services.shared.errors import INVALID, Refused

from .. import store
from .erasure import ERASED, erase_person

DEFAULT_MONTHS = 24
MAX_MONTHS = 120
ERASED_BY = "retention"  # who asked, on the erasure's record
ENDED = ("withdrawn", "rejected")


class ConsentRefused(Refused):
    """The consent cannot be extended (the period has run out, or the new one is not longer)."""


@dataclass
class Expiry:
    """When one application's retention period runs out, and why then."""

    application_id: str
    cohort_id: str
    cohort: str
    role: str
    status: str
    reason: str  # cohort_ended, withdrawn or rejected
    counted_from: datetime
    retention_months: int
    expires_at: datetime


@dataclass
class Person:
    """A person of a tenant whose every application has a retention date."""

    tenant: str
    email: str
    name: str
    expires_at: datetime
    applications: list[Expiry] = field(default_factory=list)

    @property
    def latest(self) -> Expiry:
        """The application that keeps the person longest: its date is theirs."""
        return max(self.applications, key=lambda e: e.expires_at)


def cohort_end(cohort) -> datetime | None:
    """The end of the cohort's last day, in its time zone."""
    if not cohort["ends_on"]:
        return None
    return datetime.combine(cohort["ends_on"] + timedelta(days=1), time(), tzinfo=ZoneInfo(cohort["time_zone"]))


def expiry(application, cohort) -> Expiry | None:
    """When the application's retention runs out, or None when it has no date yet."""
    starts = []
    end = cohort_end(cohort)
    if end is not None:
        starts.append((end, "cohort_ended"))
    if application["status"] in ENDED and application["decided_at"] is not None:
        starts.append((application["decided_at"], application["status"]))
    if not starts:
        return None
    counted_from, reason = min(starts, key=lambda s: s[0])
    months = application["retention_months"] or DEFAULT_MONTHS
    # months are counted in the cohort's calendar (midnight stays midnight), then told in UTC
    return Expiry(application["id"], cohort["id"], cohort["name"], application["role"], application["status"],
                  reason, counted_from.astimezone(UTC), months, (counted_from + relativedelta(months=months)).astimezone(UTC))


def _rows(conn: Connection, *where, lock: bool = False) -> list:
    a, c = store.applications, store.cohorts
    query = (sa.select(a.c.id, a.c.tenant, a.c.email, a.c.name, a.c.role, a.c.status, a.c.decided_at,
                       a.c.retention_months, c.c.id.label("cohort_id"), c.c.name.label("cohort_name"),
                       c.c.ends_on, c.c.time_zone)
             .join_from(a, c, sa.and_(c.c.id == a.c.cohort_id, c.c.tenant == a.c.tenant))
             .where(a.c.name != ERASED, *where).order_by(a.c.tenant, a.c.email, a.c.id))
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update(of=a, skip_locked=True)
    return conn.execute(query).mappings().all()


def _people(rows) -> list[Person]:
    """The people among ``rows``, each with the date their last application runs out; people
    with an application without a date are left out (they are kept)."""
    by_person: dict[tuple[str, str], list] = {}
    for row in rows:
        by_person.setdefault((row["tenant"], row["email"]), []).append(row)
    people = []
    for (tenant, email), theirs in by_person.items():
        expiries = [expiry(r, {"id": r["cohort_id"], "name": r["cohort_name"], "ends_on": r["ends_on"],
                               "time_zone": r["time_zone"]}) for r in theirs]
        if any(e is None for e in expiries):
            continue
        person = Person(tenant, email, theirs[0]["name"], max(e.expires_at for e in expiries), expiries)
        people.append(person)
    return people


def due(conn: Connection, tenant: str | None, before: datetime, cohort_id: str | None = None) -> list[Person]:
    """The people whose data runs out by ``before`` (those overdue too), soonest first;
    ``cohort_id`` keeps those with an application in that cohort."""
    a = store.applications
    where = [a.c.tenant == tenant] if tenant else []
    people = [p for p in _people(_rows(conn, *where)) if p.expires_at <= before]
    if cohort_id:
        people = [p for p in people if any(e.cohort_id == cohort_id for e in p.applications)]
    return sorted(people, key=lambda p: (p.expires_at, p.email))


def person_of(conn: Connection, tenant: str, email: str) -> Person | None:
    """The person's retention date, or None while one of their applications has none."""
    a = store.applications
    people = _people(_rows(conn, a.c.tenant == tenant, a.c.email == email))
    return people[0] if people else None


def erase_expired(engine: Engine, now: datetime | None = None) -> list[dict]:
    """Erase everyone whose retention has run out; return the erasures' records."""
    now = now or clock.now()
    with engine.connect() as conn:
        candidates = [(p.tenant, p.email) for p in due(conn, None, now)]
    erased = []
    a = store.applications
    for tenant, email in candidates:
        with engine.begin() as conn:
            mine = (a.c.tenant == tenant, a.c.email == email)
            locked = _rows(conn, *mine, lock=True)
            total = conn.execute(sa.select(sa.func.count()).select_from(a).where(*mine, a.c.name != ERASED)).scalar_one()
            if not locked or len(locked) < total:
                continue  # erased meanwhile, or another worker holds the person
            people = _people(locked)
            if not people or people[0].expires_at > now:
                continue  # extended meanwhile, or a new application came in
            erased.append(erase_person(conn, tenant, email, ERASED_BY, now))
    return erased


def extend_consent(conn: Connection, application, now: datetime, consent_version: str, *,
                   retention_months: int | None = None, extend_months: int | None = None) -> dict:
    """The person consents again, to a longer period: the application's ``retention_months``
    becomes ``retention_months`` or grows by ``extend_months``, with the consent version and when.
    Refused once the person's period has run out (their erasure is on its way)."""
    person = person_of(conn, application["tenant"], application["email"])
    if person is not None and person.expires_at <= now:
        raise ConsentRefused("the retention period has run out", {"retention_months": ["the period has run out"]})
    current = application["retention_months"] or DEFAULT_MONTHS
    months = retention_months if retention_months is not None else current + (extend_months or 12)
    if months <= current:
        raise ConsentRefused(f"the period is {current} months already",
                             {"retention_months": [f"more than {current} months"]}, kind=INVALID)
    if months > MAX_MONTHS:
        raise ConsentRefused(f"at most {MAX_MONTHS} months", {"retention_months": [f"at most {MAX_MONTHS} months"]}, kind=INVALID)
    store.update(conn, store.applications, application["tenant"], application["id"],
                 retention_months=months, consent_version=consent_version, consent_at=now)
    return {**application, "retention_months": months, "consent_version": consent_version, "consent_at": now}


def retention_of(conn: Connection, application) -> dict:
    """What the person's own page shows: until when their data is kept, counted from what."""
    person = person_of(conn, application["tenant"], application["email"])
    if person is None:
        return {"retention_until": None, "retention_reason": None}
    return {"retention_until": person.expires_at, "retention_reason": person.latest.reason}
