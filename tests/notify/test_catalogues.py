"""Every word notify's messages show has its translation in sv, fi, nb and en
(``services/notify/catalogues.py``), and the compiled catalogues rendering reads say the same as
the ones translators edit."""

from __future__ import annotations

import pytest

from services.notify import catalogues
from services.notify.domain import rendering, samples
from services.shared.contract.events import LOCALES


def test_the_templates_have_words_to_translate():
    found = catalogues.messages()
    assert (None, "Sign in to Tandem") in found and (None, "Kind regards") in found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale):
    translated = catalogues.translated(locale)
    untranslated = sorted(str(m) for m in catalogues.messages() if catalogues.key(*m) not in translated)
    assert not untranslated, f"notify in {locale} lacks: {untranslated} (python -m services.notify.catalogues)"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_is_up_to_date(locale):
    edited = catalogues.catalogue(locale)
    assert edited is not None, f"no messages.po for {locale} (python -m services.notify.catalogues)"
    compiled = catalogues.catalogue(locale, compiled=True)
    assert compiled is not None, f"no messages.mo for {locale} (python -m services.notify.catalogues)"
    # Babel reads a compiled message's context as bytes
    assert ({(m.context.decode() if isinstance(m.context, bytes) else m.context, m.id): m.string for m in compiled if m.id}
            == {(m.context, m.id): m.string for m in edited if m.id and not m.fuzzy}), "python -m services.notify.catalogues"


def test_a_shared_template_renders_each_language_from_its_catalogue():
    context = samples.contexts("sign_in")[0]
    assert rendering.render("sign_in", context, ["sv"]).subject == "Logga in på Tandem"
    assert rendering.render("sign_in", context, ["fi"]).text.startswith("Hei Anna Lind,")
    assert rendering.render("sign_in", context, ["en"]).subject == "Sign in to Tandem"


def test_the_default_a_tenant_starts_from_is_in_the_tenants_language():
    source = rendering.default_sources("application_received", "sv")
    assert source["subject"].startswith("Vi har tagit emot")
    assert "{% trans" not in source["text"] and "_(" not in source["html"]
    assert "Tack för din ansökan" in source["text"]
