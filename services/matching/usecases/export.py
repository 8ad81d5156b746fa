"""A person's own data in matching, as one JSON document (GDPR Art. 15 and 20): from their
personal link, for everyone sharing its application's address in the tenant; or for a
coordinator who received the request by post or e-mail (``services.shared.personal_data``'s
blueprint answers both, and puts the coordinator's read on record).

``COVERAGE`` accounts for every table of matching: the section of the document it is in, or why
it is not there. A table added without a line here fails the test that walks the metadata."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared import audit, clock
from services.shared.errors import Forbidden
from services.shared.tenancy import Principal

from .. import store
from ..domain import personal_data
from ..store import personal_data as person_rows

IN, NOT_IN = "in section", "not exported"

COVERAGE: dict[str, tuple[str, str]] = {
    "applications": (IN, "applications"),
    "proposals": (IN, "proposals"),
    "overrides": (IN, "overrides"),
    "pairs": (IN, "pairs"),
    "unmatched": (IN, "unmatched"),
    "cohorts": (NOT_IN, "the cohorts as intake describes them; they hold nothing of the person"),
    "runs": (NOT_IN, "a run matches a whole cohort: its parameters and counts hold nothing of the person "
                     "(its proposals and unmatched records that name them are exported)"),
    "outbox": (NOT_IN, "messages between services, kept until sent; an erasure scrubs the person from them"),
    "inbox": (NOT_IN, "the ids of the events matching has applied; nothing of the person"),
    "audit_log": (NOT_IN, "the record of staff access, reported on request by the data-protection officer"),
}


def _document(conn: Connection, tenant: str, email: str | None, applications) -> dict:
    ids = [a["id"] for a in applications]
    sections = personal_data.sections(ids, applications, **person_rows.naming(conn, tenant, ids))
    return personal_data.document(tenant, audit.person_hash(email), sections, clock.now())


def mine(conn: Connection, principal: Principal) -> dict:
    """What matching holds of the person whose personal link this is: the token decides who."""
    if principal.scope != "application":
        raise Forbidden("This link is not for a participant of a cohort.")
    tenant = principal.tenant
    own = store.one(conn, store.applications, tenant, principal.sub)
    if own is None:
        return _document(conn, tenant, None, [])
    if personal_data.is_erased(own["email"]):  # the address names nobody now: this application only
        return _document(conn, tenant, None, [own])
    return _document(conn, tenant, own["email"], person_rows.applications_of(conn, tenant, own["email"]))


def of_person(conn: Connection, tenant: str, email: str) -> dict:
    """The same document for a request received by post or e-mail; an address matching does not
    know gives empty sections."""
    found = [] if personal_data.is_erased(email) else person_rows.applications_of(conn, tenant, email)
    return _document(conn, tenant, email, found)
