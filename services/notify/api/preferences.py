"""A person's choices: which non-essential messages they do not want, and the time zone to show
times in. The person sets them through the personal link in every non-essential message (one
click unsubscribes, RFC 8058); a coordinator can set them on the person's behalf."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import audit
from services.shared.api import service
from services.shared.tenancy import current_principal, require

from ..domain.deliveries import email_hash
from ..domain.rendering import LOCALES, render_page
from ..schemas import (
    OPTIONAL_KINDS,
    CoordinatorPreferencesIn,
    PreferencesIn,
    PreferencesOut,
    PreferencesQuery,
    UnsubscribeQuery,
    UnsubscribeStateOut,
    UnsubscribeTokenQuery,
)
from ..usecases import preferences
from .common import notify_settings, tenant_of

blp = Blueprint("preferences", __name__, url_prefix="", description="Opting out of what is not essential.")


def _out(row) -> dict:
    return {"opted_out": (row or {}).get("opted_out") or [], "time_zone": (row or {}).get("time_zone"),
            "optional": OPTIONAL_KINDS, "updated_at": (row or {}).get("updated_at")}


def _own() -> tuple[str, str]:
    """The tenant and address hash a personal link stands for."""
    return preferences.own(current_principal())


@blp.route("/preferences")
class Preferences(MethodView):
    @require("coordinator")
    @blp.arguments(PreferencesQuery, location="query")
    @blp.response(200, PreferencesOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, query):
        chosen = preferences.preferences(service().engine, tenant_of(), email_hash(query["email"]))
        audit.note(audit.READ, "preferences", None, email=query["email"])
        return _out(chosen)

    @require("coordinator")
    @blp.arguments(CoordinatorPreferencesIn)
    @blp.response(200, PreferencesOut)
    @blp.doc(security=[{"bearer": []}])
    def put(self, body):
        """Set a person's choices on their behalf (say, they asked by phone)."""
        chosen = preferences.choose(service().engine, tenant_of(), email_hash(body["email"]), body["opted_out"],
                                    body["time_zone"], current_principal().sub)
        audit.note(audit.CHANGE, "preferences", None, email=body["email"])
        return _out(chosen)


@blp.route("/preferences/mine")
class MyPreferences(MethodView):
    @require("participant")
    @blp.response(200, PreferencesOut)
    def get(self):
        """One's own choices, through the personal link (``?token=``) in a message."""
        tenant, digest = _own()
        return _out(preferences.preferences(service().engine, tenant, digest))

    @require("participant")
    @blp.arguments(PreferencesIn)
    @blp.response(200, PreferencesOut)
    def put(self, body):
        tenant, digest = _own()
        return _out(preferences.choose(service().engine, tenant, digest, body["opted_out"], body["time_zone"],
                                       "the person"))


def _page(state: str, locale: str, status: int = 200, action: str | None = None) -> Response:
    return Response(render_page("unsubscribe", locale, {"state": state, "action_url": action}), status=status,
                    content_type="text/html; charset=utf-8")


@blp.route("/unsubscribe")
class Unsubscribe(MethodView):
    @blp.arguments(UnsubscribeQuery, location="query")
    @blp.response(200)
    def get(self, query):
        """The page behind the link in a message: it asks before it unsubscribes (a link checker
        opening the link changes nothing)."""
        locale = query["lang"] or request.accept_languages.best_match(LOCALES) or "en"
        if self._holder(query) is None:
            return _page("invalid", locale, 400)
        return _page("confirm", locale, action=request.script_root + request.full_path)

    @blp.arguments(UnsubscribeQuery, location="query")
    @blp.response(200)
    def post(self, query):
        """Unsubscribe from every non-essential message of this tenant: the one click of RFC 8058
        (``List-Unsubscribe=One-Click``) and the page's button alike."""
        locale = query["lang"] or request.accept_languages.best_match(LOCALES) or "en"
        holder = self._holder(query)
        if holder is None:
            return _page("invalid", locale, 400)
        tenant, digest = holder
        preferences.unsubscribe(service().engine, tenant, digest)
        return _page("done", locale)

    @staticmethod
    def _holder(query) -> tuple[str, str] | None:
        return preferences.link_holder(notify_settings().base.signing_key, query["token"])


def _link_holder(token: str) -> tuple[str, str]:
    return preferences.valid_link_holder(notify_settings().base.signing_key, token)


@blp.route("/unsubscribe/state")
class UnsubscribeState(MethodView):
    @blp.arguments(UnsubscribeTokenQuery, location="query")
    @blp.response(200, UnsubscribeStateOut)
    @blp.alt_response(404, description="the link is not valid or has expired")
    def get(self, query):
        """What an unsubscribe link stops, and whether it already has: for the web front's page,
        which asks before it unsubscribes."""
        tenant, digest = _link_holder(query["token"])
        return preferences.unsubscribe_state(service().engine, tenant, digest)

    @blp.arguments(UnsubscribeTokenQuery, location="query")
    @blp.response(200, UnsubscribeStateOut)
    @blp.alt_response(404, description="the link is not valid or has expired")
    def post(self, query):
        """Unsubscribe after the person confirmed on the web front's page; answers the new state.
        (A mail client's one click, RFC 8058, posts to ``/unsubscribe`` instead.)"""
        tenant, digest = _link_holder(query["token"])
        return preferences.unsubscribe_confirmed(service().engine, tenant, digest)
