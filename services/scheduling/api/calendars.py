"""Calendar feeds (iCalendar, RFC 5545) at their secret URLs: no token, the URL is the key; a
revoked or unknown URL answers 404."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import clock
from services.shared.api import service

from ..usecases import calendars

blp = Blueprint("calendars", __name__, url_prefix="/calendars", description="Calendar feeds at secret URLs.")


@blp.route("/<secret>.ics")
class Feed(MethodView):
    @blp.doc(responses={"200": {"description": "The calendar", "content": {"text/calendar": {"schema": {"type": "string"}}}},
                        "404": {"description": "No live feed at this URL"}})
    def get(self, secret):
        """A person's or a cohort's calendar: local times with their VTIMEZONE definitions, a
        stable UID and a rising SEQUENCE per entry, cancelled meetings as STATUS:CANCELLED."""
        with service().engine.connect() as conn:
            body = calendars.at(conn, secret, clock.now())
        return Response(body, content_type="text/calendar; charset=utf-8",
                        headers={"Cache-Control": "private, max-age=300", "Content-Disposition": 'inline; filename="tandem.ics"'})
