"""The tenant's delivery log: what was sent to whom, through which channel, and how it went."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import audit
from services.shared.api import service
from services.shared.tenancy import require

from ..schemas import CountOut, DeliveryDetailOut, DeliveryOut, DeliveryQuery
from ..usecases import log
from .common import people_shown, tenant_of

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
        rows = log.deliveries(service().engine, tenant_of(query), query)
        audit.note_many(audit.READ, "delivery_log", people_shown(rows))
        return rows


@blp.route("/count")
class DeliveryCount(MethodView):
    @require("coordinator", "operator")
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, CountOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, query):
        """How many deliveries the log holds with these filters (``limit``, ``offset`` and
        ``order`` aside), so a list of them can be cut into pages."""
        return {"total": log.count(service().engine, tenant_of(query), query)}


@blp.route("/<delivery_id>")
class Delivery(MethodView):
    @require("coordinator")
    @blp.response(200, DeliveryDetailOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, delivery_id):
        """One delivery, with its text while it is still waiting to be sent."""
        row = log.delivery(service().engine, tenant_of(), delivery_id)
        audit.note(audit.READ, "delivery", delivery_id, person_sha256=row["recipient_hash"])
        return row


@blp.route("/<delivery_id>/retry")
class RetryDelivery(MethodView):
    @require("coordinator")
    @blp.response(200, DeliveryOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, delivery_id):
        """Send a failed delivery again (say, once its address is fixed at the mail server), with
        a fresh set of attempts."""
        row = log.retry(service().engine, tenant_of(), delivery_id)
        audit.note(audit.CHANGE, "delivery", delivery_id, person_sha256=row["recipient_hash"])
        return row
