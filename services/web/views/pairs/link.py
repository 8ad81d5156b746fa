"""What every page of the pair's workspace shares: the blueprint, the person's own link (its
language, what a link that is not theirs or does not work shows) and the loading through it."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _

from services.shared.contract.events import LOCALES

from ... import i18n
from ...backends import ApiError, backends

blp = Blueprint("pairs", __name__)


class NotYours(Exception):
    """The link works, but the pair or meeting is someone else's (the API's 404)."""


class BadLink(Exception):
    """The link does not work at all: expired, changed, or not copied in full."""


@blp.before_request
def _their_language():
    """Without a chosen language, the person's own (their application's): one call to intake, made
    only then."""
    if (request.args.get("lang") in LOCALES or request.cookies.get(i18n.COOKIE) in LOCALES
            or not request.args.get("token")):
        return
    try:
        g.person_locale = backends().intake.my_application(request.args["token"]).get("locale")
    except ApiError:
        pass  # the page itself says what is wrong with the link


@blp.errorhandler(NotYours)
def _not_yours(_exc):
    return render_template("pair_not_yours.html"), 404


@blp.errorhandler(BadLink)
def _bad_link(_exc):
    return render_template("error.html", reason="bad_link"), 404


def token() -> str:
    found = request.args.get("token", "")
    if not found:
        raise BadLink()
    return found


def link_problem(refused: ApiError) -> ApiError:
    """A refusal that is about the link, not about what was typed, becomes its own page."""
    if refused.status == 401:
        return BadLink()
    if refused.status in (403, 404):
        return NotYours()
    return refused


ERASED = "erased"  # scheduling's name for a person whose data was erased (on request, or their retention ran out)


def load(call, *args):
    try:
        found = call(token(), *args)
    except ApiError as refused:
        raise link_problem(refused) from None
    for held in (found, found.get("pair") if isinstance(found, dict) else None):
        if isinstance(held, dict):
            _former_participants(held)
    return found


def _former_participants(pair: dict) -> None:
    """A partner whose data was erased is shown as "a former participant"."""
    for role in ("mentor", "mentee"):
        person = pair.get(role)
        if isinstance(person, dict) and person.get("name") == ERASED:
            pair[role] = {**person, "name": _("a former participant")}


def partner(pair: dict) -> dict:
    return pair["mentor"] if pair["my_role"] == "mentee" else pair["mentee"]


def as_int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def empty_answer(message: str) -> bool:
    """The API's words for a required answer left out (or a list left empty)."""
    return message in ("Missing data for required field.", "Field may not be null.", "Shorter than minimum length 1.") \
        or message.startswith("Length must be between 1 and")
