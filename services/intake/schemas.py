"""Intake's request and response schemas."""

from zoneinfo import available_timezones

from marshmallow import Schema, fields, validate

from services.shared.contract.events import LOCALES, ROLES

TIME_ZONES = sorted(available_timezones())


class TenantIn(Schema):
    slug = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,62}$", error="lowercase letters, digits and dashes, 2-63 characters"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TenantOut(Schema):
    slug = fields.String()
    name = fields.String()
    created_at = fields.AwareDateTime()


class TokenIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(["coordinator", "representative"]))
    sub = fields.String(required=True, validate=validate.Length(min=1, max=320), metadata={"description": "who the token is for, e.g. an e-mail"})
    org = fields.String(load_default=None, metadata={"description": "member organisation (representatives)"})
    ttl = fields.Integer(load_default=8 * 3600, validate=validate.Range(min=60, max=90 * 24 * 3600))


class TokenOut(Schema):
    token = fields.String()
    tenant = fields.String()
    role = fields.String()
    expires_in = fields.Integer()


class ProgrammeIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="")
    locale = fields.String(load_default="sv", validate=validate.OneOf(LOCALES))


class ProgrammeOut(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String()
    locale = fields.String()
    status = fields.String()


class CohortIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    time_zone = fields.String(load_default="Europe/Stockholm", validate=validate.OneOf(TIME_ZONES, error="not a known IANA time zone"))
    application_deadline = fields.AwareDateTime(load_default=None)
    starts_on = fields.Date(load_default=None)
    ends_on = fields.Date(load_default=None)
    open = fields.Boolean(load_default=False, metadata={"description": "open for applications at once"})


class CohortOut(Schema):
    id = fields.String()
    programme_id = fields.String()
    name = fields.String()
    time_zone = fields.String()
    status = fields.String()
    application_deadline = fields.AwareDateTime(allow_none=True)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)


class PublicCohortOut(Schema):
    id = fields.String()
    name = fields.String()
    programme = fields.String()
    status = fields.String()
    application_deadline = fields.AwareDateTime(allow_none=True)


class ApplicationIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True)
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES), metadata={"description": "language for messages"})


class ApplicationOut(Schema):
    id = fields.String()
    cohort_id = fields.String()
    role = fields.String()
    name = fields.String()
    email = fields.String()
    locale = fields.String()
    status = fields.String()
    submitted_at = fields.AwareDateTime()
