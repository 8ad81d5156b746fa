"""One message from its templates: the platform's (subject, calendar title, text and HTML) and the
parts a tenant overrides, rendered in the sandbox in a process limited in time and memory
(``services.notify.sandbox``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import sandbox
from ..settings import current
from .environment import bounded, compiled, defaults
from .messages import Localized
from .sources import names
from .words import FALLBACK, reading


@dataclass(frozen=True)
class Override:
    """A tenant's own version of one message in one language; a part left None keeps the default."""

    subject: str | None = None
    text: str | None = None
    html: str | None = None


@dataclass(frozen=True)
class Rendered:
    locale: str
    subject: str
    text: str
    html: str
    calendar: str | None = None  # the calendar entry's title, for invitations
    overridden: bool = False
    fallback: str | None = None  # why the tenant's own template was not used, when it was not


def locale_chain(*preferred: str | None) -> list[str]:
    """The languages to try, in order, ending with English."""
    chain: list[str] = []
    for locale in (*preferred, FALLBACK):
        if locale and locale not in chain:
            chain.append(locale)
    return chain


def localize(value: Any, chain: Sequence[str]) -> Any:
    """Choose, everywhere in the context, the text of each ``Localized`` in the first language of
    ``chain`` it has (else any it has)."""
    if isinstance(value, Localized):
        for locale in chain:
            if value.values.get(locale):
                return value.values[locale]
        return next(iter(value.values.values()), "")
    if isinstance(value, dict):
        return {k: localize(v, chain) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [localize(v, chain) for v in value]
    return value


def tidy_text(text: str) -> str:
    """Plain text as a mail client shows it best: no trailing spaces, at most one blank line."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def subject_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 400 else line[:399] + "…"


def block(template, name: str, context: dict) -> str | None:
    block = template.blocks.get(name)
    if block is None:
        return None
    return "".join(block(template.new_context(context)))


def render_default(kind: str, locale: str, context: dict) -> Rendered:
    text_name, html_name = names(kind)
    with reading(locale):
        text_template = defaults.get_template(text_name)
        subject = subject_line(block(text_template, "subject", context) or "")
        calendar = block(text_template, "calendar", context)
        text = tidy_text(text_template.render(context))
        html = defaults.get_template(html_name).render({**context, "subject": subject})
    return Rendered(locale, subject, text, html, subject_line(calendar) if calendar else None)


def render_part(part: str, source: str, context: dict) -> str:
    """One part of a tenant's template, in the sandbox (run in a limited process)."""
    with reading(context.get("locale") or FALLBACK):
        rendered = bounded(compiled(part, source), context)
    return subject_line(rendered) if part == "subject" else tidy_text(rendered) if part == "text" else rendered


def render_parts(context: dict, override: Override, default_subject: str) -> dict[str, str]:
    """Every part the tenant overrides (run in a limited process)."""
    done: dict[str, str] = {}
    for part in ("subject", "text", "html"):
        source = getattr(override, part)
        if source:
            done[part] = render_part(part, source, {**context, "subject": done.get("subject", default_subject)}
                                      if part == "html" else context)
    return done


def limits() -> sandbox.Limits:
    settings = current()
    return sandbox.Limits(settings.template_seconds, settings.template_memory_mb, settings.template_workers)


def render_override(kind: str, locale: str, context: dict, override: Override) -> Rendered:
    default = render_default(kind, locale, context)
    done = sandbox.run(render_parts, (context, override, default.subject), limits())
    return Rendered(locale, done.get("subject", default.subject), done.get("text", default.text),
                    done.get("html", default.html), default.calendar, overridden=True)
