"""The delivery log as a coordinator sees it, and a failed delivery sent again."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.shared import clock
from services.shared.errors import Conflict, NotFound

from .. import store
from ..store import log, people


def _where(conn, tenant: str, query: dict) -> list:
    """The log's conditions for ``query``; a cohort or a person named by id is the tenant's, or
    not there at all (refused as not found)."""
    where = log.log_filters(tenant, query)
    if query["cohort_id"]:
        store.found(conn, store.cohorts, tenant, query["cohort_id"], "cohort")
    if query["person"] and "@" not in query["person"] and not people.known_person(conn, tenant, query["person"].strip()):
        raise NotFound("No such person.")
    return where


def deliveries(engine: Engine, tenant: str, query: dict):
    with engine.connect() as conn:
        return log.log_page(conn, _where(conn, tenant, query), query["order"] == "newest", query["limit"], query["offset"])


def count(engine: Engine, tenant: str, query: dict) -> int:
    with engine.connect() as conn:
        return log.log_count(conn, _where(conn, tenant, query))


def delivery(engine: Engine, tenant: str, delivery_id: str):
    with engine.connect() as conn:
        return store.found(conn, store.deliveries, tenant, delivery_id, "delivery")


def retry(engine: Engine, tenant: str, delivery_id: str):
    """Send a failed delivery again, with a fresh set of attempts; only a failed one whose content
    is still kept."""
    with engine.begin() as conn:
        row = store.found(conn, store.deliveries, tenant, delivery_id, "delivery", for_update=True)
        if row["status"] != "failed":
            raise Conflict(f"The delivery is {row['status']}; only a failed one is sent again.",
                           {"status": [row["status"]]})
        if not (row["body_text"] or row["payload"]):
            raise Conflict("The message's content is no longer kept.", {"content": ["erased"]})
        log.send_again(conn, row["tenant"], delivery_id, clock.now())
        return store.one(conn, store.deliveries, row["tenant"], delivery_id)
