"""Notify's request and response schemas."""

from __future__ import annotations

from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from services.shared.contract import EVENT_TYPES
from services.shared.contract.events import APPLICATION_STATUSES, LOCALES, ROLES

from .domain.messages import KINDS

STATUSES = ("pending", "sent", "failed", "suppressed", "cancelled")
OPTIONAL_KINDS = sorted(k.name for k in KINDS.values() if not k.essential)


def _localized(**kwargs):
    return fields.Dict(keys=fields.String(validate=validate.OneOf(LOCALES)),
                       values=fields.String(validate=validate.Length(min=1, max=20_000)), **kwargs)


def _time_zone(value: str | None) -> None:
    if value is not None and value not in available_timezones():
        raise ValidationError("not an IANA time zone, e.g. Europe/Helsinki")


# --- the delivery log ---------------------------------------------------------------------------


class DeliveryQuery(Schema):
    person = fields.String(load_default=None, metadata={"description": "an application id, or an e-mail address"})
    recipient = fields.String(load_default=None, metadata={"description": "an e-mail address (or a webhook endpoint's id)"})
    event_id = fields.String(load_default=None)
    event_type = fields.String(load_default=None)
    message = fields.String(load_default=None, validate=validate.OneOf([*KINDS, "webhook"]))
    channel = fields.String(load_default=None, validate=validate.OneOf(["email", "webhook"]))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    cohort_id = fields.String(load_default=None)
    since = fields.AwareDateTime(load_default=None, format="iso", metadata={"description": "created at or after"})
    until = fields.AwareDateTime(load_default=None, format="iso", metadata={"description": "created before"})
    order = fields.String(load_default="oldest", validate=validate.OneOf(["oldest", "newest"]),
                          metadata={"description": "oldest first (a log read from ?since=), or newest first"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
    tenant = fields.String(load_default=None, metadata={"description": "operators only: whose log"})

    @validates_schema
    def _window(self, data, **_kwargs):
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise ValidationError("must be after since", "until")


class DeliveryOut(Schema):
    id = fields.String()
    event_id = fields.String()
    event_type = fields.String()
    message = fields.String()
    channel = fields.String()
    recipient = fields.String()
    person_id = fields.String(allow_none=True)
    cohort_id = fields.String(allow_none=True)
    locale = fields.String()
    essential = fields.Boolean()
    subject = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    next_attempt_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime(allow_none=True)


class CountOut(Schema):
    total = fields.Integer(metadata={"description": "how many there are in all"})


class DeliveryDetailOut(DeliveryOut):
    body_text = fields.String(allow_none=True, metadata={"description": "kept only until the message is delivered"})
    has_calendar = fields.Function(lambda row: bool(row.get("calendar")))


# --- templates ----------------------------------------------------------------------------------


class MessageKindOut(Schema):
    message = fields.String()
    summary = fields.String()
    essential = fields.Boolean(metadata={"description": "essential messages cannot be opted out of"})
    invitation = fields.Boolean(metadata={"description": "carries an iCalendar attachment"})
    locales = fields.List(fields.String())
    overridden = fields.List(fields.String(), metadata={"description": "the locales this tenant has its own version of"})
    variables = fields.List(fields.String())


class TemplateIn(Schema):
    subject = fields.String(load_default=None, allow_none=True, metadata={"description": "a Jinja2 template of one line"})
    text = fields.String(load_default=None, allow_none=True, metadata={"description": "the plain-text body (may extend \"<locale>/_layout.txt\")"})
    html = fields.String(load_default=None, allow_none=True, metadata={"description": "the HTML body (may extend \"<locale>/_layout.html\")"})

    @validates_schema
    def _something(self, data, **_kwargs):
        if not any(data.get(part) is not None for part in ("subject", "text", "html")):
            raise ValidationError("give at least one of subject, text and html", "_schema")


class PreviewIn(TemplateIn):
    role = fields.String(load_default="mentee", validate=validate.OneOf(ROLES))

    @validates_schema
    def _something(self, data, **_kwargs):  # a preview of the current version needs nothing
        return None


class TemplateOut(Schema):
    message = fields.String()
    locale = fields.String()
    overridden = fields.Boolean()
    subject = fields.String()
    text = fields.String()
    html = fields.String()
    updated_at = fields.AwareDateTime(allow_none=True)
    updated_by = fields.String(allow_none=True)


class RenderedOut(Schema):
    locale = fields.String()
    subject = fields.String()
    text = fields.String()
    html = fields.String()


# --- webhooks -----------------------------------------------------------------------------------


class WebhookIn(Schema):
    url = fields.String(required=True, validate=validate.Length(min=8, max=2000))
    event_types = fields.List(fields.String(), load_default=list, metadata={"description": "[] = every event notify hears of"})
    description = fields.String(load_default="", validate=validate.Length(max=200))
    active = fields.Boolean(load_default=True)

    @validates("event_types")
    def _known(self, value, **_kwargs):
        unknown = [t for t in value if t not in EVENT_TYPES]
        if unknown:
            raise ValidationError(f"unknown event types: {', '.join(unknown)}")


class WebhookPatch(WebhookIn):
    url = fields.String(validate=validate.Length(min=8, max=2000))
    event_types = fields.List(fields.String())
    description = fields.String(validate=validate.Length(max=200))
    active = fields.Boolean()


class WebhookOut(Schema):
    id = fields.String()
    url = fields.String()
    event_types = fields.List(fields.String())
    description = fields.String()
    active = fields.Boolean()
    created_at = fields.AwareDateTime()
    created_by = fields.String()


class WebhookCreatedOut(WebhookOut):
    secret = fields.String(allow_none=True, metadata={"description": "the tenant's signing secret, shown once: when it is made"})


class SecretOut(Schema):
    secret = fields.String(metadata={"description": "the new signing secret, shown once"})
    previous_valid_until = fields.AwareDateTime(allow_none=True,
                                                metadata={"description": "until then the old secret signs too"})


# --- announcements ------------------------------------------------------------------------------


class AnnouncementIn(Schema):
    subject = _localized(required=True, validate=validate.Length(min=1),
                         metadata={"description": "in one or more of sv, fi, nb, en; each reader gets their own, else the programme's, else English"})
    body = _localized(required=True, validate=validate.Length(min=1))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), load_default=lambda: list(ROLES),
                        validate=validate.Length(min=1))
    statuses = fields.List(fields.String(validate=validate.OneOf(APPLICATION_STATUSES)), load_default=lambda: ["accepted"],
                           validate=validate.Length(min=1))
    paired = fields.Boolean(load_default=None, allow_none=True,
                            metadata={"description": "only people in a pair (true), only those without (false), or all"})
    essential = fields.Boolean(load_default=False, metadata={"description": "true: sent even to those who opted out"})

    @validates_schema
    def _subjects(self, data, **_kwargs):
        for locale, subject in (data.get("subject") or {}).items():
            if "\n" in subject or len(subject) > 200:
                raise ValidationError({locale: ["one line of at most 200 characters"]}, "subject")
        if set(data.get("subject") or {}) != set(data.get("body") or {}):
            raise ValidationError("give the body in the same languages as the subject", "body")


class AnnouncementQuery(Schema):
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=500),
                           metadata={"description": "at most this many (newest first); all when left out"})
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class AnnouncementPreviewOut(Schema):
    recipients = fields.Integer(metadata={"description": "how many people it would go to"})
    roles = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "of them, per role"})
    opted_out = fields.Integer(metadata={"description": "of them, how many opted out and would not get it (unless essential)"})
    previews = fields.List(fields.Nested(lambda: RenderedOut()),
                           metadata={"description": "the message in each of sv, fi, nb, en as a reader in that language gets it"})


class AnnouncementOut(Schema):
    id = fields.String()
    cohort_id = fields.String()
    subject = fields.Dict()
    body = fields.Dict()
    audience = fields.Dict()
    essential = fields.Boolean()
    recipients = fields.Integer()
    created_at = fields.AwareDateTime()
    created_by = fields.String()


# --- preferences --------------------------------------------------------------------------------


class PreferencesIn(Schema):
    opted_out = fields.List(fields.String(validate=validate.OneOf(["*", *OPTIONAL_KINDS])), required=True,
                            metadata={"description": "non-essential kinds of message not wanted; \"*\" for all of them"})
    time_zone = fields.String(load_default=None, allow_none=True, validate=_time_zone,
                              metadata={"description": "show times in this zone instead of the cohort's"})


class CoordinatorPreferencesIn(PreferencesIn):
    email = fields.Email(required=True)


class PreferencesQuery(Schema):
    email = fields.Email(required=True)


class PreferencesOut(Schema):
    opted_out = fields.List(fields.String())
    time_zone = fields.String(allow_none=True)
    optional = fields.List(fields.String(), metadata={"description": "the kinds one may opt out of"})
    updated_at = fields.AwareDateTime(allow_none=True)


class UnsubscribeQuery(Schema):
    token = fields.String(required=True)
    lang = fields.String(load_default=None, validate=validate.OneOf(LOCALES))


class UnsubscribeTokenQuery(Schema):
    token = fields.String(required=True, metadata={"description": "the personal token of a message's unsubscribe link"})


class UnsubscribeStateOut(Schema):
    unsubscribed = fields.Boolean(metadata={"description": "no non-essential message goes to this address any more"})
    opted_out = fields.List(fields.String(), metadata={"description": "the kinds not wanted; \"*\" for all of them"})
    programmes = fields.List(fields.Dict(keys=fields.String(), values=fields.String()),
                             metadata={"description": "the names (by language) of the programmes this address hears from"})
    locale = fields.String(allow_none=True, metadata={"description": "the language the person applied in, if known"})
