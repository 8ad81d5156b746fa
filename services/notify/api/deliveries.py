"""The tenant's delivery log."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.tenancy import current_tenant, require

from .. import store
from ..schemas import DeliveryOut, DeliveryQuery

blp = Blueprint("deliveries", __name__, url_prefix="/deliveries", description="What was sent to whom, and how it went.")


@blp.route("")
class Deliveries(MethodView):
    @require("coordinator")
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, DeliveryOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self, query):
        """The tenant's deliveries, newest first, filtered by recipient, event or status."""
        t = store.deliveries
        where = [t.c.tenant == current_tenant()]
        if query["recipient"]:
            where.append(t.c.recipient == query["recipient"].lower())
        if query["event_id"]:
            where.append(t.c.event_id == query["event_id"])
        if query["status"]:
            where.append(t.c.status == query["status"])
        with service().engine.connect() as conn:
            return conn.execute(sa.select(t).where(*where).order_by(t.c.created_at.desc()).limit(500)).mappings().all()
