"""Events notify publishes: what happened to a message. They name the cause and the channel,
never the message's text or the recipient's address."""

from marshmallow import Schema, fields, validate

from ..personal import personal
from ..registry import event_type


class DeliveryOutcome(Schema):
    delivery_id = fields.String(required=True)
    cause_event_id = fields.String(required=True, metadata={"description": "the event (or coordinator's announcement) that caused the message"})
    cause_event_type = fields.String(required=True, metadata={"description": "its type, e.g. match.confirmed.v1; notify.announcement for an announcement"})
    message = fields.String(required=True, metadata={"description": "the kind of message, e.g. match_confirmed; webhook for a webhook"})
    channel = fields.String(required=True, validate=validate.OneOf(["email", "webhook"]))
    recipient_id = fields.String(allow_none=True, load_default=None, metadata=personal("participants", description="application (or nomination) id, where the recipient is a participant"))
    cohort_id = fields.String(allow_none=True, load_default=None, metadata={"description": "the cohort the message is about, where there is one"})
    attempts = fields.Integer(required=True)


@event_type("notification.sent.v1", "notify", "A message was delivered (accepted by the SMTP server or the tenant's webhook).", record=True)
class NotificationSent(DeliveryOutcome):
    pass


@event_type("notification.failed.v1", "notify", "A message could not be delivered: a permanent failure, or the attempts ran out.", record=True)
class NotificationFailed(DeliveryOutcome):
    error = fields.String(required=True, metadata={"description": "the last error, without the recipient's address"})
    permanent = fields.Boolean(load_default=True, metadata={"description": "true: refused for good (e.g. SMTP 550); false: the attempts ran out"})
