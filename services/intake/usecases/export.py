"""A person's own data in intake, as one JSON document: for their personal link, and for a
coordinator answering a request received by post or e-mail.

The person is everyone sharing the address within the tenant (a mentor in one cohort and a
mentee in another): every application of theirs counts. ``SECTIONS`` and ``NOT_EXPORTED``
together name every table of intake's metadata, so a new table is either exported or says why
not (a test walks the metadata).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared import clock

from .. import store
from ..domain import export as rules
from ..domain.erasure import email_hash
from .applications import own
from .retention import retention_of

# table -> the sections of the document its rows are in
SECTIONS = {
    "applications": ("applications", "consent", "waiting_list"),
    "nominations": ("nominations",),
    "survey_responses": ("survey_responses",),
    "erasures": ("erasures",),
    "link_requests": ("link_requests",),
    "staff": ("staff",),
    "sign_in_codes": ("sign_in_codes",),
}
# table -> why it is not in the document
NOT_EXPORTED = {
    "tenants": "the organisation running the programmes, not a person",
    "programmes": "the programme's settings; its contact persons are staff, not the person (the cohort is named in each application)",
    "cohorts": "the cohort's calendar and places, not a person (its id and name are in each application)",
    "group_events": "the cohort's group meetings, the same for everyone in it",
    "outbox": "messages between services, kept until sent",
    "inbox": "messages between services, kept until sent",
    "audit_log": "the record of staff access, reported on request by the data-protection officer",
}


def mine(conn: Connection, principal) -> dict:
    """The document for the person a personal link was made for: the token decides who."""
    application = own(conn, principal)
    return of_person(conn, application["tenant"], application["email"])


def of_person(conn: Connection, tenant: str, email: str) -> dict:
    """Everything intake holds of the address within the tenant (empty sections when it holds nothing)."""
    email = email.strip().lower()
    digest = email_hash(email)
    apps = store.applications_of_email(conn, tenant, email)
    app_ids = [a["id"] for a in apps]
    staff = store.staff_of_email(conn, tenant, email)
    sections = {
        "applications": rules.section_rows("applications", apps),
        "consent": [rules.consent(a, retention_of(conn, a)) for a in apps],
        "waiting_list": [rules.waiting_list(a, store.waitlist_position(conn, a)) for a in apps if a["status"] == "waitlisted"],
        "nominations": rules.section_rows("nominations", store.nominations_of_email(conn, tenant, email)),
        "survey_responses": rules.section_rows("survey_responses",
                                               store.survey_responses_of_applications(conn, tenant, app_ids)),
        "erasures": rules.section_rows("erasures", store.erasures_of_hash(conn, tenant, digest)),
        "link_requests": rules.section_rows("link_requests", store.link_requests_of_hash(conn, tenant, digest)),
        "staff": rules.section_rows("staff", staff),
        "sign_in_codes": rules.section_rows("sign_in_codes",
                                            store.sign_in_codes_of_staff(conn, tenant, [s["id"] for s in staff])),
    }
    return rules.document(tenant, digest, clock.now(), sections)
