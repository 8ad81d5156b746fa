"""A person's data: erasure, the links sent to their address, consent and retention."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.shared.contract.events import APPLICATION_STATUSES, LOCALES, ROLES
from services.shared.contract.events.shapes import Email
from services.shared.fields import Text

from .common import RETENTION_REASONS


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
