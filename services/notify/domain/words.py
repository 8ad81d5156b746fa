"""The reader's words: notify's gettext catalogues (``services/notify/translations``), one per
language, and the language of the rendering under way, whose catalogue ``_()`` and ``{% trans %}``
read."""

from __future__ import annotations

import contextvars
import functools
from contextlib import contextmanager
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ("sv", "fi", "nb", "en")
FALLBACK = "en"

# The language of the rendering under way: whose catalogue ``_()`` and ``{% trans %}`` read.
_reading: contextvars.ContextVar[str] = contextvars.ContextVar("reading", default=FALLBACK)


@functools.cache
def translations(locale: str) -> NullTranslations:
    """A language's compiled catalogue, read once per process."""
    return Translations.load(str(TRANSLATIONS), [locale])


@contextmanager
def reading(locale: str):
    """Render, while inside, with ``locale``'s catalogue."""
    token = _reading.set(locale)
    try:
        yield
    finally:
        _reading.reset(token)


def gettext(message: str) -> str:
    return translations(_reading.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_reading.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(_reading.get()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(_reading.get()).npgettext(context, singular, plural, n)
