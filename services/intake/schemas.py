"""Intake's request and response schemas (marshmallow), with field-level validation."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from services.shared import clock
from services.shared.contract.events import (
    APPLICATION_STATUSES,
    COHORT_STATUSES,
    LOCALES,
    ROLES,
    Contact,
    Localized,
    MeetingTopic,
    SpokenLanguage,
)
from services.shared.contract.events.shapes import Email
from services.shared.fields import DOCUMENT, NAME, PARAGRAPH, TITLE, Text
from services.shared.reference import isco08

from .domain.defaults import MATCHING_WEIGHTS

TIME_ZONES = frozenset(available_timezones())
LANGUAGES = frozenset(Locale("en").languages)  # ISO 639 codes Babel knows
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}  # regions and pseudo-territories
COUNTRIES = frozenset(code for code in Locale("en").territories
                      if code.isalpha() and code.isupper() and len(code) == 2 and code not in _NOT_COUNTRIES)
SECTORS = ("public", "private", "nonprofit", "academic", "self_employed", "other")
EDUCATION_LEVELS = ("bachelor", "master", "doctoral", "vocational", "other")
REFERRALS = ("partner_course", "personal_coach", "other")
GROUP_EVENT_KINDS = ("training", "kick_off", "half_day", "closing", "other")


ORGANISATION_ID = r"^[a-z0-9][a-z0-9-]{0,62}$"


def _language(code: str) -> None:
    if code not in LANGUAGES:
        raise ValidationError(f"{code!r} is not an ISO 639 language code")


def _time_zone(name: str) -> None:
    if name not in TIME_ZONES:
        raise ValidationError(f"{name!r} is not an IANA time zone, e.g. Europe/Stockholm")


def _country(code: str) -> None:
    if code not in COUNTRIES:
        raise ValidationError(f"{code!r} is not an ISO 3166 country code, e.g. SE")


def _non_empty_localized(value: dict) -> None:
    if not any((text or "").strip() for text in value.values()):
        raise ValidationError("give the text in at least one of sv, fi, nb, en")


class ProfessionIn(Schema):
    code = fields.String(required=True, metadata={"description": "ISCO-08 group code, e.g. 2611 (lawyers)"})
    title = Text(max_length=NAME, load_default="", metadata={"description": "free-text title beside the code"})

    @validates("code")
    def _known(self, value, **_):
        if not isco08.is_known(value):
            raise ValidationError(f"{value!r} is not an ISCO-08 group code")


class ProfessionOut(Schema):
    code = fields.String(metadata={"description": "ISCO-08 unit group code"})
    label = fields.String(metadata={"description": "in the asked language (English where there is none)"})


class MemberOrganisation(Schema):
    id = fields.String(required=True, validate=validate.Regexp(ORGANISATION_ID, error="lowercase letters, digits and dashes"))
    name = Text(required=True, min_length=1, max_length=NAME, metadata={"description": "as people know it, e.g. Skatteverket"})


class SurveyQuestion(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]{1,40}$"))
    kind = fields.String(required=True, validate=validate.OneOf(["yes_no", "choice", "scale", "text"]))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True, validate=validate.Length(min=1))
    choices = fields.List(Text(min_length=1, max_length=NAME), load_default=None, validate=validate.Length(max=20))
    text = Localized(max_length=PARAGRAPH, multiline=True, required=True, validate=_non_empty_localized)


class Surveys(Schema):
    midpoint = fields.List(fields.Nested(SurveyQuestion), required=True)
    closing = fields.List(fields.Nested(SurveyQuestion), required=True)


class ProgrammeFields(Schema):
    """Every setting of a programme; on creation the missing ones take the defaults."""

    name = Localized(validate=_non_empty_localized, metadata={"description": "name per locale"})
    description = Localized(max_length=DOCUMENT, multiline=True)
    locale = fields.String(validate=validate.OneOf(LOCALES), metadata={"description": "the programme's own language"})
    languages = fields.List(fields.String(validate=_language), validate=validate.Length(min=1),
                            metadata={"description": "languages of mentoring offered (ISO 639)"})
    required_mentor_languages = fields.List(
        fields.String(validate=_language), validate=validate.Length(max=10),
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
    name = Localized(required=True, validate=_non_empty_localized)


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


def past_dates(data: dict, now: datetime) -> dict[str, list[str]]:
    """The deadlines and the start among ``data`` that are already past, each with its reason.

    Without the cohort's time zone, the start is compared with the earliest date anywhere on
    Earth, so a cohort starting today somewhere is never refused."""
    errors = {}
    for name in ("application_deadline", "nomination_deadline"):
        moment = data.get(name)
        if moment is not None and moment <= now:
            errors[name] = ["is in the past"]
    if data.get("starts_on"):
        zone = data.get("time_zone")
        today = now.astimezone(ZoneInfo(zone)).date() if zone in TIME_ZONES else (now - timedelta(hours=12)).date()
        if data["starts_on"] < today:
            errors["starts_on"] = ["is in the past"]
    return errors


class GroupEventIn(Schema):
    id = fields.String(load_default=None, validate=validate.Length(max=36), metadata={"description": "an existing event's id, to change that event rather than add one"})
    kind = fields.String(required=True, validate=validate.OneOf(GROUP_EVENT_KINDS))
    title = Localized(max_length=TITLE, load_default=dict)
    starts_at = fields.DateTime(required=True, metadata={"description": "with an offset, or local time in the cohort's time zone"})
    ends_at = fields.DateTime(required=True)
    venue = Text(max_length=400, load_default="")
    mandatory = fields.Boolean(load_default=False)

    @validates_schema
    def _order(self, data, **_):
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("must be after starts_at", "ends_at")


class GroupEventOut(Schema):
    id = fields.String()
    kind = fields.String()
    title = Localized()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    venue = fields.String()
    mandatory = fields.Boolean()


class CohortFields(Schema):
    name = Text(min_length=1, max_length=NAME, metadata={"example": "Spring 2019"})
    time_zone = fields.String(validate=_time_zone, metadata={"example": "Europe/Stockholm"})
    applications_open_at = fields.AwareDateTime(allow_none=True)
    application_deadline = fields.AwareDateTime(allow_none=True)
    nomination_deadline = fields.AwareDateTime(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date()
    mentee_places = fields.Integer(validate=validate.Range(min=1, max=10000))
    mentor_places = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=10000))
    admission = fields.String(validate=validate.OneOf(["first_come", "selection"]),
                              metadata={"description": "first_come: the first N valid mentees are accepted; selection: the coordinator accepts"})
    group_events = fields.List(fields.Nested(GroupEventIn), metadata={"description": "replaces the cohort's group events"})

    @validates_schema
    def _dates(self, data, **_):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            raise ValidationError("must be after starts_on", "ends_on")
        if data.get("applications_open_at") and data.get("application_deadline") and data["application_deadline"] <= data["applications_open_at"]:
            raise ValidationError("must be after applications_open_at", "application_deadline")


class CohortIn(CohortFields):
    name = Text(required=True, min_length=1, max_length=NAME)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    open = fields.Boolean(load_default=False, metadata={"description": "open for applications at once"})

    @validates_schema
    def _not_past(self, data, **_):
        """A deadline or a start already past would open a cohort no one can apply or be nominated
        to. (An edit is checked against what it changes: see ``changed_past_dates``.)"""
        errors = past_dates(data, clock.now())
        if errors:
            raise ValidationError(errors)


def changed_past_dates(cohort, changes: dict, now: datetime) -> dict[str, list[str]]:
    """The deadlines and the start an edit moves into the past. A date the cohort has already,
    sent again unchanged (a form sends every field), is no change and no refusal."""
    moved = {name: value for name, value in changes.items() if value != cohort.get(name)}
    return past_dates({**moved, "time_zone": changes.get("time_zone", cohort.get("time_zone"))}, now)


class CohortOut(CohortFields):
    id = fields.String()
    programme_id = fields.String()
    status = fields.String(validate=validate.OneOf(COHORT_STATUSES))
    group_events = fields.List(fields.Nested(GroupEventOut))
    accepted = fields.Dict(keys=fields.String(), values=fields.Integer())
    waitlisted = fields.Dict(keys=fields.String(), values=fields.Integer())


class PublicCohortOut(Schema):
    id = fields.String()
    name = fields.String()
    programme = fields.String()
    description = fields.String(metadata={"description": "the programme's, in the asked language where it exists"})
    status = fields.String()
    time_zone = fields.String()
    application_deadline = fields.AwareDateTime(allow_none=True)
    nomination_deadline = fields.AwareDateTime(allow_none=True)
    mentee_places_left = fields.Integer(metadata={"description": "mentee places not yet taken"})
    starts_on = fields.Date()
    ends_on = fields.Date()
    languages = fields.List(fields.String())
    professions = fields.List(fields.Dict())
    consent_version = fields.String()
    consent_text = fields.String()
    group_events = fields.List(fields.Nested(GroupEventOut))


RETENTION_REASONS = ("cohort_ended", "withdrawn", "rejected")


class ConsentIn(Schema):
    given = fields.Boolean(required=True, validate=validate.Equal(True, error="consent to processing is needed to apply"))
    text_version = Text(required=True, min_length=1, max_length=40)
    retention_months = fields.Integer(load_default=24, validate=validate.Range(min=1, max=120))


class ApplicationIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = Text(required=True, min_length=1, max_length=NAME)
    email = Email(required=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\+?[0-9 ()-]{5,30}$", error="not a phone number"))
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES), metadata={"description": "language for messages"})
    languages = fields.List(fields.Nested(SpokenLanguage), required=True, validate=validate.Length(min=1),
                            metadata={"description": "languages spoken, with CEFR level (or native)"})
    mentoring_languages = fields.List(fields.String(validate=_language), required=True, validate=validate.Length(min=1),
                                      metadata={"description": "languages acceptable for mentoring"})
    profession = fields.Nested(ProfessionIn, load_default=None, allow_none=True)
    wished_profession = fields.Nested(ProfessionIn, load_default=None, allow_none=True, metadata={"description": "mentees"})
    education_field = Text(max_length=NAME, load_default=None, allow_none=True)
    education_level = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(EDUCATION_LEVELS))
    education_country = fields.String(load_default=None, allow_none=True, validate=_country, metadata={"description": "ISO 3166 code of the country where it was gained"})
    experience_years = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=60))
    sector = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SECTORS))
    employer = Text(max_length=NAME, load_default=None, allow_none=True)
    excluded_employers = fields.List(Text(min_length=1, max_length=NAME), load_default=list, validate=validate.Length(max=50),
                                     metadata={"description": "mentees: employers their mentor must not work at"})
    city = Text(max_length=120, load_default=None, allow_none=True)
    remote_ok = fields.Boolean(load_default=False)
    capacity = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=3), metadata={"description": "mentors: mentees at once (1-3)"})
    interests = Text(max_length=PARAGRAPH, multiline=True, load_default="")
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


class ApplicationOut(Schema):
    id = fields.String()
    cohort_id = fields.String()
    role = fields.String()
    name = fields.String()
    email = fields.String()
    phone = fields.String(allow_none=True)
    locale = fields.String()
    languages = fields.List(fields.Dict())
    mentoring_languages = fields.List(fields.String())
    profession = fields.Dict(allow_none=True)
    wished_profession = fields.Dict(allow_none=True)
    education_field = fields.String(allow_none=True)
    education_level = fields.String(allow_none=True)
    education_country = fields.String(allow_none=True)
    experience_years = fields.Integer(allow_none=True)
    sector = fields.String(allow_none=True)
    employer = fields.String(allow_none=True)
    excluded_employers = fields.List(fields.String())
    city = fields.String(allow_none=True)
    remote_ok = fields.Boolean(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    interests = fields.String(allow_none=True)
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


class TenantIn(Schema):
    slug = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,62}$", error="lowercase letters, digits and dashes, 2-63 characters"))
    name = Text(required=True, min_length=1, max_length=NAME)


class TenantOut(Schema):
    slug = fields.String()
    name = fields.String()
    created_at = fields.AwareDateTime()


class TokenIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(["coordinator", "representative"]))
    sub = Text(required=True, min_length=1, max_length=320, metadata={"description": "who the token is for, e.g. an e-mail"})
    org = fields.String(load_default=None, validate=validate.Regexp(ORGANISATION_ID, error="a member organisation's id"),
                        metadata={"description": "member organisation (representatives)"})
    ttl = fields.Integer(load_default=8 * 3600, validate=validate.Range(min=60, max=90 * 24 * 3600))


class TokenOut(Schema):
    token = fields.String()
    tenant = fields.String()
    role = fields.String()
    expires_in = fields.Integer()


class NominationIn(Schema):
    name = Text(required=True, min_length=1, max_length=NAME)
    email = Email(required=True)
    locale = fields.String(load_default=None, validate=validate.OneOf(LOCALES))
    rank = fields.Integer(required=True, validate=validate.Range(min=1, max=1000), metadata={"description": "1 = the organisation's first choice"})
    note = Text(max_length=2000, multiline=True, load_default="", metadata={"description": "why the organisation vouches for them"})


class NominationOut(Schema):
    id = fields.String()
    cohort_id = fields.String()
    organisation = fields.String()
    name = fields.String()
    email = fields.String()
    locale = fields.String()
    rank = fields.Integer()
    note = fields.String()
    status = fields.String()
    nominated_by = fields.String()
    nominated_at = fields.AwareDateTime()
    decided_at = fields.AwareDateTime(allow_none=True)
    application_id = fields.String(allow_none=True)


class NominationDecisionIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["accept", "decline"]))


class MentorFormOut(Schema):
    nomination_id = fields.String()
    cohort_id = fields.String()
    programme = fields.String()
    cohort = fields.String()
    organisation = fields.String(metadata={"description": "the nominating member organisation's name"})
    organisation_id = fields.String()
    prefilled = fields.Dict(metadata={"description": "role, name, e-mail and language, as nominated"})
    consent_version = fields.String()
    consent_text = fields.String()
    application_id = fields.String(allow_none=True)


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


class ErasureIn(Schema):
    email = Email(required=True)
    tenant = fields.String(load_default=None, metadata={"description": "operators name the tenant"})


class ErasureOut(Schema):
    id = fields.String()
    applications = fields.Integer()
    nominations = fields.Integer()
    requested_at = fields.AwareDateTime()


class LinksRequestIn(Schema):
    email = Email(required=True, metadata={"description": "the address the person applied (or was nominated) with"})
    locale = fields.String(load_default=None, validate=validate.OneOf(LOCALES),
                           metadata={"description": "language of the message (default: the person's own)"})


class LinksRequestOut(Schema):
    message = fields.String(metadata={"description": "the same whether the address is known or not"})


class StaffIn(Schema):
    email = Email(required=True, metadata={"description": "where the sign-in links go; kept lower-cased"})
    name = Text(required=True, min_length=1, max_length=NAME)
    role = fields.String(required=True, validate=validate.OneOf(["coordinator", "representative"]))
    organisation = fields.String(load_default=None, validate=validate.Regexp(ORGANISATION_ID, error="a member organisation's id"),
                                 metadata={"description": "the member organisation a representative speaks for"})
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))

    @validates_schema
    def organisation_for_representatives(self, data, **kwargs):
        if data["role"] == "representative" and not data.get("organisation"):
            raise ValidationError("required for a representative", "organisation")
        if data["role"] == "coordinator" and data.get("organisation"):
            raise ValidationError("only representatives speak for a member organisation", "organisation")


class StaffOut(Schema):
    id = fields.String()
    tenant = fields.String()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    organisation = fields.String(allow_none=True)
    locale = fields.String()
    invited_by = fields.String()
    created_at = fields.AwareDateTime()
    active = fields.Boolean()


class SignInIn(Schema):
    email = Email(required=True, metadata={"description": "the address the staff member was invited with"})
    locale = fields.String(load_default=None, validate=validate.OneOf(LOCALES),
                           metadata={"description": "language of the message (default: the staff member's own)"})


class SignInOut(Schema):
    message = fields.String(metadata={"description": "the same whether the address is known or not"})


class RedeemIn(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"description": "the code from the sign-in link"})


class SignedInOut(Schema):
    token = fields.String(metadata={"description": "a bearer token for the staff member's role in the tenant"})
    role = fields.String()
    tenant = fields.String()
    name = fields.String()
    organisation = fields.String(allow_none=True)
    locale = fields.String()
    expires_at = fields.AwareDateTime()
    tenant_name = fields.String(metadata={"description": "the tenant's name as people know it"})
    organisation_name = fields.String(allow_none=True, metadata={
        "description": "the member organisation's name as people know it (a representative's)"})


class ConsentExtensionIn(Schema):
    retention_months = fields.Integer(load_default=None, validate=validate.Range(min=1, max=120), metadata={
        "description": "the new retention period, in months from the same starting point; longer than the present one"})
    extend_months = fields.Integer(load_default=None, validate=validate.Range(min=1, max=60), metadata={
        "description": "or: lengthen the present period by this many months (12 when neither is given)"})
    text_version = Text(required=True, min_length=1, max_length=40,
                        metadata={"description": "the version of the consent text the person agreed to"})

    @validates_schema
    def _one_of_them(self, data, **kwargs):
        if data.get("retention_months") is not None and data.get("extend_months") is not None:
            raise ValidationError("give retention_months or extend_months, not both", "extend_months")


class RetentionApplicationOut(Schema):
    id = fields.String()
    cohort_id = fields.String()
    cohort = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))
    status = fields.String(validate=validate.OneOf(APPLICATION_STATUSES))
    reason = fields.String(validate=validate.OneOf(RETENTION_REASONS),
                           metadata={"description": "what the period is counted from"})
    counted_from = fields.AwareDateTime()
    retention_months = fields.Integer()
    expires_at = fields.AwareDateTime()


class RetentionOut(Schema):
    email = fields.String()
    name = fields.String()
    expires_at = fields.AwareDateTime(metadata={"description": "when the person is erased: their latest application's date"})
    reason = fields.String(validate=validate.OneOf(RETENTION_REASONS),
                           metadata={"description": "what the latest application's period is counted from"})
    applications = fields.List(fields.Nested(RetentionApplicationOut))


class RetentionQuery(Schema):
    within_days = fields.Integer(load_default=30, validate=validate.Range(min=0, max=3650),
                                 metadata={"description": "people erased within this many days (those overdue too)"})
    cohort_id = fields.String(load_default=None, metadata={"description": "only people with an application in this cohort"})
    tenant = fields.String(load_default=None, metadata={"description": "an operator names the tenant"})
