"""Notify's message catalogues: the words of its e-mails and pages in sv, fi, nb and en.

The templates in ``templates/`` say what a message says in English (``{% trans %}`` blocks and
``_()``); ``translations/<locale>/LC_MESSAGES/messages.po`` says it in each language, and the
compiled ``messages.mo`` beside it is what rendering reads (``domain.rendering.translations``).

``python -m services.notify.catalogues`` brings every catalogue up to date with the templates (new
messages added untranslated, messages no longer used dropped) and compiles them; translators then
fill in the ``.po`` files and run it again. ``pybabel compile -d services/notify/translations``
compiles them as well.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from .domain.rendering import LOCALES, TEMPLATES, TRANSLATIONS

METHODS = [("**.txt", "jinja2"), ("**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
# as rendering reads the templates (whitespace decides a message's exact wording)
OPTIONS = {pattern: {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true",
                     "keep_trailing_newline": "true"} for pattern, _method in METHODS}


def path(locale: str, suffix: str = "po") -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / f"messages.{suffix}"


Message = tuple[str | None, str | tuple[str, ...]]  # (context, id); a plural's id is its singular and plural


def messages() -> set[Message]:
    """The messages of the templates, each with its context (None for most)."""
    return {(context, message) for _file, _line, message, _comments, context in
            extract_from_dir(str(TEMPLATES), METHODS, keywords=KEYWORDS, options_map=OPTIONS)}


def key(context: str | None, message_id: str | tuple[str, ...]) -> tuple[str | None, str]:
    """How a message is known in a catalogue: its context and (a plural's) singular."""
    return context, message_id if isinstance(message_id, str) else message_id[0]


def catalogue(locale: str, compiled: bool = False) -> Catalog | None:
    found = path(locale, "mo" if compiled else "po")
    if not found.is_file():
        return None
    with found.open("rb") as file:
        return read_mo(file) if compiled else read_po(file, locale=locale)


def translated(locale: str) -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """The messages ``locale``'s catalogue translates, by ``key``."""
    return {key(m.context, m.id): m.string
            for m in (catalogue(locale) or []) if m.id and not m.fuzzy and m.string and all(m.string)}


def update() -> None:
    """Add each new message (untranslated) to the catalogues, drop those no longer used, compile."""
    used = messages()
    keys = {key(*message) for message in used}
    for locale in LOCALES:
        found = catalogue(locale) or Catalog(locale=locale, project="Tandem", version="1",
                                             header_comment=f"# The words of notify's messages in {locale}.")
        for message in list(found):
            if message.id and key(message.context, message.id) not in keys:
                found.delete(message.id, message.context)
        for context, message_id in sorted(used, key=str):
            if found.get(key(context, message_id)[1], context) is None:
                found.add(message_id, "" if isinstance(message_id, str) else ("", ""), context=context)
        target = path(locale)
        target.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_po(buffer, found, omit_header=False, width=0)  # one line per message, as translators edit them
        target.write_bytes(buffer.getvalue())
        with path(locale, "mo").open("wb") as file:
            write_mo(file, found)
        missing = sorted(str(m.id) for m in found if m.id and not (m.string and all(m.string)))
        if missing:
            print(f"notify {locale}: {len(missing)} to translate")


if __name__ == "__main__":
    update()
