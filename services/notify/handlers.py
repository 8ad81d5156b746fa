"""Events notify consumes, and what it does with each: the messages it queues (rendered in each
reader's language), what it records of cohorts and people, and the copy it queues for each of
the tenant's webhooks. Every handler runs in the consumer's transaction with the inbox row."""

from __future__ import annotations

from services.shared import clock
from services.shared.bus import HandlerTable
from services.shared.contract import Event

from .usecases import erasure, projection
from .usecases.queueing import deliver, deliver_only_to_the_person, forward

HANDLERS = HandlerTable("notify")


# --- intake: cohorts, the people applying, nominated mentors -----------------------------------


@HANDLERS.on("cohort.opened.v1")
@HANDLERS.on("cohort.updated.v1")
@HANDLERS.on("cohort.closed.v1")
@HANDLERS.on("cohort.started.v1")
@HANDLERS.on("cohort.finished.v1")
def cohort_changed(conn, event: Event) -> None:
    """Which messages the programme sends, its language, its contact persons."""
    projection.record_cohort(conn, event.tenant, event.loaded, clock.now())
    forward(conn, event)


@HANDLERS.on("application.submitted.v1")  # application received
@HANDLERS.on("application.accepted.v1")  # a place
@HANDLERS.on("application.waitlisted.v1")  # the place on the waiting list
@HANDLERS.on("application.promoted.v1")  # a freed place
@HANDLERS.on("application.rejected.v1")  # kindly
def application_decided(conn, event: Event) -> None:
    projection.record_application(conn, event.tenant, event.loaded, clock.now())
    deliver(conn, event)


@HANDLERS.on("application.withdrawn.v1")
def application_withdrawn(conn, event: Event) -> None:
    projection.record_application(conn, event.tenant, event.loaded, clock.now())
    forward(conn, event)


@HANDLERS.on("nomination.accepted.v1")  # the personal link to the mentor form
def nomination_accepted(conn, event: Event) -> None:
    deliver(conn, event)


@HANDLERS.on("nomination.submitted.v1")
@HANDLERS.on("nomination.declined.v1")
@HANDLERS.on("survey.answered.v1")
def intake_news(conn, event: Event) -> None:
    forward(conn, event)


@HANDLERS.on("person.links_requested.v1")  # the person's links again, one message per tenant
def links_requested(conn, event: Event) -> None:
    """Only the person hears of it: the links carry fresh personal tokens, no webhook's business."""
    deliver_only_to_the_person(conn, event)


@HANDLERS.on("staff.sign_in_requested.v1")  # a coordinator's or representative's single-use sign-in link
def sign_in_requested(conn, event: Event) -> None:
    """Only the staff member hears of it: the link signs them in, so no webhook gets it and the
    delivery log keeps the message with the link left out."""
    deliver_only_to_the_person(conn, event)


@HANDLERS.on("person.erasure_requested.v1")
def person_erased(conn, event: Event) -> None:
    data = event.loaded
    erasure.erase_person(conn, event.tenant, data["email_sha256"], data["application_ids"],
                         data.get("nomination_ids") or [], clock.now())
    forward(conn, event)  # the tenant's own system erases them too


# --- matching: pairs -----------------------------------------------------------------------------


@HANDLERS.on("match.confirmed.v1")  # each introduced to the other, in their own language
def match_confirmed(conn, event: Event) -> None:
    data = event.loaded
    projection.record_pair(conn, event.tenant, [data["mentee"]["application_id"], data["mentor"]["application_id"]],
                           data["pair_id"], clock.now())
    deliver(conn, event)


@HANDLERS.on("match.ended.v1")  # what happens next, for each
def match_ended(conn, event: Event) -> None:
    data = event.loaded
    projection.record_pair(conn, event.tenant, [data["mentee"]["application_id"], data["mentor"]["application_id"]],
                           None, clock.now())
    deliver(conn, event)


@HANDLERS.on("match.unmatched.v1")  # kindly, with the reason and what happens next
def match_unmatched(conn, event: Event) -> None:
    deliver(conn, event)


@HANDLERS.on("match.proposed.v1")
def match_proposed(conn, event: Event) -> None:
    forward(conn, event)


# --- scheduling: agreements, meetings, cohort events, surveys -----------------------------------


@HANDLERS.on("agreement.drafted.v1")  # each person's signing link
@HANDLERS.on("agreement.signed.v1")
@HANDLERS.on("meeting.proposed.v1")  # to the other of the pair, to accept
@HANDLERS.on("meeting.scheduled.v1")  # with a calendar invitation
@HANDLERS.on("meeting.rescheduled.v1")  # the same calendar entry, moved
@HANDLERS.on("meeting.cancelled.v1")  # the calendar entry removed
@HANDLERS.on("meeting.reminder_due.v1")
@HANDLERS.on("meeting.nudge_due.v1")  # a month without a meeting
@HANDLERS.on("event.scheduled.v1")  # a cohort event, with a calendar invitation
@HANDLERS.on("event.cancelled.v1")
@HANDLERS.on("event.reminder_due.v1")  # with the venue
@HANDLERS.on("survey.due.v1")  # the personal link
def scheduled(conn, event: Event) -> None:
    deliver(conn, event)


@HANDLERS.on("meeting.held.v1")
@HANDLERS.on("meeting.missed.v1")
@HANDLERS.on("mentorship.phase_changed.v1")
def scheduling_news(conn, event: Event) -> None:
    forward(conn, event)
