"""A meeting of a pair's plan: proposing and accepting a time, setting or moving it, logging it as
held (the checklist) or missed, calling it off."""

from __future__ import annotations

from collections.abc import Callable

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import audit, clock
from services.shared.api import service
from services.shared.tenancy import require

from ..domain.pair_view import meeting_out
from ..schemas import HeldIn, MeetingOut, ReasonIn, WhenIn
from ..usecases import meetings
from ..usecases.audit_notes import note_pair
from .common import PARTICIPANT_LINK, SECURITY, meeting_access, only_the_pair

blp = Blueprint("meetings", __name__, url_prefix="/meetings", description="The meetings of a pair's plan.")


def _changed(meeting_id: str, change: Callable, by_the_pair: bool = False) -> dict:
    """Every change of a meeting: lock it with its pair, see that the caller may (only the pair
    when ``by_the_pair``; else the change is on the audit log), apply ``change(conn, ctx, meeting,
    role)`` and answer the meeting as the caller sees it now."""
    with service().engine.begin() as conn:
        ctx, meeting, role = meeting_access(conn, meeting_id)
        if by_the_pair:
            only_the_pair(role)
        else:
            note_pair(audit.CHANGE, "meeting", meeting_id, ctx)
        return meeting_out(change(conn, ctx, meeting, role), ctx, role)


@blp.route("/<meeting_id>")
class Meeting(MethodView):
    @require("coordinator", "participant")
    @blp.response(200, MeetingOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def get(self, meeting_id):
        """One meeting: its due window, topic, checklist, time and place."""
        with service().engine.connect() as conn:
            ctx, meeting, role = meeting_access(conn, meeting_id, lock=False)
            note_pair(audit.READ, "meeting", meeting_id, ctx)
            return meeting_out(meeting, ctx, role)


@blp.route("/<meeting_id>/proposal")
class Proposal(MethodView):
    @require("participant")
    @blp.arguments(WhenIn)
    @blp.response(200, MeetingOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def post(self, body, meeting_id):
        """Propose a date, time and place; the other one of the pair accepts it (or proposes another)."""
        now = clock.now()
        return _changed(meeting_id, lambda conn, ctx, meeting, role: meetings.propose(
            conn, ctx, meeting, role, meetings.when_from(conn, ctx, body, now), now), by_the_pair=True)

    @require("participant")
    @blp.response(200, MeetingOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def delete(self, meeting_id):
        """Withdraw (or decline) the proposal."""
        return _changed(meeting_id, lambda conn, ctx, meeting, role: meetings.withdraw_proposal(
            conn, ctx, meeting, clock.now()), by_the_pair=True)


@blp.route("/<meeting_id>/proposal/accept")
class AcceptProposal(MethodView):
    @require("participant")
    @blp.response(200, MeetingOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def post(self, meeting_id):
        """Accept the other's proposal: the meeting is set (reminders follow)."""
        return _changed(meeting_id, lambda conn, ctx, meeting, role: meetings.accept(
            conn, ctx, meeting, role, clock.now()), by_the_pair=True)


@blp.route("/<meeting_id>/schedule")
class Schedule(MethodView):
    @require("coordinator", "participant")
    @blp.arguments(WhenIn)
    @blp.response(200, MeetingOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def put(self, body, meeting_id):
        """Set or move the meeting's date, time and place, as the pair agreed (a move raises the
        calendar entry's SEQUENCE and re-plans the reminders)."""
        now = clock.now()
        return _changed(meeting_id, lambda conn, ctx, meeting, role: meetings.schedule(
            conn, ctx, meeting, meetings.when_from(conn, ctx, body, now), now))


@blp.route("/<meeting_id>/held")
class Held(MethodView):
    @require("coordinator", "participant")
    @blp.arguments(HeldIn)
    @blp.response(200, MeetingOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def post(self, body, meeting_id):
        """Log the meeting as held, with the checklist: since last time, the topic, next steps,
        who does what before the next meeting."""
        now, held_at = clock.now(), body.pop("held_at")

        def log_held(conn, ctx, meeting, role):
            notes = {**body, "topic": body.get("topic") or meeting_out(meeting, ctx, role)["topic_text"],
                     "actions": [{**a, "by": a["by"].isoformat() if a.get("by") else None} for a in body["actions"]]}
            return meetings.log_held(conn, ctx, meeting, notes, held_at, role, now)

        return _changed(meeting_id, log_held)


@blp.route("/<meeting_id>/missed")
class Missed(MethodView):
    @require("coordinator", "participant")
    @blp.arguments(ReasonIn)
    @blp.response(200, MeetingOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def post(self, body, meeting_id):
        """Log the meeting as missed (its window still wants a meeting: the nudge will come)."""
        return _changed(meeting_id, lambda conn, ctx, meeting, role: meetings.log_missed(
            conn, ctx, meeting, body["reason"], role, clock.now()))


@blp.route("/<meeting_id>/cancel")
class Cancel(MethodView):
    @require("coordinator", "participant")
    @blp.arguments(ReasonIn)
    @blp.response(200, MeetingOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def post(self, body, meeting_id):
        """Call the meeting off (STATUS:CANCELLED in the calendars); it can be set again later."""
        return _changed(meeting_id, lambda conn, ctx, meeting, role: meetings.call_off(
            conn, ctx, meeting, body["reason"], clock.now()))
