"""What a participant sees with their personal link: their pairs (agreement and plan), their
cohort's events, and their own calendar URL."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import clock
from services.shared.api import service
from services.shared.tenancy import current_principal, current_tenant, require

from ..schemas import FeedOut, MineOut
from ..usecases import access, calendars, pair_view
from .cohorts import feed_url
from .common import PARTICIPANT_LINK, SECURITY

blp = Blueprint("mine", __name__, url_prefix="/mine", description="A participant's own pairs, events and calendar.")


def _me(conn):
    return access.participant(conn, current_principal())


@blp.route("")
class Mine(MethodView):
    @require("participant")
    @blp.response(200, MineOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def get(self):
        """My pairs with their agreement and meeting plan, and my cohort's events."""
        with service().engine.connect() as conn:
            return pair_view.mine(conn, current_principal())


@blp.route("/calendar")
class MyCalendar(MethodView):
    @require("participant")
    @blp.response(200, FeedOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def get(self):
        """Whether my calendar URL is live (it is shown once, when issued)."""
        with service().engine.connect() as conn:
            person = _me(conn)
            feed = calendars.active(conn, current_tenant(), "person", person["application_id"])
        return {"url": None, "active": feed is not None, "created_at": feed["created_at"] if feed else None}

    @require("participant")
    @blp.response(201, FeedOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def post(self):
        """Issue a secret URL for my calendar (my meetings and my cohort's events) to subscribe to;
        an earlier URL stops working."""
        now = clock.now()
        with service().engine.begin() as conn:
            person = _me(conn)
            secret = calendars.issue(conn, current_tenant(), "person", person["application_id"], current_principal().sub, now)
        return {"url": feed_url(secret), "active": True, "created_at": now}

    @require("participant")
    @blp.response(204)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def delete(self):
        """Revoke my calendar URL."""
        with service().engine.begin() as conn:
            person = _me(conn)
            calendars.revoke(conn, current_tenant(), "person", person["application_id"], clock.now())
