"""Shapes several events share: people's languages, programmes' settings, a cohort's snapshot."""

import copy
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from ...fields import NAME, PARAGRAPH, TITLE, Text
from ..personal import personal

LOCALES = ("sv", "fi", "nb", "en")
ROLES = ("mentee", "mentor")
APPLICATION_STATUSES = ("submitted", "accepted", "waitlisted", "withdrawn", "rejected")
COHORT_STATUSES = ("draft", "open", "closed", "running", "finished")


EMAIL_LENGTH = 320  # RFC 5321: the longest address a mail server takes
LANGUAGE_LENGTH = 8  # an ISO 639 code, with room for a region (e.g. "sv", "fil", "pt-BR")
ID_LENGTH = 36
PHONE_LENGTH = 40
TIME_ZONE_LENGTH = 64
LINK_LENGTH = 2000
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")


def Localized(*, max_length: int = NAME, multiline: bool = False, **kwargs):  # noqa: N802 — reads as a field type
    """Text in several of the platform's languages: {"sv": "...", "en": "..."}, each bounded and clean."""
    return fields.Dict(keys=fields.String(validate=validate.OneOf(LOCALES)),
                       values=Text(max_length=max_length, multiline=multiline), **kwargs)


def Id(**kwargs):  # noqa: N802 — reads as a field type
    """A producer's id of a cohort, application, pair... (a UUID; every consumer keeps it in 36 characters)."""
    return fields.String(validate=validate.Length(min=1, max=ID_LENGTH), **kwargs)


def TimeZone(**kwargs):  # noqa: N802 — reads as a field type
    """An IANA time zone name, e.g. Europe/Stockholm."""
    return fields.String(validate=validate.Length(min=1, max=TIME_ZONE_LENGTH), **kwargs)


def Email(**kwargs):  # noqa: N802 — reads as a field type
    """An e-mail address no longer than a mail server (and every service's column) takes."""
    return fields.Email(validate=validate.Length(max=EMAIL_LENGTH), **kwargs)


class Profession(Schema):
    code = fields.String(required=True, validate=validate.Length(max=8), metadata={"description": "ISCO-08 group code"})
    title = Text(max_length=NAME, load_default="", metadata={"description": "free-text title beside the code"})


class SpokenLanguage(Schema):
    language = fields.String(required=True, validate=validate.Length(min=2, max=LANGUAGE_LENGTH),
                             metadata={"description": "ISO 639 code"})
    level = fields.String(required=True, validate=validate.OneOf(CEFR_LEVELS))


class Profile(Schema):
    """The application's profile: what a person tells of themselves to be matched. Declared once,
    here: application.submitted.v1 carries it, intake's form takes its fields from it (and holds
    what a person may type to tighter rules), and matching keeps it in its projection."""

    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=PHONE_LENGTH), metadata=personal("applicants"))
    languages = fields.List(fields.Nested(SpokenLanguage), load_default=list, metadata=personal("applicants"))
    mentoring_languages = fields.List(fields.String(validate=validate.Length(max=LANGUAGE_LENGTH)), load_default=list, metadata=personal("applicants"))
    profession = fields.Nested(Profession, allow_none=True, load_default=None, metadata=personal("applicants"))
    wished_profession = fields.Nested(Profession, allow_none=True, load_default=None, metadata=personal("applicants"))
    education_field = Text(max_length=NAME, allow_none=True, load_default=None, metadata=personal("applicants"))
    experience_years = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=100), metadata=personal("applicants"))
    sector = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=16), metadata=personal("applicants"))
    employer = Text(max_length=NAME, allow_none=True, load_default=None, metadata=personal("applicants"))
    excluded_employers = fields.List(Text(max_length=NAME), load_default=list, metadata=personal("applicants"))
    city = Text(max_length=120, allow_none=True, load_default=None, metadata=personal("applicants"))
    remote_ok = fields.Boolean(load_default=False)
    capacity = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10))
    interests = Text(max_length=PARAGRAPH, multiline=True, load_default="", metadata=personal("applicants"))


#: The profile's fields, by name, in the order the contract declares them.
PROFILE_FIELDS: tuple[str, ...] = tuple(Profile._declared_fields)


def profile_field(name: str) -> fields.Field:
    """The profile's field ``name`` as the contract declares it, for a schema that takes it as it is."""
    return copy.deepcopy(Profile._declared_fields[name])


def profile_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """The profile in ``data`` (an event's, a row's), a field it lacks taking the contract's default."""
    def default(field: fields.Field) -> Any:
        return field.load_default() if callable(field.load_default) else field.load_default

    return {name: data[name] if data.get(name) is not None else default(field)
            for name, field in Profile._declared_fields.items()}


class MeetingTopic(Schema):
    title = Localized(max_length=TITLE, required=True)
    checklist = fields.List(Localized(max_length=TITLE), required=True, validate=validate.Length(max=30))


class Contact(Schema):
    name = Text(max_length=NAME, min_length=1, required=True, metadata=personal("programme contacts"))
    email = Email(required=True, metadata=personal("programme contacts"))
    phone = Text(max_length=40, load_default=None, allow_none=True, metadata=personal("programme contacts"))
    role = Text(max_length=NAME, load_default=None, allow_none=True)


class GroupEvent(Schema):
    id = Id(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["training", "kick_off", "half_day", "closing", "other"]))
    title = Localized(max_length=TITLE, load_default=dict)
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    venue = Text(max_length=400, load_default="")
    mandatory = fields.Boolean(load_default=False)


class ProgrammeSettings(Schema):
    """What the other services need to know of a cohort's programme."""

    id = Id(required=True)
    name = Localized(required=True)
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    languages = fields.List(fields.String(validate=validate.Length(max=LANGUAGE_LENGTH)), required=True,
                            metadata={"description": "languages of mentoring offered"})
    required_mentor_languages = fields.List(
        fields.String(validate=validate.Length(max=LANGUAGE_LENGTH)), load_default=list,
        metadata={"description": "ISO 639 codes every mentor must speak (e.g. a state agency's sv and en); empty: none"})
    professions = fields.List(fields.Nested(Profession), load_default=list)
    duration_months = fields.Integer(required=True, validate=validate.Range(min=1, max=36))
    meeting_every_months = fields.Integer(required=True, validate=validate.Range(min=1, max=3))
    meeting_minutes = fields.Integer(required=True, validate=validate.Range(min=15, max=480))
    meeting_plan = fields.List(fields.Nested(MeetingTopic), required=True)
    matching_weights = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    matching_mode = fields.String(required=True, validate=validate.OneOf(["optimal", "stable"]))
    match_when_closed = fields.Boolean(required=True)
    reminder_days = fields.List(fields.Integer(validate=validate.Range(min=0, max=30)), required=True)
    share_contact_details = fields.List(fields.String(), required=True, metadata={"description": "which of email, phone the pair may see of each other"})
    contacts = fields.List(fields.Nested(Contact), load_default=list)
    messages = fields.Dict(keys=fields.String(), values=fields.Boolean(), load_default=dict,
                           metadata={"description": "message kind -> sent or not; absent kinds are sent"})


class CohortSnapshot(Schema):
    cohort_id = Id(required=True)
    name = Text(max_length=NAME, required=True)
    status = fields.String(required=True, validate=validate.OneOf(COHORT_STATUSES))
    time_zone = TimeZone(required=True)
    applications_open_at = fields.AwareDateTime(allow_none=True, format="iso")
    application_deadline = fields.AwareDateTime(allow_none=True, format="iso")
    nomination_deadline = fields.AwareDateTime(allow_none=True, format="iso")
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    mentee_places = fields.Integer(required=True, validate=validate.Range(min=1, max=10000))
    mentor_places = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=10000))
    admission = fields.String(required=True, validate=validate.OneOf(["first_come", "selection"]))
    group_events = fields.List(fields.Nested(GroupEvent), required=True)
    programme = fields.Nested(ProgrammeSettings, required=True)


