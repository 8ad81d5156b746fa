"""Every message the web front shows has its translation in sv, fi, nb and en, and the compiled
catalogues the app reads say the same as the ones translators edit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from services.shared.contract.events import LOCALES

WEB = Path(__file__).resolve().parents[2] / "services" / "web"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]


def messages_in_code() -> set[str]:
    return {message[2] for message in extract_from_dir(str(WEB), METHODS, keywords={"_": None, "gettext": None})}


def catalogue(locale: str, compiled: bool = False):
    folder = WEB / "translations" / locale / "LC_MESSAGES"
    if compiled:
        return read_mo(io.BytesIO((folder / "messages.mo").read_bytes()))
    return read_po(io.BytesIO((folder / "messages.po").read_bytes()), locale=locale)


def test_the_pages_have_messages_to_translate():
    assert "Apply as a mentee" in messages_in_code()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale):
    translated = {m.id: m.string for m in catalogue(locale) if m.id and not m.fuzzy}
    untranslated = sorted(m for m in messages_in_code() if not translated.get(m))
    assert not untranslated, f"{locale} lacks: {untranslated}"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_is_up_to_date(locale):
    edited = {m.id: m.string for m in catalogue(locale) if m.id and not m.fuzzy}
    compiled = {m.id: m.string for m in catalogue(locale, compiled=True) if m.id}
    assert compiled == edited, f"run: pybabel compile -d services/web/translations (for {locale})"
