"""Every message the web front shows has its translation in sv, fi, nb and en — the front's own,
the console's and each console area's (``services/web/catalogues.py``) — and the compiled
catalogues the app reads say the same as the ones translators edit."""

from __future__ import annotations

import pytest

from services.shared.contract.events import LOCALES
from services.web import catalogues

ROOTS = {root.name: root for root in catalogues.roots()}


def test_the_pages_have_messages_to_translate():
    assert "Apply as a mentee" in catalogues.messages(ROOTS["web"])
    assert "Apply as a mentee" not in catalogues.messages(ROOTS["web/console"])


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("root", sorted(ROOTS))
def test_every_message_is_translated(root, locale):
    translated = catalogues.translated(ROOTS[root], locale)
    untranslated = sorted(m for m in catalogues.messages(ROOTS[root]) if not translated.get(m))
    assert not untranslated, f"{root} in {locale} lacks: {untranslated} (python -m services.web.catalogues {root})"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("root", sorted(ROOTS))
def test_the_compiled_catalogue_is_up_to_date(root, locale):
    edited = catalogues.catalogue(ROOTS[root], locale)
    if edited is None:
        return
    compiled = catalogues.catalogue(ROOTS[root], locale, compiled=True)
    assert compiled is not None, f"{root} in {locale}: no messages.mo (python -m services.web.catalogues {root})"
    assert ({m.id: m.string for m in compiled if m.id}
            == {m.id: m.string for m in edited if m.id and not m.fuzzy}), f"python -m services.web.catalogues {root}"
