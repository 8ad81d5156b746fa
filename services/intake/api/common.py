"""What intake's blueprints share: finding a tenant's object or answering 404, the asked language."""

from __future__ import annotations

from flask import request
from flask_smorest import abort

from services.shared.contract.events import LOCALES

from .. import store

NAMES = {"programmes": "programme", "cohorts": "cohort", "applications": "application", "nominations": "nomination"}


def found(conn, table, tenant: str, id_: str, for_update: bool = False):
    """The tenant's object, or 404 — never another tenant's."""
    row = store.one(conn, table, tenant, id_, for_update=for_update)
    if row is None:
        abort(404, message=f"No such {NAMES.get(table.name, table.name)}.")
    return row


def cohort_and_programme(conn, tenant: str, cohort_id: str, for_update: bool = False):
    cohort = found(conn, store.cohorts, tenant, cohort_id, for_update=for_update)
    return cohort, store.one(conn, store.programmes, tenant, cohort["programme_id"])


def asked_locale() -> str | None:
    """The language asked for: ``?lang=``, else the browser's Accept-Language."""
    lang = request.args.get("lang")
    if lang in LOCALES:
        return lang
    return request.accept_languages.best_match(LOCALES)
