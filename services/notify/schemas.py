"""Notify's request and response schemas."""

from marshmallow import Schema, fields, validate


class DeliveryQuery(Schema):
    recipient = fields.String(load_default=None)
    event_id = fields.String(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(["pending", "sent", "failed"]))


class DeliveryOut(Schema):
    id = fields.String()
    event_id = fields.String()
    event_type = fields.String()
    message = fields.String()
    channel = fields.String()
    recipient = fields.String()
    locale = fields.String()
    subject = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
