"""Erasing a person from intake, on their request, a coordinator's or the retention timer's:
every row intake holds of them anonymised or deleted, in one transaction, and the other services
told through the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from .. import store
from ..domain import erasure as rules


def erase_person(conn: Connection, tenant: str, email: str, by: str, now: datetime) -> dict:
    """Erase everyone with the address in the tenant; the erasure's record."""
    email = email.strip().lower()
    digest = rules.email_hash(email)
    apps = store.applications_of_person(conn, tenant, email)
    noms = store.nominations_of_person(conn, tenant, email)
    app_ids, nom_ids = [r["id"] for r in apps], [r["id"] for r in noms]
    names = rules.names_of([*apps, *noms])
    store.overwrite_applications(conn, tenant, app_ids, rules.erased_application(digest))
    for response in store.survey_answers_of(conn, tenant, app_ids):
        store.set_survey_answers(conn, tenant, response["id"], rules.kept_answers(response["answers"]))
    store.overwrite_nominations(conn, tenant, nom_ids, rules.erased_nomination(digest))
    store.forget_link_requests(conn, tenant, digest)
    store.forget_sign_in_codes(conn, tenant, email)
    store.scrub_outbox(conn, tenant, [email, *app_ids, *nom_ids],
                       {email: rules.placeholder(digest), **{name: rules.ERASED for name in names}})
    row = rules.record(tenant, digest, by, now, len(app_ids), len(nom_ids))
    store.insert_erasure(conn, row)
    store.publish(conn, rules.requested(row, app_ids, nom_ids))
    return row
