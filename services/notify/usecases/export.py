"""A person's own data in notify, as one JSON document: asked for through their personal link,
or produced by a coordinator for a request received by post or e-mail (the blueprint of
``services.shared.personal_data`` answers both). The person is everyone with the same address in
the tenant (a mentee in one cohort may mentor in another)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared import clock
from services.shared.errors import Forbidden
from services.shared.tenancy import Principal

from ..domain import export
from ..domain.deliveries import email_hash
from ..store import export as rows

APPLICATION_SCOPE = "application"

# Every table of notify: the section of the document it is handed back in, or why it is not.
# A test holds this to the metadata, so a new table is placed here before it ships.
SECTIONS = {"deliveries": "deliveries", "recipients": "recipients", "preferences": "preferences"}
NOT_EXPORTED = {
    "outbox": "messages between services, kept until sent",
    "inbox": "messages between services, kept to apply each once",
    "audit_log": "the record of staff access, reported on request by the data-protection officer",
    "cohorts": "the cohorts' programme settings: no participant's data",
    "announcements": "a coordinator's message to a whole cohort; each person's copy is in their deliveries",
    "template_overrides": "a tenant's own wording of its messages, about no one",
    "webhook_endpoints": "the tenant's own systems that hear of events",
    "webhook_secrets": "the tenant's signing secrets",
}


def _document(conn: Connection, tenant: str, digest: str | None, person_ids: tuple[str, ...] = ()) -> dict:
    sections: dict[str, list[dict]] = {name: [] for name in SECTIONS.values()}
    if digest:
        people = rows.people_of(conn, tenant, digest)
        person_ids = sorted({*person_ids, *(p["id"] for p in people)})
        sections["recipients"] = [export.participation(p) for p in people]
        sections["deliveries"] = [export.message(m) for m in rows.messages_of(conn, tenant, digest, person_ids)]
        sections["preferences"] = [export.choices(c) for c in rows.choices_of(conn, tenant, digest)]
    return export.document(tenant, digest, sections, clock.now())


def mine(conn: Connection, principal: Principal) -> dict:
    """The document of the person an application's personal link is for (empty if notify never
    heard of the application); no other link of notify's exports."""
    if principal.scope != APPLICATION_SCOPE:
        raise Forbidden("This link is not an application's personal link.")
    tenant = principal.tenant
    return _document(conn, tenant, rows.person_of(conn, tenant, principal.sub), (principal.sub,))


def of_person(conn: Connection, tenant: str, email: str) -> dict:
    """The document of the person with this address in the tenant (empty sections if unknown)."""
    return _document(conn, tenant, email_hash(email))
