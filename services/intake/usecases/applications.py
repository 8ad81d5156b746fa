"""Applications: made on the public form, on a nominated mentor's form or entered by a
coordinator; then numbered and decided (first come, first served when the cohort says so),
decided by the coordinator, withdrawn by the applicant.

An application is taken in (written, not yet numbered) in one transaction and admitted in the
next, once it is committed: ``usecases.admission.admit`` explains why.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from services.shared import audit, clock
from services.shared.db import found
from services.shared.errors import Conflict, Forbidden, Invalid, NotFound

from .. import store
from ..domain import CONSENT_VERSION, application_refusal, mentor_language_refusal
from ..domain import applications as rules
from ..domain import retention as rules_of_retention
from ..domain.programmes import refuse_unless_open
from . import admission, retention
from .admission import Begin
from .retention import retention_of


def apply(begin: Begin, cohort_id: str, body: dict, asked: str | None, settings) -> dict:
    """Apply on the public form to an open cohort of an open programme, with the current consent."""
    with begin() as conn:
        cohort, programme = public_cohort(conn, cohort_id)
        refuse_unless_open(programme, asked)
        refusal = application_refusal(programme["status"], cohort["status"], cohort["application_deadline"],
                                      clock.now(), cohort["applications_open_at"])
        if refusal:
            raise Conflict(refusal.reason, {"cohort": [refusal.reason]})
        if body["consent"]["text_version"] != CONSENT_VERSION:
            raise Invalid("Please agree to the current consent text.",
                          {"consent": {"text_version": [f"the current version is {CONSENT_VERSION}"]}})
        row = _take_in(conn, cohort, programme, body)
    return _admitted(begin, row, cohort, programme, settings)


def apply_as_nominee(begin: Begin, principal, body: dict, settings) -> dict:
    """Send a nominated mentor's form; the application is tied to the nomination."""
    with begin() as conn:
        nomination = nomination_of_link(conn, principal)
        if nomination["application_id"]:
            raise Conflict("This nomination has its application already.", {"existing_id": nomination["application_id"]})
        cohort, programme = store.cohort_and_programme(conn, nomination["tenant"], nomination["cohort_id"])
        if cohort["status"] in ("running", "finished"):
            raise Conflict(f"The cohort is {cohort['status']}.")
        body = {**body, "role": "mentor", "name": nomination["name"], "email": nomination["email"],
                "nomination_id": nomination["id"]}
        row = _take_in(conn, cohort, programme, body)
        store.update(conn, store.nominations, nomination["tenant"], nomination["id"], application_id=row["id"])
    return _admitted(begin, row, cohort, programme, settings)


def enter(begin: Begin, tenant: str, cohort_id: str, body: dict, settings) -> dict:
    """A coordinator enters an application for someone (from a paper form), in any cohort not yet finished."""
    with begin() as conn:
        cohort, programme = store.cohort_and_programme(conn, tenant, cohort_id)
        if cohort["status"] == "finished":
            raise Conflict("The cohort has finished.")
        row = _take_in(conn, cohort, programme, body)
    audit.note(audit.CHANGE, "application", row["id"], email=row["email"])
    return _admitted(begin, row, cohort, programme, settings)


def _take_in(conn: Connection, cohort, programme, body: dict) -> dict:
    """Write the application, in the caller's transaction; refused when a mentor lacks a language
    the programme requires, or (with the id of the one made already) when this e-mail applied."""
    refusal = mentor_language_refusal(programme["required_mentor_languages"], body["role"], body["languages"])
    if refusal:
        raise Invalid(refusal.reason, {"languages": [refusal.reason]})
    return admission.take_in(conn, cohort, body, clock.now())


def _admitted(begin: Begin, row, cohort, programme, settings) -> dict:
    """The committed application numbered and decided (with any others waiting), as answered:
    with its personal link, the token in it, and its place on the waiting list."""
    decided = admission.admit(begin, row["id"], cohort, programme, clock.now(), settings)
    return {**decided, "manage_token": decided["manage_link"].split("token=", 1)[1]}


def one(conn: Connection, tenant: str, application_id: str) -> dict:
    """One application, with its place on the waiting list."""
    application = found(conn, store.applications, tenant, application_id)
    audit.note(audit.READ, "application", application_id, email=application["email"])
    return {**application, "waitlist_position": store.waitlist_position(conn, application)}


def page(conn: Connection, tenant: str, cohort_id: str, query: dict, limit: int, offset: int) -> tuple[int, list[dict]]:
    """How many of the cohort's applications match the query, and one page of them in arrival
    order, each with its place on the waiting list."""
    found(conn, store.cohorts, tenant, cohort_id)
    total, rows = store.applications_page(conn, tenant, cohort_id, role=query["role"], status=query["status"],
                                          profession=query["profession"], q=query["q"], limit=limit, offset=offset)
    positions = store.waitlist_positions(conn, tenant, cohort_id, [r["id"] for r in rows if r["status"] == "waitlisted"])
    audit.note_many(audit.READ, "application", [(r["id"], r["email"], None) for r in rows])
    return total, [{**r, "waitlist_position": positions.get(r["id"])} for r in rows]


def decide(conn: Connection, tenant: str, application_id: str, status: str, settings) -> dict:
    """A coordinator's decision; a freed place before the start goes to the first waitlisted."""
    application = found(conn, store.applications, tenant, application_id)
    cohort, programme = store.cohort_and_programme(conn, tenant, application["cohort_id"], for_update=True)
    refusal = _refusal(conn, application, status, cohort)
    if refusal:
        raise rules.DecisionRefused(refusal, {"status": [refusal]})
    row = _decided(conn, application, status, clock.now(), cohort, programme, settings)
    audit.note(audit.CHANGE, "application", application_id, email=application["email"])
    return {**row, "waitlist_position": store.waitlist_position(conn, row)}


def own(conn: Connection, principal) -> dict:
    """The application a personal link was made for."""
    if principal.scope != "application":
        raise Forbidden("This link is not for an application.")
    return found(conn, store.applications, principal.tenant, principal.sub)


def mine(conn: Connection, principal) -> dict:
    """My application and where it stands: my place on the waiting list, until when my data is kept."""
    application = own(conn, principal)
    return {**application, "waitlist_position": store.waitlist_position(conn, application),
            **retention_of(conn, application)}


def extend_consent(conn: Connection, principal, text_version: str, now: datetime, *,
                   retention_months: int | None = None, extend_months: int | None = None) -> dict:
    """I consent again, to the current text and a longer period (``retention.extend_consent``):
    my application as it stands after, with my place on the waiting list and my retention date."""
    rules_of_retention.refuse_unless_current_consent(text_version, CONSENT_VERSION)
    row = retention.extend_consent(conn, own(conn, principal), now, CONSENT_VERSION,
                                   retention_months=retention_months, extend_months=extend_months)
    return {**row, "waitlist_position": store.waitlist_position(conn, row), **retention_of(conn, row)}


def withdraw(conn: Connection, principal, settings) -> dict:
    """The applicant withdraws; their place, if they had one, goes to the first on the waiting list."""
    application = own(conn, principal)
    cohort, programme = store.cohort_and_programme(conn, principal.tenant, application["cohort_id"], for_update=True)
    refusal = _refusal(conn, application, "withdrawn", cohort)
    if refusal:  # no field of theirs is at fault
        raise rules.DecisionRefused(refusal)
    return _decided(conn, application, "withdrawn", clock.now(), cohort, programme, settings)


def _refusal(conn: Connection, application, status: str, cohort) -> str | None:
    accepted = store.count_applications(conn, cohort["tenant"], cohort["id"], application["role"], "accepted")
    return rules.decision_refusal(application, status, cohort, accepted)


def _decided(conn: Connection, application, status: str, now: datetime, cohort, programme, settings) -> dict:
    previous = application["status"]
    row = _set_status(conn, application, status, now, cohort, programme, settings)
    if rules.frees_a_place(previous, status):
        _promote_next(conn, cohort, programme, application["role"], now, settings)
    return row


def _promote_next(conn: Connection, cohort, programme, role: str, now: datetime, settings) -> dict | None:
    """Give a freed place to the first on the waiting list, if the cohort has not started."""
    accepted = store.count_applications(conn, cohort["tenant"], cohort["id"], role, "accepted")
    if not rules.promotes(cohort, role, accepted, now):
        return None
    first = store.first_waitlisted(conn, cohort["tenant"], cohort["id"], role)
    if first is None:
        return None
    # a coordinator's decision changes the promoted person's application too (their own withdrawal is not staff access)
    audit.note(audit.CHANGE, "application", first["id"], email=first["email"])
    return _set_status(conn, first, "accepted", now, cohort, programme, settings, event_type="application.promoted.v1")


def _set_status(conn: Connection, application, status: str, now: datetime, cohort, programme, settings,
                event_type: str | None = None) -> dict:
    """Write the application's new status and publish what happened to it."""
    store.update(conn, store.applications, application["tenant"], application["id"], status=status, decided_at=now)
    row = {**application, "status": status, "decided_at": now}
    extra = {}
    if status == "waitlisted":
        extra["waitlist_position"] = store.waitlist_position(conn, row)
    if status == "withdrawn":
        extra["previous_status"] = application["status"]
    link = rules.manage_link(settings, application)
    store.publish(conn, rules.event(event_type or f"application.{status}.v1", row, cohort, programme, link, extra))
    return row


def public_cohort(conn: Connection, cohort_id: str) -> tuple[dict, dict]:
    """A cohort and its programme as the public may see them: any tenant's, but never a draft."""
    both = store.public_cohort(conn, cohort_id)
    if both is None:
        raise NotFound("No such cohort.")
    return both


def nomination_of_link(conn: Connection, principal):
    """The accepted nomination a mentor-form link was made for."""
    if principal.scope != "nomination":
        raise Forbidden("This link is not a mentor-form link.")
    nomination = found(conn, store.nominations, principal.tenant, principal.sub)
    if nomination["status"] != "accepted":
        raise Conflict("This nomination is not accepted.")
    return nomination
