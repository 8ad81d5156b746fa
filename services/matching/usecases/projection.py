"""What matching does with intake's events: keep its copy of cohorts and applications, end the
pairs of someone who withdraws, match a closing cohort when its programme says so, and erase."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared import outbox

from .. import store
from ..domain import personal_data, projection
from ..store import people
from ..store import personal_data as person_rows
from ..store import runs_and_proposals as run_rows
from .review import end_confirmed_pair
from .runs import queue_run


def record_cohort(conn: Connection, tenant: str, data: dict) -> None:
    people.upsert_cohort(conn, tenant, data["cohort_id"], projection.cohort_values(data))


def record_application(conn: Connection, tenant: str, data: dict) -> None:
    people.upsert_application(conn, tenant, data["application_id"], projection.application_values(data))


def record_status(conn: Connection, tenant: str, data: dict) -> None:
    """A decision on an application; an event that overtakes its submission still lands."""
    if not people.set_application_status(conn, tenant, data["application_id"], data["status"]):
        people.upsert_application(conn, tenant, data["application_id"], projection.overtaken_submission(data))


def withdrawn(conn: Connection, tenant: str, data: dict) -> None:
    """Someone who withdraws leaves their pair: it ends, and the other is free for the next run."""
    record_status(conn, tenant, data)
    for pair in people.confirmed_pairs_of(conn, tenant, data["role"], data["application_id"]):
        end_confirmed_pair(conn, pair, "intake", f"the {data['role']} withdrew from the programme")


def cohort_closed(conn: Connection, tenant: str, data: dict) -> None:
    """A closed cohort is matched by itself when its programme says so: a run is queued for the
    worker, unless one is queued or running already (it sees the closed cohort too)."""
    record_cohort(conn, tenant, data)
    if data["programme"].get("match_when_closed") and run_rows.active_run(conn, tenant, data["cohort_id"]) is None:
        cohort = store.one(conn, store.cohorts, tenant, data["cohort_id"])
        queue_run(conn, tenant, cohort, by="matching", trigger="cohort_closed")


def erase(conn: Connection, tenant: str, application_ids: list[str]) -> None:
    """Keep the pairs' history, lose the person: their name, address and profile's particulars,
    the words written about them (a pin's or forbid's reason, why their pair ended), and the
    events about them in the outbox (published ones deleted, waiting ones with their name,
    address, phone and those words replaced)."""
    if not application_ids:
        return
    them = person_rows.contacts(conn, tenant, application_ids)
    addresses = [p["email"] for p in them if not personal_data.is_erased(p["email"])]
    words = person_rows.end_reasons(conn, tenant, application_ids)
    outbox.scrub(conn, store.OUTBOX, tenant, [*application_ids, *addresses], personal_data.outbox_replacements(them, words))
    people.blank_applications(conn, tenant, application_ids, projection.ERASED_VALUES)
    person_rows.clear_override_reasons(conn, tenant, application_ids, personal_data.ERASED_REASON)
    person_rows.clear_end_reasons(conn, tenant, application_ids)
