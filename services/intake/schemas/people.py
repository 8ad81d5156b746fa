"""Tenants, their tokens, and staff: the invitation, the sign-in link and what redeeming it gives."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.shared.contract.events import LOCALES
from services.shared.contract.events.shapes import Email
from services.shared.fields import NAME, Text

from .common import ORGANISATION_ID


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
