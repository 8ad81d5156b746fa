"""Shapes several events share: people's languages, programmes' settings, a cohort's snapshot."""

from marshmallow import Schema, fields, validate

LOCALES = ("sv", "fi", "nb", "en")
ROLES = ("mentee", "mentor")
APPLICATION_STATUSES = ("submitted", "accepted", "waitlisted", "withdrawn", "rejected")
COHORT_STATUSES = ("draft", "open", "closed", "running", "finished")


def Localized(**kwargs):  # noqa: N802 — reads as a field type
    """Text in several of the platform's languages: {"sv": "...", "en": "..."}."""
    return fields.Dict(keys=fields.String(validate=validate.OneOf(LOCALES)), values=fields.String(), **kwargs)


class Profession(Schema):
    code = fields.String(required=True, metadata={"description": "ISCO-08 group code"})
    title = fields.String(load_default="", metadata={"description": "free-text title beside the code"})


class SpokenLanguage(Schema):
    language = fields.String(required=True, metadata={"description": "ISO 639 code"})
    level = fields.String(required=True, validate=validate.OneOf(["A1", "A2", "B1", "B2", "C1", "C2", "native"]))


class MeetingTopic(Schema):
    title = Localized(required=True)
    checklist = fields.List(Localized(), required=True)


class Contact(Schema):
    name = fields.String(required=True)
    email = fields.Email(required=True)
    phone = fields.String(load_default=None, allow_none=True)
    role = fields.String(load_default=None, allow_none=True)


class GroupEvent(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["training", "kick_off", "half_day", "closing", "other"]))
    title = Localized(load_default=dict)
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    venue = fields.String(load_default="")
    mandatory = fields.Boolean(load_default=False)


class ProgrammeSettings(Schema):
    """What the other services need to know of a cohort's programme."""

    id = fields.String(required=True)
    name = Localized(required=True)
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    languages = fields.List(fields.String(), required=True, metadata={"description": "languages of mentoring offered"})
    professions = fields.List(fields.Nested(Profession), load_default=list)
    duration_months = fields.Integer(required=True)
    meeting_every_months = fields.Integer(required=True)
    meeting_minutes = fields.Integer(required=True)
    meeting_plan = fields.List(fields.Nested(MeetingTopic), required=True)
    matching_weights = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    matching_mode = fields.String(required=True, validate=validate.OneOf(["optimal", "stable"]))
    match_when_closed = fields.Boolean(required=True)
    reminder_days = fields.List(fields.Integer(), required=True)
    share_contact_details = fields.List(fields.String(), required=True, metadata={"description": "which of email, phone the pair may see of each other"})
    contacts = fields.List(fields.Nested(Contact), load_default=list)
    messages = fields.Dict(keys=fields.String(), values=fields.Boolean(), load_default=dict,
                           metadata={"description": "message kind -> sent or not; absent kinds are sent"})


class CohortSnapshot(Schema):
    cohort_id = fields.String(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(COHORT_STATUSES))
    time_zone = fields.String(required=True)
    applications_open_at = fields.AwareDateTime(allow_none=True, format="iso")
    application_deadline = fields.AwareDateTime(allow_none=True, format="iso")
    nomination_deadline = fields.AwareDateTime(allow_none=True, format="iso")
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    mentee_places = fields.Integer(required=True)
    mentor_places = fields.Integer(allow_none=True)
    admission = fields.String(required=True, validate=validate.OneOf(["first_come", "selection"]))
    group_events = fields.List(fields.Nested(GroupEvent), required=True)
    programme = fields.Nested(ProgrammeSettings, required=True)


