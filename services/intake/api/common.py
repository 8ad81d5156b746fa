"""What intake's blueprints share: the language asked for."""

from __future__ import annotations

from flask import request

from services.shared.contract.events import LOCALES


def asked_locale() -> str | None:
    """The language asked for: ``?lang=``, else the browser's Accept-Language."""
    lang = request.args.get("lang")
    if lang in LOCALES:
        return lang
    return request.accept_languages.best_match(LOCALES)
