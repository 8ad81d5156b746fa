"""A coordinator's message to a cohort's participants, each reading it in their own language
(the coordinator writes it in one or more), from notify's own record of who is in the cohort."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import audit
from services.shared.api import service
from services.shared.tenancy import current_principal, require

from ..schemas import (
    AnnouncementIn,
    AnnouncementOut,
    AnnouncementPreviewOut,
    AnnouncementQuery,
    CountOut,
)
from ..usecases import announcements
from .common import notify_settings, tenant_of

blp = Blueprint("announcements", __name__, url_prefix="/cohorts",
                description="Coordinators' announcements to a cohort's participants.")


@blp.route("/<cohort_id>/announcements")
class Announcements(MethodView):
    @require("coordinator")
    @blp.arguments(AnnouncementQuery, location="query")
    @blp.response(200, AnnouncementOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self, query, cohort_id):
        """The cohort's announcements, newest first (``limit``/``offset`` for a page of them;
        ``GET .../announcements/count`` says how many there are)."""
        return announcements.announcements(service().engine, tenant_of(), cohort_id, query["limit"], query["offset"])

    @require("coordinator")
    @blp.arguments(AnnouncementIn)
    @blp.response(201, AnnouncementOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body, cohort_id):
        """Write to the cohort's participants (by default everyone accepted, mentees and mentors).
        It is not essential unless said so: those who opted out of such messages do not get it."""
        row = announcements.announce(service().engine, tenant_of(), cohort_id, body, current_principal().sub,
                                     notify_settings())
        # one row for the announcement, not one per reader: each one's copy is in the delivery log
        audit.note(audit.CHANGE, "announcement", row["id"])
        return row


@blp.route("/<cohort_id>/announcements/count")
class AnnouncementCount(MethodView):
    @require("coordinator")
    @blp.response(200, CountOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, cohort_id):
        """How many announcements the cohort has had."""
        return {"total": announcements.count(service().engine, tenant_of(), cohort_id)}


@blp.route("/<cohort_id>/announcements/preview")
class AnnouncementPreview(MethodView):
    @require("coordinator")
    @blp.arguments(AnnouncementIn)
    @blp.response(200, AnnouncementPreviewOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body, cohort_id):
        """The announcement as it would be sent, nothing sent: to how many people (per role, and
        how many of them opted out), and the message in each language as a reader in that
        language would get it (the tenant's own wording of the announcement included)."""
        return announcements.preview(service().engine, tenant_of(), cohort_id, body, notify_settings())
