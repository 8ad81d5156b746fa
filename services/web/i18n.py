"""The reader's language, and dates and times as they read them.

The language is chosen in this order: ``?lang=`` (then remembered in the ``tandem_lang`` cookie),
the remembered cookie, the person's own locale where the page knows it (their application),
the browser's Accept-Language, and Swedish.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property, lru_cache
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from flask import g, request
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup, escape

from services.shared.contract.events import LOCALES

COOKIE = "tandem_lang"
DEFAULT = "sv"
NAMES = {"sv": "Svenska", "fi": "Suomi", "nb": "Norsk bokmål", "en": "English"}  # each in its own language


def select_locale() -> str:
    for asked in (request.args.get("lang"), request.cookies.get(COOKIE), g.get("person_locale")):
        if asked in LOCALES:
            return asked
    return request.accept_languages.best_match(LOCALES) or DEFAULT


def locale() -> str:
    return str(get_locale() or DEFAULT)


def reader() -> Locale:
    """The reader's language as Babel's ``Locale``: Babel formats a date some three times faster
    given one than given its name, which it parses again each time."""
    return get_locale() or Locale.parse(DEFAULT)


def translations():
    """This request's catalogue, for the pages' messages. Flask-Babel looks it up again for every
    message (some 20 µs each, and a form has dozens); here once per request and language. A page
    that learns whose it is and changes the language (``flask_babel.refresh``) gets the new one."""
    chosen = get_locale()
    found = g.get("tandem_translations")
    if found is None or found[0] is not chosen:
        found = g.tandem_translations = (chosen, get_translations())
    return found[1]


CATALOGUE = "tandem_catalogue"  # the template variable that carries the page's catalogue


def install_gettext(app) -> None:
    """The templates' ``_``, ``gettext`` and ``ngettext`` (new-style, as Flask-Babel's:
    ``_("%(n)s left", n=3)``) over the catalogue the page is rendered with: found once as the page
    is rendered, when it has settled its language, and handed to each message with the template's
    context (a macro imported without it asks ``translations``).

    ``_`` and ``gettext`` are the pages' most frequent calls (60 on a meeting plan). Jinja's own
    newstyle ``_`` calls ``gettext`` through the context, which looks the message up, marks it safe
    and formats it even when it has no variables; here a message without variables is looked up,
    marked and formatted once per language (``_marked``), and ``_`` is that same function."""
    app.context_processor(lambda: {CATALOGUE: translations()})

    def catalogue(context):
        return context.get(CATALOGUE) or translations()

    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda context, s: catalogue(context).ugettext(s)),
        ngettext=pass_context(lambda context, s, p, n: catalogue(context).ungettext(s, p, n)),
        pgettext=pass_context(lambda context, c, s: catalogue(context).upgettext(c, s)),
        npgettext=pass_context(lambda context, c, s, p, n: catalogue(context).unpgettext(c, s, p, n)),
        newstyle=True)

    @pass_context
    def gettext(context, message: str, **variables) -> str:
        found = catalogue(context)
        if not context.eval_ctx.autoescape:
            return found.ugettext(message) % variables
        return _translated(found, message) % variables if variables else _marked(found, message)

    app.jinja_env.globals.update(gettext=gettext, _=gettext)


@lru_cache(maxsize=8192)
def _translated(found, message: str) -> Markup:
    """A message in a catalogue's words, safe for a page (the words are Tandem's own)."""
    return Markup(found.ugettext(message))


@lru_cache(maxsize=8192)
def _marked(found, message: str) -> Markup:
    """A message without variables as a page shows it: as Jinja's newstyle gettext formats every
    message, even one without variables (``%%`` is one ``%``)."""
    return _translated(found, message) % {}


# A date or time in words is the same for every reader of a language: each is written once (Babel
# takes some 25 µs for each, and a meeting plan shows a dozen) and kept for the next page

def when(value: str | None, time_zone: str) -> str:
    """An ISO 8601 instant as a date and time in ``time_zone`` (the cohort's), in the reader's words."""
    return _when(value, time_zone, reader()) if value else ""


def day(value: str | None) -> str:
    return _day(value, reader()) if value else ""


def span(starts_at: str, ends_at: str, time_zone: str) -> str:
    """An event's time: its day, and from–to in local time."""
    return _span(starts_at, ends_at, time_zone, reader())


@lru_cache(maxsize=4096)
def _when(value: str, time_zone: str, words: Locale) -> str:
    local = datetime.fromisoformat(value).astimezone(ZoneInfo(time_zone))
    return f"{format_date(local.date(), 'long', locale=words)} {format_time(local, 'short', locale=words)}"


@lru_cache(maxsize=4096)
def _day(value: str, words: Locale) -> str:
    return format_date(date.fromisoformat(value), "long", locale=words)


@lru_cache(maxsize=1024)
def _span(starts_at: str, ends_at: str, time_zone: str, words: Locale) -> str:
    start, end = datetime.fromisoformat(starts_at), datetime.fromisoformat(ends_at)
    tz = ZoneInfo(time_zone)
    return "{} {}–{}".format(format_date(start.astimezone(tz).date(), "full", locale=words),
                             format_time(start, "short", tzinfo=tz, locale=words),
                             format_time(end, "short", tzinfo=tz, locale=words))


def language_name(code: str) -> str:
    return reader().languages.get(code, code)


class Choices(tuple):
    """A drop-down's choices, ``(code, name)`` pairs in the order shown, with their ``<option>``
    list rendered once: a language list has 184 options, and a Jinja loop over them costs some
    half a millisecond for each drop-down on every page that shows one."""

    @cached_property
    def _options(self) -> str:
        return "".join(f'<option value="{escape(code)}">{escape(name)}</option>' for code, name in self)

    def options(self, selected: str | None = None) -> Markup:
        """The ``<option>`` elements, the one whose code is ``selected`` (if any) marked so."""
        if not selected or not isinstance(selected, str):
            return Markup(self._options)
        chosen = f'<option value="{escape(selected)}">'
        return Markup(self._options.replace(chosen, chosen[:-1] + " selected>", 1))


def language_choices() -> Choices:
    """ISO 639-1 languages (two letters), by their name in the reader's language."""
    return _languages(locale())


def country_choices() -> Choices:
    return _countries(locale())


# Babel's names are the same for every reader of a language and never change while the front runs:
# sorted and rendered once per language, not on every form (half a millisecond each)

@lru_cache(maxsize=len(LOCALES))
def _languages(lang: str) -> Choices:
    names = Locale.parse(lang).languages
    return Choices(sorted(((code, name) for code, name in names.items() if len(code) == 2 and code.isalpha()),
                          key=lambda c: c[1].casefold()))


@lru_cache(maxsize=len(LOCALES))
def _countries(lang: str) -> Choices:
    names = Locale.parse(lang).territories
    return Choices(sorted(((code, name) for code, name in names.items()
                           if len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}),
                          key=lambda c: c[1].casefold()))


def pick(texts: dict | str | None) -> str:
    """A text given in several languages, in the reader's (else English, else any)."""
    if not isinstance(texts, dict):
        return texts or ""
    for code in (locale(), "en", *texts):
        if texts.get(code):
            return texts[code]
    return ""


def url_in(code: str) -> str:
    """This page in another language (keeping its other query arguments, such as a link's token)."""
    args = request.args.to_dict()
    args["lang"] = code
    return f"{request.path}?{urlencode(args)}"
