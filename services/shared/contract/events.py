"""Every event type Tandem publishes, one versioned schema each, grouped by producer.

A breaking change is a new version (a new class with ``.v2``), never an edit of an old one.
"""

from marshmallow import Schema, fields, validate

from .registry import event_type

LOCALES = ("sv", "fi", "nb", "en")
ROLES = ("mentee", "mentor")


# --- intake -------------------------------------------------------------------------------


@event_type("tenant.created.v1", "intake", "An operator created a tenant (an organisation).")
class TenantCreated(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


@event_type("cohort.opened.v1", "intake", "A cohort opened for applications.")
class CohortOpened(Schema):
    cohort_id = fields.String(required=True)
    programme_id = fields.String(required=True)
    name = fields.String(required=True)
    programme_name = fields.String(required=True)
    time_zone = fields.String(required=True)
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    application_deadline = fields.AwareDateTime(allow_none=True, format="iso")
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)


@event_type("application.submitted.v1", "intake", "A mentor or mentee applied to a cohort.")
class ApplicationSubmitted(Schema):
    application_id = fields.String(required=True)
    cohort_id = fields.String(required=True)
    programme_id = fields.String(required=True)
    programme_name = fields.String(required=True)
    cohort_name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = fields.String(required=True)
    email = fields.Email(required=True)
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    time_zone = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True, format="iso")
