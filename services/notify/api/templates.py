"""A tenant's own wording of a message in a language: checked (it must parse, and render in the
sandbox against sample data, within limits of time and memory) before it is used; previewed
against the samples."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared import clock
from services.shared.api import service
from services.shared.tenancy import current_principal, require

from .. import store
from ..domain import samples
from ..domain.messages import KINDS
from ..domain.rendering import LOCALES, Override, default_sources, preview, validate_override
from ..schemas import MessageKindOut, PreviewIn, RenderedOut, TemplateIn, TemplateOut
from .common import tenant_of

blp = Blueprint("templates", __name__, url_prefix="/templates",
                description="The messages notify sends, and a tenant's own wording of them.")


def _known(message: str, locale: str) -> None:
    if message not in KINDS or locale not in LOCALES:
        abort(404, message="No such message or language.")


def _override(conn, tenant: str, message: str, locale: str):
    t = store.template_overrides
    return conn.execute(sa.select(t).where(t.c.tenant == tenant, t.c.message == message, t.c.locale == locale)).mappings().first()


def _effective(message: str, locale: str, row) -> dict:
    defaults = default_sources(message, locale)
    return {
        "message": message, "locale": locale, "overridden": row is not None,
        **{part: (row[part] if row is not None and row[part] is not None else defaults[part]) for part in ("subject", "text", "html")},
        "updated_at": row["updated_at"] if row is not None else None, "updated_by": row["updated_by"] if row is not None else None,
    }


@blp.route("")
class MessageKinds(MethodView):
    @require("coordinator")
    @blp.response(200, MessageKindOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self):
        """Every kind of message, whether one may opt out of it, and which languages the tenant
        has its own wording for."""
        t = store.template_overrides
        with service().engine.connect() as conn:
            overridden: dict[str, list[str]] = {}
            for row in conn.execute(sa.select(t.c.message, t.c.locale).where(t.c.tenant == tenant_of())):
                overridden.setdefault(row.message, []).append(row.locale)
        return [{"message": k.name, "summary": k.summary, "essential": k.essential, "invitation": k.invitation,
                 "locales": list(LOCALES), "overridden": sorted(overridden.get(k.name, [])),
                 "variables": sorted({name for c in samples.contexts(k.name) for name in c} | {"locale", "subject"})}
                for k in KINDS.values()]


@blp.route("/<message>/<locale>")
class Template(MethodView):
    @require("coordinator")
    @blp.response(200, TemplateOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, message, locale):
        """The wording in use: the tenant's own, or the platform's."""
        _known(message, locale)
        with service().engine.connect() as conn:
            return _effective(message, locale, _override(conn, tenant_of(), message, locale))

    @require("coordinator")
    @blp.arguments(TemplateIn)
    @blp.response(200, TemplateOut)
    @blp.doc(security=[{"bearer": []}])
    def put(self, body, message, locale):
        """Use the tenant's own wording; a part left out keeps the platform's. Refused (422, per
        part) unless it parses and renders against the sample data in the sandbox."""
        _known(message, locale)
        override = Override(body.get("subject"), body.get("text"), body.get("html"))
        errors = validate_override(message, locale, override, samples.contexts(message))
        if errors:
            abort(422, message="The template does not render.", errors={"json": errors})
        tenant, now = tenant_of(), clock.now()
        t = store.template_overrides
        values = {"subject": override.subject, "text": override.text, "html": override.html, "updated_at": now,
                  "updated_by": current_principal().sub}
        with service().engine.begin() as conn:
            row = _override(conn, tenant, message, locale)
            if row is None:
                conn.execute(t.insert().values(id=str(uuid.uuid4()), tenant=tenant, message=message, locale=locale, **values))
            else:
                conn.execute(t.update().where(t.c.id == row["id"], t.c.tenant == tenant).values(**values))
            return _effective(message, locale, _override(conn, tenant, message, locale))

    @require("coordinator")
    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, message, locale):
        """Go back to the platform's wording."""
        _known(message, locale)
        t = store.template_overrides
        with service().engine.begin() as conn:
            gone = conn.execute(t.delete().where(t.c.tenant == tenant_of(), t.c.message == message, t.c.locale == locale)).rowcount
        if not gone:
            abort(404, message="The tenant has no wording of its own for this message and language.")


@blp.route("/<message>/<locale>/preview")
class TemplatePreview(MethodView):
    @require("coordinator")
    @blp.arguments(PreviewIn)
    @blp.response(200, RenderedOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body, message, locale):
        """The message as a sample reader would get it: with the wording posted (checked as for a
        save), else the wording in use."""
        _known(message, locale)
        sample = next((c for c in samples.contexts(message) if c.get("role") == body["role"]), samples.contexts(message)[0])
        if any(body.get(p) is not None for p in ("subject", "text", "html")):
            override = Override(body.get("subject"), body.get("text"), body.get("html"))
        else:
            with service().engine.connect() as conn:
                row = _override(conn, tenant_of(), message, locale)
            override = Override(row["subject"], row["text"], row["html"]) if row is not None else None
        if override is not None:
            # checked as for a save, the stored wording too (saved before the limits were)
            errors = validate_override(message, locale, override, [sample])
            if errors:
                abort(422, message="The template does not render.", errors={"json": errors})
        rendered = preview(message, locale, override, sample)
        return {"locale": rendered.locale, "subject": rendered.subject, "text": rendered.text, "html": rendered.html}
