"""Events scheduling publishes: agreements, meetings, cohort events, reminders, surveys, phases.

Each carries the people it concerns with what notify needs to reach them (name, e-mail,
language) and the times in UTC with the time zone to show them in.
"""

from marshmallow import Schema, fields, validate

from ...fields import NAME, TITLE, Text
from ..personal import GONE, NO_LONGER_SENT, personal
from ..registry import event_type
from .shapes import LINK_LENGTH, LOCALES, ROLES, Email, Id, Localized, TimeZone

# Places are typed by the pair in scheduling's own forms (at most 400 characters there); a
# meeting's cancellation reason is theirs, or the reason a pair ended (matching: 1000).
PLACE_LENGTH = 400
REASON_LENGTH = 1000

PHASES = ("start", "working", "closing", "finished")


class Participant(Schema):
    application_id = Id(required=True, metadata=personal("participants"))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = Text(max_length=NAME, required=True, metadata=personal("participants"))
    email = Email(required=True, metadata=personal("participants"))
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    link = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=LINK_LENGTH), metadata=personal("participants", description="this person's personal link, where the event has one"))


class PairEvent(Schema):
    pair_id = Id(required=True)
    cohort_id = Id(required=True)
    cohort_name = Text(max_length=NAME, required=True)
    programme_name = Localized(required=True)
    time_zone = TimeZone(required=True)
    mentee = fields.Nested(Participant, required=True)
    mentor = fields.Nested(Participant, required=True)


class PairMember(Participant):
    """One of a pair in news only the tenant's webhooks hear of: who by id, not how to reach them.
    Required in v1 and no longer sent (no consumer keeps them): the name and the address."""

    name = Text(max_length=NAME, **NO_LONGER_SENT, metadata=personal("participants", description=GONE))
    email = Email(**NO_LONGER_SENT, metadata=personal("participants", description=GONE))


class PairNews(PairEvent):
    mentee = fields.Nested(PairMember, required=True)
    mentor = fields.Nested(PairMember, required=True)


class MeetingFields(PairEvent):
    meeting_id = Id(required=True)
    number = fields.Integer(required=True, metadata={"description": "1 for the first meeting of the plan"})
    topic = Localized(max_length=TITLE, required=True)
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    place = fields.String(load_default="", validate=validate.Length(max=PLACE_LENGTH), metadata=personal("participants"))
    mode = fields.String(load_default="in_person", validate=validate.OneOf(["in_person", "online"]))
    sequence = fields.Integer(required=True, metadata={"description": "iCalendar SEQUENCE: raised on every change"})


class CohortEventFields(Schema):
    cohort_event_id = Id(required=True)
    cohort_id = Id(required=True)
    cohort_name = Text(max_length=NAME, required=True)
    programme_name = Localized(required=True)
    time_zone = TimeZone(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["training", "kick_off", "half_day", "closing", "other"]))
    title = Localized(max_length=TITLE, load_default=dict)
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    venue = Text(max_length=400, load_default="")
    mandatory = fields.Boolean(required=True)
    sequence = fields.Integer(required=True)
    recipients = fields.List(fields.Nested(Participant), required=True)


@event_type("agreement.drafted.v1", "scheduling", "A pair's agreement (or a new version of it) is ready to sign; each person gets their signing link.")
class AgreementDrafted(PairEvent):
    agreement_id = Id(required=True)
    version = fields.Integer(required=True)


@event_type("agreement.signed.v1", "scheduling", "Both mentor and mentee signed a version of their agreement; it is now fixed.")
class AgreementSigned(PairEvent):
    agreement_id = Id(required=True)
    version = fields.Integer(required=True)
    signed_at = fields.AwareDateTime(required=True, format="iso")


@event_type("meeting.scheduled.v1", "scheduling", "A pair set the date, time and place of a meeting.")
class MeetingScheduled(MeetingFields):
    pass


@event_type("meeting.proposed.v1", "scheduling", "One of a pair proposed a date, time and place for a meeting; the other accepts it (each person's link opens their plan).")
class MeetingProposed(MeetingFields):
    proposed_by = fields.String(required=True, validate=validate.OneOf(ROLES))


@event_type("meeting.rescheduled.v1", "scheduling", "A pair moved a meeting.")
class MeetingRescheduled(MeetingFields):
    previous_starts_at = fields.AwareDateTime(required=True, format="iso")


@event_type("meeting.held.v1", "scheduling", "A pair logged a meeting as held, with its checklist.")
class MeetingHeld(PairNews):
    meeting_id = Id(required=True)
    number = fields.Integer(required=True)


@event_type("meeting.missed.v1", "scheduling", "A pair logged a meeting as missed.")
class MeetingMissed(PairNews):
    meeting_id = Id(required=True)
    number = fields.Integer(required=True)


@event_type("meeting.cancelled.v1", "scheduling", "A meeting will not take place (the pair ended, or the pair cancelled it).")
class MeetingCancelled(MeetingFields):
    # the pair's message and the calendar's cancellation do not give it, and no consumer keeps the words
    reason = fields.String(validate=validate.Length(max=REASON_LENGTH), **NO_LONGER_SENT,
                           metadata=personal("participants", description=GONE))


@event_type("meeting.reminder_due.v1", "scheduling", "A meeting is near: remind both of the pair.")
class MeetingReminderDue(MeetingFields):
    days_before = fields.Integer(required=True)


@event_type("meeting.nudge_due.v1", "scheduling", "A month's window closed with no meeting held: nudge the pair.")
class MeetingNudgeDue(PairEvent):
    number = fields.Integer(required=True)
    window_start = fields.Date(required=True)
    window_end = fields.Date(required=True)


@event_type("event.scheduled.v1", "scheduling", "A cohort event (training, kick-off, half-day meeting, closing) is on the calendar, or changed.")
class CohortEventScheduled(CohortEventFields):
    pass


@event_type("event.cancelled.v1", "scheduling", "A cohort event was called off.")
class CohortEventCancelled(CohortEventFields):
    pass


@event_type("event.reminder_due.v1", "scheduling", "A cohort event is near: remind its participants, with the venue.")
class CohortEventReminderDue(CohortEventFields):
    days_before = fields.Integer(required=True)


@event_type("survey.due.v1", "scheduling", "A participant's mid-point or closing survey is due; carries their personal link.")
class SurveyDue(Schema):
    cohort_id = Id(required=True)
    cohort_name = Text(max_length=NAME, required=True)
    programme_name = Localized(required=True)
    time_zone = TimeZone(required=True)
    pair_id = Id(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["midpoint", "closing"]))
    participant = fields.Nested(Participant, required=True)


@event_type("mentorship.phase_changed.v1", "scheduling", "A pair moved between start, working, closing and finished.")
class PhaseChanged(PairNews):
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    previous_phase = fields.String(required=True, allow_none=True)
