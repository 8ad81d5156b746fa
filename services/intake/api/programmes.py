"""Programmes of a tenant, for its coordinators."""

import uuid
from datetime import UTC, datetime

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared.api import service
from services.shared.tenancy import current_tenant, require

from .. import store
from ..schemas import ProgrammeIn, ProgrammeOut

blp = Blueprint("programmes", __name__, url_prefix="/programmes", description="Programmes of the tenant.")


@blp.route("")
class Programmes(MethodView):
    @require("coordinator")
    @blp.arguments(ProgrammeIn)
    @blp.response(201, ProgrammeOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body):
        """Create a programme (open for cohorts)."""
        row = dict(body, id=str(uuid.uuid4()), tenant=current_tenant(), status="open", created_at=datetime.now(UTC))
        with service().engine.begin() as conn:
            conn.execute(store.programmes.insert().values(**row))
        return row

    @require("coordinator")
    @blp.response(200, ProgrammeOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self):
        """List the tenant's programmes."""
        with service().engine.connect() as conn:
            return store.rows(conn, store.programmes, current_tenant(), order_by=store.programmes.c.created_at)


@blp.route("/<programme_id>")
class Programme(MethodView):
    @require("coordinator")
    @blp.response(200, ProgrammeOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, programme_id):
        """One programme of the tenant."""
        with service().engine.connect() as conn:
            row = store.one(conn, store.programmes, current_tenant(), programme_id)
        if row is None:
            abort(404, message="No such programme.")
        return row
