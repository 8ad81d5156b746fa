"""The tenant's delivery log: what was sent to whom, through which channel, and how it went."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared import clock
from services.shared.api import service
from services.shared.db import found
from services.shared.errors import NotFound
from services.shared.tenancy import require

from .. import store
from ..schemas import CountOut, DeliveryDetailOut, DeliveryOut, DeliveryQuery
from .common import tenant_of

blp = Blueprint("deliveries", __name__, url_prefix="/deliveries", description="What was sent to whom, and how it went.")


@blp.route("")
class Deliveries(MethodView):
    @require("coordinator", "operator")
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, DeliveryOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self, query):
        """The tenant's deliveries, as a log (oldest first, or ``order=newest``): by person
        (application id or address), event, kind of message, channel, status, cohort and time.
        ``GET /deliveries/count`` with the same filters says how many there are in all."""
        t = store.deliveries
        with service().engine.connect() as conn:
            where = _filters(conn, query)
            order = (t.c.created_at.desc(), t.c.id.desc()) if query["order"] == "newest" else (t.c.created_at, t.c.id)
            return conn.execute(sa.select(t).where(*where).order_by(*order)
                                .limit(query["limit"]).offset(query["offset"])).mappings().all()


@blp.route("/count")
class DeliveryCount(MethodView):
    @require("coordinator", "operator")
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, CountOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, query):
        """How many deliveries the log holds with these filters (``limit``, ``offset`` and
        ``order`` aside), so a list of them can be cut into pages."""
        t = store.deliveries
        with service().engine.connect() as conn:
            where = _filters(conn, query)
            return {"total": conn.execute(sa.select(sa.func.count()).select_from(t).where(*where)).scalar_one()}


def _filters(conn, query: dict) -> list:
    """The log's conditions for ``query``; a cohort or a person named by id is the tenant's, or
    not there at all (404)."""
    t = store.deliveries
    tenant = tenant_of(query)
    where = [t.c.tenant == tenant]
    if query["person"]:
        person = query["person"].strip()
        where.append(t.c.recipient == person.lower() if "@" in person else t.c.person_id == person)
    if query["recipient"]:
        where.append(t.c.recipient == query["recipient"].strip().lower())
    for name in ("event_id", "event_type", "message", "channel", "status", "cohort_id"):
        if query[name]:
            where.append(t.c[name] == query[name])
    if query["since"]:
        where.append(t.c.created_at >= query["since"])
    if query["until"]:
        where.append(t.c.created_at < query["until"])
    if query["cohort_id"]:
        found(conn, store.cohorts, tenant, query["cohort_id"], "cohort")
    if query["person"] and "@" not in query["person"] and not _known_person(conn, tenant, query["person"].strip()):
        raise NotFound("No such person.")
    return where


def _known_person(conn, tenant: str, person_id: str):
    """A person notify has heard of in the tenant: a cohort's participant, or someone written to."""
    r, d = store.recipients, store.deliveries
    return (conn.execute(sa.select(r.c.id).where(r.c.tenant == tenant, r.c.id == person_id)).first()
            or conn.execute(sa.select(d.c.id).where(d.c.tenant == tenant, d.c.person_id == person_id).limit(1)).first())


@blp.route("/<delivery_id>")
class Delivery(MethodView):
    @require("coordinator")
    @blp.response(200, DeliveryDetailOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, delivery_id):
        """One delivery, with its text while it is still waiting to be sent."""
        with service().engine.connect() as conn:
            return found(conn, store.deliveries, tenant_of(), delivery_id, "delivery")


@blp.route("/<delivery_id>/retry")
class RetryDelivery(MethodView):
    @require("coordinator")
    @blp.response(200, DeliveryOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, delivery_id):
        """Send a failed delivery again (say, once its address is fixed at the mail server), with
        a fresh set of attempts."""
        t = store.deliveries
        with service().engine.begin() as conn:
            row = found(conn, t, tenant_of(), delivery_id, "delivery", for_update=True)
            if row["status"] != "failed":
                abort(409, message=f"The delivery is {row['status']}; only a failed one is sent again.",
                      errors={"status": [row["status"]]})
            if not (row["body_text"] or row["payload"]):
                abort(409, message="The message's content is no longer kept.", errors={"content": ["erased"]})
            now = clock.now()
            store.update(conn, t, row["tenant"], delivery_id, status="pending", attempts=0, next_attempt_at=now,
                         updated_at=now, claimed_by=None, claimed_until=None)
            return store.one(conn, t, row["tenant"], delivery_id)
