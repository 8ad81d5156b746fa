"""Retention: a person's data is kept for the period they consented to, then erased.

Each application records ``retention_months`` (24 when it does not say), counted from the end
of its cohort — or from the day it was withdrawn or rejected, if that came first. What expires is
the person, by e-mail address within a tenant: when every one of their applications there has
run out (a mentor in one cohort and a mentee in the next is kept until the later date), they are
erased through the same path as an erasure request, so that every service erases them too. An
application whose cohort has no end date yet, and that is not withdrawn or rejected, keeps its
person.

These are the rules, on plain rows (an application with its cohort's ``cohort_id``,
``cohort_name``, ``ends_on`` and ``time_zone``); ``usecases.retention`` loads, locks and erases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from services.shared.errors import INVALID, Refused

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


def people(rows) -> list[Person]:
    """The people among ``rows``, each with the date their last application runs out; people
    with an application without a date are left out (they are kept)."""
    by_person: dict[tuple[str, str], list] = {}
    for row in rows:
        by_person.setdefault((row["tenant"], row["email"]), []).append(row)
    found = []
    for (tenant, email), theirs in by_person.items():
        expiries = [expiry(r, {"id": r["cohort_id"], "name": r["cohort_name"], "ends_on": r["ends_on"],
                               "time_zone": r["time_zone"]}) for r in theirs]
        if any(e is None for e in expiries):
            continue
        found.append(Person(tenant, email, theirs[0]["name"], max(e.expires_at for e in expiries), expiries))
    return found


def due(persons: list[Person], before: datetime, cohort_id: str | None = None) -> list[Person]:
    """The people whose data runs out by ``before`` (those overdue too), soonest first;
    ``cohort_id`` keeps those with an application in that cohort."""
    chosen = [p for p in persons if p.expires_at <= before]
    if cohort_id:
        chosen = [p for p in chosen if any(e.cohort_id == cohort_id for e in p.applications)]
    return sorted(chosen, key=lambda p: (p.expires_at, p.email))


def expired(locked_rows, unerased: int, now: datetime) -> bool:
    """Whether the person whose rows these are (locked by this worker) is to be erased now: all of
    their applications are locked here (another worker holds none of them, none was erased
    meanwhile) and together they have run out (no extension or new application came in)."""
    if not locked_rows or len(locked_rows) < unerased:
        return False
    found = people(locked_rows)
    return bool(found) and found[0].expires_at <= now


def refuse_unless_current_consent(text_version: str, current: str) -> None:
    """A person extends their consent only to the consent text as it is now."""
    if text_version != current:
        raise ConsentRefused("Please agree to the current consent text.",
                             {"text_version": [f"the current version is {current}"]}, kind=INVALID)


def extended_months(current: int | None, person: Person | None, now: datetime, *,
                    retention_months: int | None = None, extend_months: int | None = None) -> int:
    """The period a person consents to anew: ``retention_months``, or ``extend_months`` (12
    unless said) more than the current one. Refused once the person's period has run out (their
    erasure is on its way), when it is not longer, or over the most there is."""
    if person is not None and person.expires_at <= now:
        raise ConsentRefused("the retention period has run out", {"retention_months": ["the period has run out"]})
    current = current or DEFAULT_MONTHS
    months = retention_months if retention_months is not None else current + (extend_months or 12)
    if months <= current:
        raise ConsentRefused(f"the period is {current} months already",
                             {"retention_months": [f"more than {current} months"]}, kind=INVALID)
    if months > MAX_MONTHS:
        raise ConsentRefused(f"at most {MAX_MONTHS} months", {"retention_months": [f"at most {MAX_MONTHS} months"]}, kind=INVALID)
    return months


def shown(person: Person | None) -> dict:
    """What the person's own page shows: until when their data is kept, counted from what."""
    if person is None:
        return {"retention_until": None, "retention_reason": None}
    return {"retention_until": person.expires_at, "retention_reason": person.latest.reason}
