"""A programme's settings, as a coordinator writes them and as the public reads them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.shared.contract.events import LOCALES, ROLES, Contact, Localized, MeetingTopic
from services.shared.fields import DOCUMENT, NAME, PARAGRAPH, Text

from ..domain.defaults import MATCHING_WEIGHTS
from .common import ORGANISATION_ID, ProfessionIn, language_code, non_empty_localized


class MemberOrganisation(Schema):
    id = fields.String(required=True, validate=validate.Regexp(ORGANISATION_ID, error="lowercase letters, digits and dashes"))
    name = Text(required=True, min_length=1, max_length=NAME, metadata={"description": "as people know it, e.g. Skatteverket"})


class SurveyQuestion(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]{1,40}$"))
    kind = fields.String(required=True, validate=validate.OneOf(["yes_no", "choice", "scale", "text"]))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True, validate=validate.Length(min=1))
    choices = fields.List(Text(min_length=1, max_length=NAME), load_default=None, validate=validate.Length(max=20))
    text = Localized(max_length=PARAGRAPH, multiline=True, required=True, validate=non_empty_localized)


class Surveys(Schema):
    midpoint = fields.List(fields.Nested(SurveyQuestion), required=True)
    closing = fields.List(fields.Nested(SurveyQuestion), required=True)


class ProgrammeFields(Schema):
    """Every setting of a programme; on creation the missing ones take the defaults."""

    name = Localized(validate=non_empty_localized, metadata={"description": "name per locale"})
    description = Localized(max_length=DOCUMENT, multiline=True)
    locale = fields.String(validate=validate.OneOf(LOCALES), metadata={"description": "the programme's own language"})
    languages = fields.List(fields.String(validate=language_code), validate=validate.Length(min=1),
                            metadata={"description": "languages of mentoring offered (ISO 639)"})
    required_mentor_languages = fields.List(
        fields.String(validate=language_code), validate=validate.Length(max=10),
        metadata={"description": "languages every mentor must speak (ISO 639), e.g. [\"sv\", \"en\"]; none by default"})
    professions = fields.List(fields.Nested(ProfessionIn), validate=validate.Length(max=200), metadata={"description": "mentor professions it takes"})
    duration_months = fields.Integer(validate=validate.Range(min=1, max=36))
    meeting_every_months = fields.Integer(validate=validate.Range(min=1, max=3))
    meeting_minutes = fields.Integer(validate=validate.Range(min=15, max=480))
    meeting_plan = fields.List(fields.Nested(MeetingTopic), validate=validate.Length(min=1, max=36))
    matching_weights = fields.Dict(keys=fields.String(validate=validate.OneOf(MATCHING_WEIGHTS)),
                                   values=fields.Float(validate=validate.Range(min=0, max=100)))
    matching_mode = fields.String(validate=validate.OneOf(["optimal", "stable"]))
    match_when_closed = fields.Boolean(metadata={"description": "start a matching run by itself when a cohort closes"})
    reminder_days = fields.List(fields.Integer(validate=validate.Range(min=0, max=30)))
    share_contact_details = fields.List(fields.String(validate=validate.OneOf(["email", "phone"])))
    contacts = fields.List(fields.Nested(Contact), validate=validate.Length(max=20))
    member_organisations = fields.List(fields.Nested(MemberOrganisation), validate=validate.Length(max=200))
    surveys = fields.Nested(Surveys)
    min_report_group = fields.Integer(validate=validate.Range(min=1, max=100))
    notice = Localized(max_length=PARAGRAPH, multiline=True, metadata={"description": "shown while paused"})
    messages = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[a-z_]{1,40}$")), values=fields.Boolean(),
                           metadata={"description": "message kind -> sent or not (e.g. {\"meeting_nudge\": false}); all are sent by default"})


class ProgrammeIn(ProgrammeFields):
    name = Localized(required=True, validate=non_empty_localized)


class ProgrammeOut(ProgrammeFields):
    id = fields.String()
    status = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class PauseIn(Schema):
    notice = Localized(max_length=PARAGRAPH, multiline=True, load_default=None, metadata={"description": "the public notice; the default says it is being evaluated"})


class PublicProgrammeOut(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String()
    status = fields.String()
    notice = fields.String(allow_none=True)
    languages = fields.List(fields.String())
    contacts = fields.List(fields.Nested(Contact))
    open_cohorts = fields.List(fields.Dict())
