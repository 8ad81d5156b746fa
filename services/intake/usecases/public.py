"""What the public reads before applying: a programme's page, a cohort's, a nominated mentor's form.
Each is refused with the programme's notice when the programme is paused or closed."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared.errors import NotFound

from .. import store
from ..domain.programmes import refuse_unless_open
from .applications import nomination_of_link, public_cohort
from .cohorts import group_events


def programme(conn: Connection, programme_id: str, asked: str | None) -> tuple[dict, list]:
    """An open programme and its open cohorts."""
    found = store.programme_any_tenant(conn, programme_id)
    if found is None:
        raise NotFound("No such programme.")
    refuse_unless_open(found, asked)
    return found, store.open_cohorts(conn, programme_id)


def cohort(conn: Connection, cohort_id: str, asked: str | None) -> tuple[dict, dict, list[dict], int]:
    """A cohort of an open programme, its programme, its group events and its mentee places left."""
    cohort, programme = public_cohort(conn, cohort_id)
    refuse_unless_open(programme, asked)
    taken = store.count_applications(conn, cohort["tenant"], cohort["id"], "mentee", "accepted")
    return cohort, programme, group_events(conn, cohort), max(0, cohort["mentee_places"] - taken)


def mentor_form(conn: Connection, principal) -> tuple[dict, dict, dict]:
    """The nomination a mentor-form link was made for, its cohort and its programme."""
    nomination = nomination_of_link(conn, principal)
    cohort, programme = store.cohort_and_programme(conn, nomination["tenant"], nomination["cohort_id"])
    return nomination, cohort, programme
