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
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
# as rendering reads the templates (whitespace decides a message's exact wording)
OPTIONS = {pattern: {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true",
                     "keep_trailing_newline": "true"} for pattern, _method in METHODS}


def path(locale: str, suffix: str = "po") -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / f"messages.{suffix}"


def messages() -> set[str | tuple[str, ...]]:
    """The message ids of the templates (a plural as its singular and plural)."""
    return {message for _file, _line, message, *_rest in
            extract_from_dir(str(TEMPLATES), METHODS, keywords=KEYWORDS, options_map=OPTIONS)}


def catalogue(locale: str, compiled: bool = False) -> Catalog | None:
    found = path(locale, "mo" if compiled else "po")
    if not found.is_file():
        return None
    with found.open("rb") as file:
        return read_mo(file) if compiled else read_po(file, locale=locale)


def translated(locale: str) -> dict[str, str | tuple[str, ...]]:
    """The messages ``locale``'s catalogue translates, by id (a plural by its singular)."""
    return {m.id if isinstance(m.id, str) else m.id[0]: m.string
            for m in (catalogue(locale) or []) if m.id and not m.fuzzy and m.string and all(m.string)}


def update() -> None:
    """Add each new message (untranslated) to the catalogues, drop those no longer used, compile."""
    ids = messages()
    keys = {m if isinstance(m, str) else m[0] for m in ids}
    for locale in LOCALES:
        found = catalogue(locale) or Catalog(locale=locale, project="Tandem", version="1",
                                             header_comment=f"# The words of notify's messages in {locale}.")
        for message in list(found):
            if message.id and (message.id if isinstance(message.id, str) else message.id[0]) not in keys:
                del found[message.id]
        for message_id in sorted(ids, key=str):
            key = message_id if isinstance(message_id, str) else message_id[0]
            if key not in found:
                found.add(message_id, "" if isinstance(message_id, str) else ("", ""))
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
