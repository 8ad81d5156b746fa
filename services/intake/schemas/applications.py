"""An application (a mentee's, a mentor's, a nominated mentor's form), the decision on it, and the surveys a participant answers."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.shared.contract.events import (
    APPLICATION_STATUSES,
    LOCALES,
    ROLES,
    Profile,
    SpokenLanguage,
    profile_field,
)
from services.shared.contract.events.shapes import Email
from services.shared.fields import NAME, Text

from .common import (
    EDUCATION_LEVELS,
    REFERRALS,
    RETENTION_REASONS,
    SECTORS,
    ProfessionIn,
    country_code,
    language_code,
)


class ConsentIn(Schema):
    given = fields.Boolean(required=True, validate=validate.Equal(True, error="consent to processing is needed to apply"))
    text_version = Text(required=True, min_length=1, max_length=40)
    retention_months = fields.Integer(load_default=24, validate=validate.Range(min=1, max=120))


class ApplicationIn(Schema):
    """An application: who applies, the profile the contract declares (``Profile``: the fields a
    person may type more freely there are held to intake's tighter rules here), and what only
    intake keeps (education's level and country, the referral, the consent)."""

    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = Text(required=True, min_length=1, max_length=NAME)
    email = Email(required=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\+?[0-9 ()-]{5,30}$", error="not a phone number"))
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES), metadata={"description": "language for messages"})
    languages = fields.List(fields.Nested(SpokenLanguage), required=True, validate=validate.Length(min=1),
                            metadata={"description": "languages spoken, with CEFR level (or native)"})
    mentoring_languages = fields.List(fields.String(validate=language_code), required=True, validate=validate.Length(min=1),
                                      metadata={"description": "languages acceptable for mentoring"})
    profession = fields.Nested(ProfessionIn, load_default=None, allow_none=True)
    wished_profession = fields.Nested(ProfessionIn, load_default=None, allow_none=True, metadata={"description": "mentees"})
    education_field = profile_field("education_field")
    education_level = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(EDUCATION_LEVELS))
    education_country = fields.String(load_default=None, allow_none=True, validate=country_code, metadata={"description": "ISO 3166 code of the country where it was gained"})
    experience_years = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=60))
    sector = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SECTORS))
    employer = profile_field("employer")
    excluded_employers = fields.List(Text(min_length=1, max_length=NAME), load_default=list, validate=validate.Length(max=50),
                                     metadata={"description": "mentees: employers their mentor must not work at"})
    city = profile_field("city")
    remote_ok = profile_field("remote_ok")
    capacity = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=3), metadata={"description": "mentors: mentees at once (1-3)"})
    interests = profile_field("interests")
    referral = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(REFERRALS))
    referral_note = Text(max_length=400, multiline=True, load_default=None, allow_none=True)
    consent = fields.Nested(ConsentIn, required=True)

    @validates_schema
    def _by_role(self, data, **_):
        errors = {}
        if data.get("role", "mentor") == "mentee":  # the mentor form has no role field
            for name in ("wished_profession", "education_field", "education_level", "education_country"):
                if not data.get(name):
                    errors[name] = ["needed for a mentee"]
            if data.get("capacity") not in (None, 1):
                errors["capacity"] = ["only mentors take more than one"]
        else:
            for name in ("profession", "employer"):
                if not data.get(name):
                    errors[name] = ["needed for a mentor"]
        if errors:
            raise ValidationError(errors)


class MentorFormIn(ApplicationIn):
    """A nominated mentor's form: name and e-mail come from the nomination."""

    class Meta:
        exclude = ("role", "name", "email")


def shown(field: fields.Field, nullable: bool = True) -> fields.Field:
    """A contract field as an answer shows it: its plain marshmallow type, without the rules for
    taking it in (defaults, limits, what is personal); a nested shape is shown as an object."""
    if isinstance(field, fields.List):
        return fields.List(shown(field.inner, nullable=False))
    if isinstance(field, fields.Nested):
        return fields.Dict(allow_none=nullable)
    plain = next(kind for kind in type(field).__mro__ if kind.__module__ == fields.__name__)
    return plain(allow_none=nullable)


#: The profile as an answer shows it, a field for each the contract declares (``Profile``).
ProfileOut = Schema.from_dict({name: shown(field) for name, field in Profile._declared_fields.items()},
                              name="ProfileOut")


class ApplicationOut(ProfileOut):
    """An application as intake answers it: who applied, their profile (``ProfileOut``), what only
    intake keeps, and where the application stands."""

    id = fields.String()
    cohort_id = fields.String()
    role = fields.String()
    name = fields.String()
    email = fields.String()
    locale = fields.String()
    education_level = fields.String(allow_none=True)
    education_country = fields.String(allow_none=True)
    referral = fields.String(allow_none=True)
    referral_note = fields.String(allow_none=True)
    consent_version = fields.String(allow_none=True)
    consent_at = fields.AwareDateTime(allow_none=True)
    retention_months = fields.Integer(allow_none=True)
    nomination_id = fields.String(allow_none=True)
    arrival = fields.Integer(allow_none=True)
    status = fields.String(validate=validate.OneOf(APPLICATION_STATUSES))
    waitlist_position = fields.Integer(allow_none=True)
    submitted_at = fields.AwareDateTime()
    decided_at = fields.AwareDateTime(allow_none=True)
    retention_until = fields.AwareDateTime(allow_none=True, metadata={
        "description": "(the person's own view) when their data is erased unless they extend their consent; "
                       "none while a cohort of theirs has no end date"})
    retention_reason = fields.String(allow_none=True, validate=validate.OneOf(RETENTION_REASONS), metadata={
        "description": "what the period is counted from: the end of the cohort, or the withdrawal or rejection"})


class SubmittedOut(ApplicationOut):
    manage_token = fields.String(metadata={"description": "the applicant's personal token: read or withdraw the application"})


class ApplicationQuery(Schema):
    role = fields.String(load_default=None, validate=validate.OneOf(ROLES))
    status = fields.String(load_default=None, validate=validate.OneOf(APPLICATION_STATUSES))


class DecisionIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["accepted", "waitlisted", "rejected", "withdrawn"]))


class SurveyOut(Schema):
    kind = fields.String()
    cohort = fields.String()
    questions = fields.List(fields.Dict())
    answered = fields.Boolean()


class SurveyAnswersIn(Schema):
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)


class OutcomeReportOut(Schema):
    cohort_id = fields.String()
    min_group = fields.Integer()
    surveys = fields.Dict()
