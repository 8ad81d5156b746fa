"""A tenant's own wording of a message in a language: checked (it must parse, and render in the
sandbox against sample data) before it is saved; previewed against the samples."""

from __future__ import annotations

import uuid

from sqlalchemy.engine import Engine

from services.shared import clock
from services.shared.errors import Invalid, NotFound

from ..domain import samples
from ..domain.messages import KINDS
from ..domain.rendering import LOCALES, Override, default_sources, preview, validate_override
from ..store import tenant_setup


def _known(message: str, locale: str) -> None:
    if message not in KINDS or locale not in LOCALES:
        raise NotFound("No such message or language.")


def _checked(message: str, locale: str, override: Override, contexts: list[dict]) -> None:
    errors = validate_override(message, locale, override, contexts)
    if errors:
        raise Invalid("The template does not render.", errors)


def _effective(message: str, locale: str, row) -> dict:
    defaults = default_sources(message, locale)
    return {
        "message": message, "locale": locale, "overridden": row is not None,
        **{part: (row[part] if row is not None and row[part] is not None else defaults[part]) for part in ("subject", "text", "html")},
        "updated_at": row["updated_at"] if row is not None else None, "updated_by": row["updated_by"] if row is not None else None,
    }


def kinds(engine: Engine, tenant: str) -> list[dict]:
    """Every kind of message, whether one may opt out of it, and which languages the tenant has
    its own wording for."""
    with engine.connect() as conn:
        overridden = tenant_setup.overridden_locales(conn, tenant)
    return [{"message": k.name, "summary": k.summary, "essential": k.essential, "invitation": k.invitation,
             "locales": list(LOCALES), "overridden": sorted(overridden.get(k.name, [])),
             "variables": sorted({name for c in samples.contexts(k.name) for name in c} | {"locale", "subject"})}
            for k in KINDS.values()]


def template(engine: Engine, tenant: str, message: str, locale: str) -> dict:
    _known(message, locale)
    with engine.connect() as conn:
        return _effective(message, locale, tenant_setup.override(conn, tenant, message, locale))


def save(engine: Engine, tenant: str, message: str, locale: str, parts: dict, by: str) -> dict:
    """Use the tenant's own wording (a part left out keeps the platform's), refused unless it
    parses and renders against the sample data in the sandbox."""
    _known(message, locale)
    override = Override(parts.get("subject"), parts.get("text"), parts.get("html"))
    _checked(message, locale, override, samples.contexts(message))
    values = {"subject": override.subject, "text": override.text, "html": override.html, "updated_at": clock.now(),
              "updated_by": by}
    with engine.begin() as conn:
        tenant_setup.save_override(conn, tenant, message, locale, str(uuid.uuid4()), values)
        return _effective(message, locale, tenant_setup.override(conn, tenant, message, locale))


def reset(engine: Engine, tenant: str, message: str, locale: str) -> None:
    """Go back to the platform's wording."""
    _known(message, locale)
    with engine.begin() as conn:
        gone = tenant_setup.delete_override(conn, tenant, message, locale)
    if not gone:
        raise NotFound("The tenant has no wording of its own for this message and language.")


def preview_template(engine: Engine, tenant: str, message: str, locale: str, role: str, parts: dict) -> dict:
    """The message as a sample reader would get it: with the wording in ``parts`` (checked as for
    a save), else the wording in use."""
    _known(message, locale)
    sample = next((c for c in samples.contexts(message) if c.get("role") == role), samples.contexts(message)[0])
    if any(parts.get(p) is not None for p in ("subject", "text", "html")):
        override = Override(parts.get("subject"), parts.get("text"), parts.get("html"))
    else:
        with engine.connect() as conn:
            row = tenant_setup.override(conn, tenant, message, locale)
        override = Override(row["subject"], row["text"], row["html"]) if row is not None else None
    if override is not None:
        # checked as for a save, the stored wording too (saved before the limits were)
        _checked(message, locale, override, [sample])
    rendered = preview(message, locale, override, sample)
    return {"locale": rendered.locale, "subject": rendered.subject, "text": rendered.text, "html": rendered.html}
