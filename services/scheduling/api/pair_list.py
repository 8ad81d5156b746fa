"""A cohort's pairs for its coordinator, a page at a time: phase, meetings held against due, the
agreement's state and the last activity of each."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from services.shared import clock
from services.shared.api import service
from services.shared.db import found
from services.shared.tenancy import current_tenant, require

from .. import store
from ..usecases.audit_notes import note_pairs_shown
from ..usecases.pair_list import page_of_pairs
from .common import SECURITY

blp = Blueprint("pair_list", __name__, url_prefix="/cohorts", description="A cohort's pairs, a page at a time.")


class PairListQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1), metadata={"description": "from 1"})
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    status = fields.String(load_default=None, validate=validate.OneOf(["active", "ended"]))
    quiet_since = fields.AwareDateTime(load_default=None, metadata={
        "description": "only active pairs confirmed before this instant that have held no meeting since it"})


class PairListItemOut(Schema):
    pair_id = fields.String()
    status = fields.String(metadata={"description": "active or ended"})
    phase = fields.String(allow_none=True, metadata={"description": "start, working, closing or finished"})
    mentee = fields.Dict(allow_none=True)
    mentor = fields.Dict(allow_none=True)
    confirmed_at = fields.AwareDateTime(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)
    meetings_held = fields.Integer()
    meetings_due = fields.Integer(metadata={"description": "meetings whose window has begun"})
    meetings_planned = fields.Integer()
    meetings_overdue = fields.Integer(metadata={"description": "windows closed without a meeting held"})
    agreement_status = fields.String(metadata={
        "description": "none, draft, signing (one of the two has signed the latest version) or signed (in force)"})
    agreement_in_force = fields.Integer(allow_none=True, metadata={"description": "the version signed by both that holds"})
    last_activity_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "the latest of: confirmed, ended, an agreement version changed or signed, a meeting proposed, "
                       "scheduled, held or missed"})
    next_meeting_at = fields.AwareDateTime(allow_none=True)
    last_meeting_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when the latest meeting held was"})


class PairListOut(Schema):
    total = fields.Integer(metadata={"description": "pairs that match the query, on all pages"})
    page = fields.Integer()
    page_size = fields.Integer()
    items = fields.List(fields.Nested(PairListItemOut), metadata={"description": "in the order they were confirmed"})


@blp.route("/<cohort_id>/pair-list")
class PairList(MethodView):
    @require("coordinator")
    @blp.arguments(PairListQuery, location="query")
    @blp.response(200, PairListOut)
    @blp.doc(security=SECURITY)
    def get(self, query, cohort_id):
        """One page of the cohort's pairs, active and ended (or one of the two), in the order they
        were confirmed: each with its phase, meetings held against those due, the state of its
        agreement, its last activity and its last meeting held. With ``quiet_since``, only the active
        pairs that have held no meeting since then (and were confirmed before it). Never the pair's own notes."""
        with service().engine.connect() as conn:
            cohort = found(conn, store.cohorts, current_tenant(), cohort_id, "cohort")
            page = page_of_pairs(conn, current_tenant(), cohort, clock.now(), query["page"], query["page_size"],
                                 query["status"], query["quiet_since"])
            note_pairs_shown(conn, current_tenant(), page["items"])
            return page
