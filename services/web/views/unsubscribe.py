"""Unsubscribing, opened from the link in a message that is not essential: the page says what
stops and from which programme, asks, and only the confirmation's POST changes anything (a link
checker opening the link changes nothing). A mail client's own one-click button (RFC 8058) posts
to notify's endpoint instead, without this page."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_babel import refresh

from ..backends import ApiError, notify

blp = Blueprint("unsubscribe", __name__)


def _state(token: str) -> dict | None:
    """What this link stops, in its owner's language unless they chose another; None when the
    link does not work (expired, changed, or not an unsubscribe link)."""
    try:
        state = notify().unsubscribe_state(token)
    except ApiError as refused:
        if refused.status in (400, 401, 403, 404, 422):
            return None
        raise
    g.person_locale = state.get("locale")
    refresh()
    return state


@blp.route("/unsubscribe", methods=["GET", "POST"])
def unsubscribe():
    token = request.args.get("token", "")
    state = _state(token) if token else None
    if state is None:
        return render_template("unsubscribe.html", state=None), 404
    if request.method == "POST" and not state["unsubscribed"]:
        state = notify().unsubscribe(token)
        return render_template("unsubscribe.html", state=state, token=token, done=True)
    return render_template("unsubscribe.html", state=state, token=token, done=request.method == "POST")
