"""Rendering a message in the reader's language: Jinja2 templates (text and HTML), their words
from the gettext catalogues in ``services/notify/translations`` (``{% trans %}`` and ``_()``, the
reader's catalogue installed for each rendering), dates, times and numbers formatted by Babel for
the reader's locale and time zone.

Each message has one template for all languages (``<kind>.txt`` and ``<kind>.html``), as have the
shared parts (``_layout``, ``_words``, the unsubscribe page); a name with a language before it
(``sv/_layout.txt``, as tenants' templates written earlier say) reads the shared one.

The language is the recipient's, else the programme's, else English — the first of them that has
the template. A tenant's own version of a template (an override) is rendered in Jinja's sandbox,
which also counts its calls and refuses what would grow without bound, inside a subprocess
limited in time and memory (``services.notify.sandbox``). Should it fail or run over on real
data, the platform's template is used and the delivery says why: a message is never lost to a
template, and one tenant's template never holds up anyone else's mail.

Beside this module: ``words`` (the catalogues), ``formatting`` (the filters), ``environment`` (the
platform's Jinja environment and the tenants' sandbox), ``sources`` (a template with a language's
words written in), ``composing`` (one message from its parts) and ``overrides`` (checking and
previewing a tenant's template). What callers use is named here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from .. import sandbox
from .composing import Override, Rendered, locale_chain, localize, render_default, render_override
from .environment import TEMPLATES, defaults, describe
from .formatting import babel_locale
from .overrides import preview, validate_override
from .sources import default_sources, names, with_words
from .words import LOCALES, TRANSLATIONS, reading, translations

__all__ = [
    "LOCALES", "TEMPLATES", "TRANSLATIONS", "Override", "Rendered", "babel_locale", "default_sources", "has_default",
    "locale_chain", "localize", "preview", "render", "render_page", "translations", "validate_override", "with_words",
]

log = logging.getLogger(__name__)


def has_default(kind: str, locale: str) -> bool:
    return locale in LOCALES and all((TEMPLATES / name).is_file() for name in names(kind))


# A tenant's template that ran over its limits is not tried again for a while by this process:
# each try would cost the consumer the whole limit again.
OVER_LIMIT_PAUSE = 600.0
_over_limit: dict[Override, tuple[float, str]] = {}


def _fallback(kind: str, locale: str, values: dict, reason: str, label: str) -> Rendered:
    log.warning("the tenant's %s/%s template is not used (%s); the platform's is", locale, kind, reason,
                extra={"template": f"{locale}/{kind}", "template_fallback": reason})
    sandbox.TEMPLATE_FALLBACKS.labels("notify", kind, label).inc()
    return replace(render_default(kind, locale, values),
                   fallback=f"the tenant's template {reason}; the platform's template was used")


def render(
    kind: str,
    context: dict,
    chain: Sequence[str],
    override_for: Callable[[str], Override | None] | None = None,
) -> Rendered:
    """Render ``kind`` in the first language of ``chain`` it has templates for."""
    for locale in chain:
        if not has_default(kind, locale):
            continue
        values = {**localize(context, locale_chain(locale, *chain)), "locale": locale}
        override = override_for(locale) if override_for else None
        if override is not None:
            paused = _over_limit.get(override)
            if paused is not None and paused[0] > time.monotonic():
                return _fallback(kind, locale, values, paused[1], "paused")
            try:
                return render_override(kind, locale, values, override)
            except sandbox.TemplateOverLimit as exc:
                now = time.monotonic()
                for stale in [o for o, (until, _) in _over_limit.items() if until <= now]:
                    del _over_limit[stale]
                _over_limit[override] = (now + OVER_LIMIT_PAUSE, exc.reason)
                return _fallback(kind, locale, values, exc.reason, exc.kind)
            except Exception as exc:  # whatever the template did, the message goes out in the platform's words
                return _fallback(kind, locale, values, f"failed: {describe(exc)}", "error")
        return render_default(kind, locale, values)
    raise LookupError(f"no template for {kind!r} in {', '.join(chain)}")


def render_page(page: str, locale: str, context: dict) -> str:
    """One of notify's own web pages (``_<page>.html``) in the reader's language, else English."""
    shown = next(candidate for candidate in locale_chain(locale) if candidate in LOCALES)
    with reading(shown):
        return defaults.get_template(f"_{page}.html").render({**context, "locale": shown})
