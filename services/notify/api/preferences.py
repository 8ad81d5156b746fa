"""A person's choices: which non-essential messages they do not want, and the time zone to show
times in. The person sets them through the personal link in every non-essential message (one
click unsubscribes, RFC 8058); a coordinator can set them on the person's behalf."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared import clock
from services.shared.api import service
from services.shared.tenancy import TokenError, current_principal, require, verify_token

from .. import store
from ..domain.deliveries import UNSUBSCRIBE_SCOPE, email_hash, preference
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
from .common import notify_settings, tenant_of

blp = Blueprint("preferences", __name__, url_prefix="", description="Opting out of what is not essential.")


def _out(row) -> dict:
    return {"opted_out": (row or {}).get("opted_out") or [], "time_zone": (row or {}).get("time_zone"),
            "optional": OPTIONAL_KINDS, "updated_at": (row or {}).get("updated_at")}


def save(conn, tenant: str, digest: str, opted_out: list[str], time_zone: str | None, by: str) -> dict:
    p = store.preferences
    values = {"opted_out": sorted(set(opted_out)), "time_zone": time_zone, "updated_at": clock.now(), "updated_by": by}
    if preference(conn, tenant, digest) is None:
        conn.execute(p.insert().values(tenant=tenant, email_sha256=digest, **values))
    else:
        conn.execute(p.update().where(p.c.tenant == tenant, p.c.email_sha256 == digest).values(**values))
    return preference(conn, tenant, digest)


def _own() -> tuple[str, str]:
    """The tenant and address hash a personal link stands for."""
    principal = current_principal()
    if principal.scope != UNSUBSCRIBE_SCOPE:
        abort(403, message="This link is not for message preferences.")
    return principal.tenant, principal.sub


@blp.route("/preferences")
class Preferences(MethodView):
    @require("coordinator")
    @blp.arguments(PreferencesQuery, location="query")
    @blp.response(200, PreferencesOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, query):
        with service().engine.connect() as conn:
            return _out(preference(conn, tenant_of(), email_hash(query["email"])))

    @require("coordinator")
    @blp.arguments(CoordinatorPreferencesIn)
    @blp.response(200, PreferencesOut)
    @blp.doc(security=[{"bearer": []}])
    def put(self, body):
        """Set a person's choices on their behalf (say, they asked by phone)."""
        with service().engine.begin() as conn:
            return _out(save(conn, tenant_of(), email_hash(body["email"]), body["opted_out"], body["time_zone"],
                             current_principal().sub))


@blp.route("/preferences/mine")
class MyPreferences(MethodView):
    @require("participant")
    @blp.response(200, PreferencesOut)
    def get(self):
        """One's own choices, through the personal link (``?token=``) in a message."""
        tenant, digest = _own()
        with service().engine.connect() as conn:
            return _out(preference(conn, tenant, digest))

    @require("participant")
    @blp.arguments(PreferencesIn)
    @blp.response(200, PreferencesOut)
    def put(self, body):
        tenant, digest = _own()
        with service().engine.begin() as conn:
            return _out(save(conn, tenant, digest, body["opted_out"], body["time_zone"], "the person"))


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
        with service().engine.begin() as conn:
            unsubscribe(conn, tenant, digest)
        return _page("done", locale)

    @staticmethod
    def _holder(query) -> tuple[str, str] | None:
        try:
            principal = verify_token(notify_settings().base.signing_key, query["token"])
        except TokenError:
            return None
        if principal.role != "participant" or principal.scope != UNSUBSCRIBE_SCOPE:
            return None
        return principal.tenant, principal.sub


def unsubscribe(conn, tenant: str, digest: str) -> dict:
    """Stop every non-essential message of this tenant to this address, keeping the chosen time zone."""
    current = preference(conn, tenant, digest)
    return save(conn, tenant, digest, ["*"], (current or {}).get("time_zone"), "the person (unsubscribe link)")


def _state(conn, tenant: str, digest: str) -> dict:
    r, c = store.recipients, store.cohorts
    known = conn.execute(
        sa.select(c.c.programme_id, c.c.programme_name, r.c.locale)
        .select_from(r.join(c, sa.and_(c.c.tenant == r.c.tenant, c.c.id == r.c.cohort_id)))
        .where(r.c.tenant == tenant, r.c.email_sha256 == digest)
        .order_by(r.c.updated_at.desc())
    ).all()
    programmes = list({row.programme_id or str(row.programme_name): row.programme_name for row in known}.values())
    opted = (preference(conn, tenant, digest) or {}).get("opted_out") or []
    return {"unsubscribed": "*" in opted, "opted_out": opted, "programmes": programmes,
            "locale": known[0].locale if known else None}


def _link_holder(token: str) -> tuple[str, str]:
    holder = Unsubscribe._holder({"token": token})
    if holder is None:
        abort(404, message="This unsubscribe link is not valid or has expired.")
    return holder


@blp.route("/unsubscribe/state")
class UnsubscribeState(MethodView):
    @blp.arguments(UnsubscribeTokenQuery, location="query")
    @blp.response(200, UnsubscribeStateOut)
    @blp.alt_response(404, description="the link is not valid or has expired")
    def get(self, query):
        """What an unsubscribe link stops, and whether it already has: for the web front's page,
        which asks before it unsubscribes."""
        tenant, digest = _link_holder(query["token"])
        with service().engine.connect() as conn:
            return _state(conn, tenant, digest)

    @blp.arguments(UnsubscribeTokenQuery, location="query")
    @blp.response(200, UnsubscribeStateOut)
    @blp.alt_response(404, description="the link is not valid or has expired")
    def post(self, query):
        """Unsubscribe after the person confirmed on the web front's page; answers the new state.
        (A mail client's one click, RFC 8058, posts to ``/unsubscribe`` instead.)"""
        tenant, digest = _link_holder(query["token"])
        with service().engine.begin() as conn:
            unsubscribe(conn, tenant, digest)
            return _state(conn, tenant, digest)
