"""What matching does with intake's events: keep its copy of cohorts and applications, end the
pairs of someone who withdraws, match a closing cohort when its programme says so, and erase."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from .. import store
from ..domain import projection
from ..store import people
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
    """Keep the pairs' history, lose the person."""
    if application_ids:
        people.blank_applications(conn, tenant, application_ids, projection.ERASED_VALUES)
