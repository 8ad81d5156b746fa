"""Scheduling's request and response schemas (marshmallow), with field-level validation."""

from __future__ import annotations

from babel import Locale
from marshmallow import Schema, ValidationError, fields, validate, validates

from services.shared.contract.events import ROLES

LANGUAGES = frozenset(Locale("en").languages)  # ISO 639 codes Babel knows
MEETING_MODES = ("in_person", "online")
ATTENDANCE = ("present", "absent", "excused")


def _language(code: str) -> None:
    if code not in LANGUAGES:
        raise ValidationError(f"{code!r} is not an ISO 639 language code")


# --- people and cohorts -------------------------------------------------------------------------


class ParticipantOut(Schema):
    application_id = fields.String()
    cohort_id = fields.String()
    role = fields.String()
    name = fields.String()
    locale = fields.String()
    time_zone = fields.String()
    status = fields.String()


class PersonOut(Schema):
    application_id = fields.String()
    name = fields.String()
    role = fields.String()
    email = fields.String(allow_none=True, metadata={"description": "when the programme shares it within the pair"})
    phone = fields.String(allow_none=True)


class CohortEventOut(Schema):
    id = fields.String(metadata={"description": "stable: the calendar UID is built from it"})
    cohort_id = fields.String()
    kind = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    local_start = fields.String(metadata={"description": "in the cohort's time zone, with its offset"})
    local_end = fields.String()
    time_zone = fields.String()
    venue = fields.String()
    mandatory = fields.Boolean()
    status = fields.String(metadata={"description": "scheduled or cancelled"})
    sequence = fields.Integer()
    attendance = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "present, absent, excused and unrecorded (coordinators only)"})


# --- agreements ---------------------------------------------------------------------------------


class SubGoalIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    due_on = fields.Date(load_default=None, allow_none=True)


class GoalIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    sub_goals = fields.List(fields.Nested(SubGoalIn), load_default=list, validate=validate.Length(max=10))


class ExpectationsIn(Schema):
    mentee = fields.String(validate=validate.Length(max=2000), metadata={"description": "what the mentee expects"})
    mentor = fields.String(validate=validate.Length(max=2000), metadata={"description": "what the mentor expects"})


class AgreementChangeIn(Schema):
    based_on_version = fields.Integer(required=True, validate=validate.Range(min=1), metadata={
        "description": "the version you read: a change to anything signed makes a new version"})
    language = fields.String(metadata={"description": "the language of mentoring (ISO 639)"})
    support_languages = fields.List(fields.String(), validate=validate.Length(max=4), metadata={
        "description": "e.g. the mentee's mother tongue as support"})
    goals = fields.List(fields.Nested(GoalIn), validate=validate.Length(max=10))
    meeting_every_months = fields.Integer(validate=validate.Range(min=1, max=3))
    meeting_minutes = fields.Integer(validate=validate.Range(min=30, max=480))
    planned_dates = fields.List(fields.Date(), validate=validate.Length(max=24))
    keep_in_touch = fields.String(validate=validate.Length(max=1000), metadata={"description": "how you keep in touch between meetings"})
    expectations = fields.Nested(ExpectationsIn)

    @validates("language")
    def _known(self, value, **_):
        _language(value)

    @validates("support_languages")
    def _known_all(self, value, **_):
        for code in value:
            _language(code)


class SignIn(Schema):
    version = fields.Integer(required=True, validate=validate.Range(min=1), metadata={"description": "the version you sign"})


class VersionBrief(Schema):
    version = fields.Integer()
    status = fields.String()
    signed_at = fields.AwareDateTime(allow_none=True)


class AgreementOut(Schema):
    id = fields.String()
    pair_id = fields.String()
    version = fields.Integer()
    status = fields.String(metadata={"description": "draft, signed (in force) or superseded"})
    language = fields.String()
    support_languages = fields.List(fields.String())
    goals = fields.List(fields.Dict())
    meeting_every_months = fields.Integer()
    meeting_minutes = fields.Integer()
    planned_dates = fields.List(fields.String())
    keep_in_touch = fields.String()
    expectations = fields.Dict(keys=fields.String(), values=fields.String())
    mentee_signed_at = fields.AwareDateTime(allow_none=True)
    mentor_signed_at = fields.AwareDateTime(allow_none=True)
    signed_at = fields.AwareDateTime(allow_none=True)
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    in_force = fields.Integer(allow_none=True, metadata={"description": "the version signed by both that holds now"})
    versions = fields.List(fields.Nested(VersionBrief))


# --- meetings -----------------------------------------------------------------------------------


class WhenIn(Schema):
    starts_at = fields.DateTime(required=True, metadata={"description": "with an offset, or local time in the cohort's time zone"})
    minutes = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=15, max=480),
                             metadata={"description": "default: the agreed length, else the programme's"})
    place = fields.String(load_default="", validate=validate.Length(max=400), metadata={
        "description": "an address, or the video link when online"})
    mode = fields.String(load_default="in_person", validate=validate.OneOf(MEETING_MODES))


class ActionIn(Schema):
    who = fields.String(required=True, validate=validate.OneOf([*ROLES, "both"]))
    what = fields.String(required=True, validate=validate.Length(min=1, max=400))
    by = fields.Date(load_default=None, allow_none=True)


class HeldIn(Schema):
    """The checklist of every meeting, as the pair filled it in."""

    since_last_time = fields.String(required=True, validate=validate.Length(min=1, max=4000),
                                    metadata={"description": "what has happened since last time"})
    topic = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=400),
                          metadata={"description": "today's topic (default: the plan's)"})
    discussion = fields.String(load_default="", validate=validate.Length(max=4000))
    next_steps = fields.String(required=True, validate=validate.Length(min=1, max=4000),
                               metadata={"description": "what is needed to move on"})
    actions = fields.List(fields.Nested(ActionIn), required=True, validate=validate.Length(min=1, max=20),
                          metadata={"description": "who does what before the next meeting"})
    held_at = fields.DateTime(load_default=None, allow_none=True, metadata={
        "description": "when you met, if not at the time set (local time is fine)"})


class ReasonIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=400))


class MeetingOut(Schema):
    id = fields.String()
    pair_id = fields.String()
    number = fields.Integer()
    topic = fields.Dict(keys=fields.String(), values=fields.String())
    topic_text = fields.String(metadata={"description": "the topic in the reader's language"})
    checklist = fields.List(fields.Dict(keys=fields.String(), values=fields.String()))
    window_start = fields.Date(metadata={"description": "the due window (month k of the plan)"})
    window_end = fields.Date()
    status = fields.String(metadata={"description": "planned, proposed, scheduled, held, missed or cancelled"})
    starts_at = fields.AwareDateTime(allow_none=True)
    ends_at = fields.AwareDateTime(allow_none=True)
    local_start = fields.String(allow_none=True)
    local_end = fields.String(allow_none=True)
    time_zone = fields.String()
    outside_window = fields.Boolean()
    place = fields.String()
    mode = fields.String()
    proposal = fields.Dict(allow_none=True)
    sequence = fields.Integer()
    notes = fields.Dict(allow_none=True, metadata={"description": "the filled-in checklist: the pair's own, not shown to coordinators"})
    logged_by = fields.String(allow_none=True)
    logged_at = fields.AwareDateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)


# --- pairs ---------------------------------------------------------------------------------------


class PairOut(Schema):
    pair_id = fields.String()
    cohort_id = fields.String()
    cohort_name = fields.String()
    time_zone = fields.String()
    status = fields.String(metadata={"description": "active or ended"})
    phase = fields.String(allow_none=True)
    my_role = fields.String(metadata={"description": "mentee, mentor or coordinator"})
    mentee = fields.Nested(PersonOut)
    mentor = fields.Nested(PersonOut)
    shared_languages = fields.List(fields.String())
    confirmed_at = fields.AwareDateTime(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)
    agreement = fields.Nested(AgreementOut, allow_none=True)
    meetings = fields.List(fields.Nested(MeetingOut))
    plan_note = fields.Dict(allow_none=True, metadata={
        "description": "when the cohort has fewer meetings than the plan has topics: which meetings combine which "
                       "topics (``message``, ``combined``: number and topic titles); none is ever left out"})


class MineOut(Schema):
    application_id = fields.String()
    name = fields.String()
    role = fields.String()
    pairs = fields.List(fields.Nested(PairOut))
    events = fields.List(fields.Nested(CohortEventOut))


class PairSummaryOut(Schema):
    pair_id = fields.String()
    status = fields.String()
    phase = fields.String(allow_none=True)
    mentee = fields.Dict(allow_none=True)
    mentor = fields.Dict(allow_none=True)
    confirmed_at = fields.AwareDateTime(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)
    agreement = fields.Dict(allow_none=True)
    meetings = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "planned, due (windows begun), held, missed, scheduled, overdue (windows closed without a meeting held)"})
    next_meeting = fields.Dict(allow_none=True)


class OverviewOut(Schema):
    cohort = fields.Dict()
    pairs = fields.List(fields.Nested(PairSummaryOut))
    phases = fields.Dict(keys=fields.String(), values=fields.Integer())
    meetings = fields.Dict(keys=fields.String(), values=fields.Integer())
    events = fields.List(fields.Nested(CohortEventOut))


# --- attendance ----------------------------------------------------------------------------------


class AttendanceRecordIn(Schema):
    application_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(ATTENDANCE))
    note = fields.String(load_default="", validate=validate.Length(max=400))


class AttendanceIn(Schema):
    records = fields.List(fields.Nested(AttendanceRecordIn), required=True, validate=validate.Length(min=1, max=500))


class AttendeeOut(Schema):
    application_id = fields.String()
    name = fields.String()
    role = fields.String()
    status = fields.String(allow_none=True, metadata={"description": "present, absent, excused, or null if not recorded"})
    note = fields.String()


class AttendanceOut(Schema):
    event = fields.Nested(CohortEventOut)
    attendees = fields.List(fields.Nested(AttendeeOut))


class MissedEventOut(Schema):
    event_id = fields.String()
    kind = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    starts_at = fields.AwareDateTime()


class MissedPersonOut(Schema):
    application_id = fields.String()
    name = fields.String()
    role = fields.String()
    missed = fields.List(fields.Nested(MissedEventOut))
    excused = fields.List(fields.Nested(MissedEventOut))


class UnrecordedOut(MissedEventOut):
    application_ids = fields.List(fields.String())


class MissedReportOut(Schema):
    cohort_id = fields.String()
    mandatory_events = fields.Integer()
    people = fields.List(fields.Nested(MissedPersonOut))
    unrecorded = fields.List(fields.Nested(UnrecordedOut), metadata={
        "description": "past mandatory events whose attendance is not recorded for everyone"})


# --- calendars ------------------------------------------------------------------------------------


class FeedOut(Schema):
    url = fields.String(allow_none=True, metadata={"description": "secret: anyone with it reads the calendar; shown once"})
    active = fields.Boolean()
    created_at = fields.AwareDateTime(allow_none=True)
