"""A cohort as its coordinator follows it: the overview of pairs, phases and meetings held
against those due; the cohort events and their attendance; who missed a mandatory event; and the
cohort's calendar feed."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import audit, clock
from services.shared.api import service
from services.shared.db import found
from services.shared.tenancy import current_principal, current_tenant, require

from .. import store
from ..domain.pair_view import event_out
from ..schemas import (
    AttendanceIn,
    AttendanceOut,
    CohortEventOut,
    FeedOut,
    MissedReportOut,
    OverviewOut,
    PairSummaryOut,
)
from ..usecases import attendance, calendars, reports
from ..usecases.audit_notes import note_pairs_shown, note_people
from .common import SECURITY

blp = Blueprint("cohorts", __name__, url_prefix="/cohorts", description="Cohorts: overview, events, attendance, calendar.")


def feed_url(secret: str) -> str:
    return f"{service().settings.public_url}/scheduling/calendars/{secret}.ics"


@blp.route("/<cohort_id>/overview")
class Overview(MethodView):
    @require("coordinator")
    @blp.response(200, OverviewOut)
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """Every pair with its phase, agreement and meetings held against those due; the cohort
        events with their attendance."""
        with service().engine.connect() as conn:
            cohort = found(conn, store.cohorts, current_tenant(), cohort_id, "cohort")
            result = reports.overview(conn, current_tenant(), cohort, clock.now())
            note_pairs_shown(conn, current_tenant(), result["pairs"])
        result["events"] = [event_out(e) for e in result["events"]]
        return result


@blp.route("/<cohort_id>/pairs")
class CohortPairs(MethodView):
    @require("coordinator")
    @blp.response(200, PairSummaryOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """The cohort's pairs, active and ended, each with its phase and meetings."""
        with service().engine.connect() as conn:
            cohort = found(conn, store.cohorts, current_tenant(), cohort_id, "cohort")
            summaries = reports.pair_summaries(conn, current_tenant(), cohort, clock.now())
            note_pairs_shown(conn, current_tenant(), summaries)
            return summaries


@blp.route("/<cohort_id>/events")
class CohortEvents(MethodView):
    @require("coordinator")
    @blp.response(200, CohortEventOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """Training days, kick-off, half-day meetings and closing, as taken over from intake, with attendance."""
        with service().engine.connect() as conn:
            cohort = found(conn, store.cohorts, current_tenant(), cohort_id, "cohort")
            return [event_out(e) for e in reports.events_with_attendance(conn, current_tenant(), cohort, clock.now())]


def _attendance(conn, cohort_id: str, event, changed: frozenset[str] = frozenset()) -> dict:
    """The event's attendance sheet; every person on it noted as read, or changed if ``changed``."""
    sheet = attendance.sheet(conn, current_tenant(), cohort_id, event["id"])
    people = [a["application_id"] for a in sheet]
    note_people(conn, current_tenant(), audit.CHANGE, "attendance", [(event["id"], a) for a in people if a in changed])
    note_people(conn, current_tenant(), audit.READ, "attendance", [(event["id"], a) for a in people if a not in changed])
    return {"event": event_out(event), "attendees": sheet}


@blp.route("/<cohort_id>/events/<event_id>/attendance")
class Attendance(MethodView):
    @require("coordinator")
    @blp.response(200, AttendanceOut)
    @blp.doc(security=SECURITY)
    def get(self, cohort_id, event_id):
        """Who is expected at the event, and who came."""
        with service().engine.connect() as conn:
            return _attendance(conn, cohort_id, attendance.event_of(conn, current_tenant(), cohort_id, event_id))

    @require("coordinator")
    @blp.arguments(AttendanceIn)
    @blp.response(200, AttendanceOut)
    @blp.doc(security=SECURITY)
    def put(self, body, cohort_id, event_id):
        """Record attendance (present, absent, excused) for some or all of the cohort's people."""
        with service().engine.begin() as conn:
            event = attendance.event_of(conn, current_tenant(), cohort_id, event_id)
            attendance.record(conn, current_tenant(), cohort_id, event, body["records"], current_principal().sub,
                              clock.now())
            return _attendance(conn, cohort_id, event, frozenset(r["application_id"] for r in body["records"]))


@blp.route("/<cohort_id>/attendance/missed")
class MissedMandatory(MethodView):
    @require("coordinator")
    @blp.response(200, MissedReportOut)
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """Who missed mandatory events (and who was excused); past mandatory events not yet recorded for everyone."""
        with service().engine.connect() as conn:
            cohort = found(conn, store.cohorts, current_tenant(), cohort_id, "cohort")
            report = reports.missed_mandatory(conn, current_tenant(), cohort, clock.now())
            shown = {p["application_id"] for p in report["people"]} | {
                a for event in report["unrecorded"] for a in event["application_ids"]}
            note_people(conn, current_tenant(), audit.READ, "attendance", [(cohort_id, a) for a in sorted(shown)])
            return report


@blp.route("/<cohort_id>/calendar")
class CohortCalendar(MethodView):
    @require("coordinator")
    @blp.response(200, FeedOut)
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """Whether the cohort's calendar feed is live (its URL was shown once, when issued)."""
        with service().engine.connect() as conn:
            found(conn, store.cohorts, current_tenant(), cohort_id, "cohort")
            feed = calendars.active(conn, current_tenant(), "cohort", cohort_id)
        return {"url": None, "active": feed is not None, "created_at": feed["created_at"] if feed else None}

    @require("coordinator")
    @blp.response(201, FeedOut)
    @blp.doc(security=SECURITY)
    def post(self, cohort_id):
        """Issue a secret URL for the cohort's calendar (its events); any earlier URL stops working."""
        now = clock.now()
        with service().engine.begin() as conn:
            found(conn, store.cohorts, current_tenant(), cohort_id, "cohort")
            secret = calendars.issue(conn, current_tenant(), "cohort", cohort_id, current_principal().sub, now)
        return {"url": feed_url(secret), "active": True, "created_at": now}

    @require("coordinator")
    @blp.response(204)
    @blp.doc(security=SECURITY)
    def delete(self, cohort_id):
        """Revoke the cohort's calendar URL."""
        with service().engine.begin() as conn:
            found(conn, store.cohorts, current_tenant(), cohort_id, "cohort")
            calendars.revoke(conn, current_tenant(), "cohort", cohort_id, clock.now())
