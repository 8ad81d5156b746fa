"""Events intake publishes: tenants, cohorts, applications, nominations, surveys, erasure."""

from marshmallow import Schema, fields, validate

from ...fields import NAME, Text
from ..personal import GONE, NO_LONGER_SENT, personal
from ..registry import event_type
from .shapes import (
    APPLICATION_STATUSES,
    LINK_LENGTH,
    LOCALES,
    ROLES,
    CohortSnapshot,
    Email,
    Id,
    Profile,
    TimeZone,
)

ORGANISATION_LENGTH = 64


@event_type("tenant.created.v1", "intake", "An operator created a tenant (an organisation).", record=True)
class TenantCreated(Schema):
    slug = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = Text(max_length=NAME, required=True)


@event_type("cohort.opened.v1", "intake", "A cohort opened for applications.")
class CohortOpened(CohortSnapshot):
    pass


@event_type("cohort.updated.v1", "intake", "A cohort (or its programme) changed while not a draft.")
class CohortUpdated(CohortSnapshot):
    pass


@event_type("cohort.closed.v1", "intake", "A cohort stopped taking applications (deadline or coordinator).")
class CohortClosed(CohortSnapshot):
    pass


@event_type("cohort.started.v1", "intake", "A cohort's mentoring period began.")
class CohortStarted(CohortSnapshot):
    pass


@event_type("cohort.finished.v1", "intake", "A cohort's mentoring period ended.")
class CohortFinished(CohortSnapshot):
    pass


class ApplicationPerson(Schema):
    """Who an application event is about, and how to reach them."""

    application_id = Id(required=True, metadata=personal("applicants"))
    cohort_id = Id(required=True)
    programme_id = Id(required=True)
    programme_name = Text(max_length=NAME, required=True)
    cohort_name = Text(max_length=NAME, required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = Text(max_length=NAME, required=True, metadata=personal("applicants"))
    email = Email(required=True, metadata=personal("applicants"))
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    time_zone = TimeZone(required=True)
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    manage_link = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=LINK_LENGTH),
                                metadata=personal("applicants", description="the applicant's personal link"))


@event_type("application.submitted.v1", "intake", "A mentor or mentee applied to a cohort; carries the whole profile.")
class ApplicationSubmitted(Profile, ApplicationPerson):  # the person first, then the profile
    submitted_at = fields.AwareDateTime(required=True, format="iso")
    nomination_id = Id(allow_none=True, load_default=None, metadata=personal("applicants"))
    arrival = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "arrival order within the cohort and role"})


@event_type("application.accepted.v1", "intake", "An application was accepted (places, or the coordinator).")
class ApplicationAccepted(ApplicationPerson):
    pass


@event_type("application.waitlisted.v1", "intake", "An application was put on the waiting list.")
class ApplicationWaitlisted(ApplicationPerson):
    waitlist_position = fields.Integer(required=True, validate=validate.Range(min=1))


@event_type("application.promoted.v1", "intake", "A waitlisted application took a freed place.")
class ApplicationPromoted(ApplicationPerson):
    pass


@event_type("application.rejected.v1", "intake", "The coordinator rejected an application.")
class ApplicationRejected(ApplicationPerson):
    pass


@event_type("application.withdrawn.v1", "intake", "The applicant (or a coordinator for them) withdrew.")
class ApplicationWithdrawn(ApplicationPerson):
    previous_status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))


class NominationPerson(Schema):
    nomination_id = Id(required=True, metadata=personal("nominated mentors"))
    cohort_id = Id(required=True)
    programme_name = Text(max_length=NAME, required=True)
    cohort_name = Text(max_length=NAME, required=True)
    organisation = fields.String(required=True, validate=validate.Length(min=1, max=ORGANISATION_LENGTH),
                                 metadata=personal("nominated mentors", description="the member organisation's id, e.g. skatteverket"))
    organisation_name = Text(max_length=NAME, load_default=None, allow_none=True,
                             metadata=personal("nominated mentors", description="its name as people know it, e.g. Skatteverket (absent from older events)"))
    name = Text(max_length=NAME, required=True, metadata=personal("nominated mentors"))
    email = Email(required=True, metadata=personal("nominated mentors"))
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    time_zone = TimeZone(required=True)


class NominationNews(NominationPerson):
    """A nomination's step only the tenant's webhooks hear of: which nomination, not who it is.
    Required in v1 and no longer sent (no consumer keeps them): the organisation and the person."""

    organisation = fields.String(validate=validate.Length(min=1, max=ORGANISATION_LENGTH), **NO_LONGER_SENT,
                                 metadata=personal("nominated mentors", description=GONE))
    organisation_name = Text(max_length=NAME, **NO_LONGER_SENT, metadata=personal("nominated mentors", description=GONE))
    name = Text(max_length=NAME, **NO_LONGER_SENT, metadata=personal("nominated mentors", description=GONE))
    email = Email(**NO_LONGER_SENT, metadata=personal("nominated mentors", description=GONE))


@event_type("nomination.submitted.v1", "intake", "A member organisation's representative nominated a mentor.")
class NominationSubmitted(NominationNews):
    rank = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))


@event_type("nomination.accepted.v1", "intake", "The coordinator accepted a nomination: the mentor gets a personal form link.")
class NominationAccepted(NominationPerson):
    form_link = fields.String(required=True, validate=validate.Length(max=LINK_LENGTH), metadata=personal("nominated mentors"))
    link_expires_at = fields.AwareDateTime(required=True, format="iso")


@event_type("nomination.declined.v1", "intake", "The coordinator declined a nomination.")
class NominationDeclined(NominationNews):
    pass


@event_type("survey.answered.v1", "intake", "A participant answered a mid-point or closing survey.")
class SurveyAnswered(Schema):
    cohort_id = Id(required=True)
    application_id = Id(required=True, metadata=personal("participants"))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    kind = fields.String(required=True, validate=validate.OneOf(["midpoint", "closing"]))


@event_type("person.erasure_requested.v1", "intake", "Erase a person everywhere: found by e-mail hash and application ids.")
class ErasureRequested(Schema):
    erasure_id = Id(required=True)
    email_sha256 = fields.String(required=True, validate=validate.Length(equal=64), metadata=personal("people asking to be erased"))
    application_ids = fields.List(Id(), required=True, metadata=personal("people asking to be erased"))
    nomination_ids = fields.List(Id(), load_default=list, metadata=personal("people asking to be erased"))




class PersonalLink(Schema):
    """One of a person's applications, or the mentor form they were nominated to fill in, with a
    fresh personal link to it."""

    kind = fields.String(required=True, validate=validate.OneOf(("application", "mentor_form")))
    id = Id(required=True, metadata=personal("applicants and nominated mentors", description="the application's or the nomination's id"))
    cohort_id = Id(required=True)
    cohort_name = Text(max_length=NAME, required=True)
    programme_name = Text(max_length=NAME, required=True, metadata={"description": "in the person's language"})
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(APPLICATION_STATUSES),
                           metadata={"description": "the application's (none for a mentor form not filled in yet)"})
    link = fields.String(required=True, validate=validate.Length(max=LINK_LENGTH), metadata=personal("applicants and nominated mentors"))
    link_expires_at = fields.AwareDateTime(load_default=None, allow_none=True, format="iso")


@event_type("person.links_requested.v1", "intake",
            "Someone asked for their personal links again: one event per tenant, with every application and "
            "mentor form of that address in the tenant (none withdrawn or erased).")
class LinksRequested(Schema):
    name = Text(max_length=NAME, required=True, metadata=personal("applicants and nominated mentors"))
    email = Email(required=True, metadata=personal("applicants and nominated mentors"))
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    time_zone = TimeZone(required=True, metadata={"description": "of the person's latest cohort"})
    tenant_name = Text(max_length=NAME, required=True, metadata={"description": "the organisation the links are from"})
    links = fields.List(fields.Nested(PersonalLink), required=True, validate=validate.Length(min=1, max=200))


@event_type("staff.sign_in_requested.v1", "intake",
            "A coordinator or representative asked to sign in, or was invited: one event per tenant where the "
            "address is active staff, with a single-use sign-in link. The link opens the door: consumers never "
            "log it, store it or pass it on.")
class StaffSignInRequested(Schema):
    staff_id = Id(required=True, metadata=personal("staff"))
    name = Text(max_length=NAME, required=True, metadata=personal("staff"))
    email = Email(required=True, metadata=personal("staff"))
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    role = fields.String(required=True, validate=validate.OneOf(["coordinator", "representative"]))
    tenant_name = Text(max_length=NAME, required=True, metadata={"description": "the organisation to sign in to"})
    link = fields.String(required=True, validate=validate.Length(max=LINK_LENGTH),
                         metadata=personal("staff", description="the web front's single-use sign-in page"))
    link_expires_at = fields.AwareDateTime(required=True, format="iso")
    invited = fields.Boolean(load_default=False, metadata={"description": "sent on being invited, not asked for"})
