"""A member organisation's nomination of a mentor, and the form the nominated mentor fills in."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.shared.contract.events import LOCALES
from services.shared.contract.events.shapes import Email
from services.shared.fields import NAME, Text


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
