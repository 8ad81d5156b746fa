"""What intake's blueprints share: a cohort with its programme, the asked language."""

from __future__ import annotations

from flask import request

from services.shared.contract.events import LOCALES
from services.shared.db import found

from .. import store


def cohort_and_programme(conn, tenant: str, cohort_id: str, for_update: bool = False):
    cohort = found(conn, store.cohorts, tenant, cohort_id, for_update=for_update)
    return cohort, store.one(conn, store.programmes, tenant, cohort["programme_id"])


def asked_locale() -> str | None:
    """The language asked for: ``?lang=``, else the browser's Accept-Language."""
    lang = request.args.get("lang")
    if lang in LOCALES:
        return lang
    return request.accept_languages.best_match(LOCALES)
