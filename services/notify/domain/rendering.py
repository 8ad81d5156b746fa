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
"""

from __future__ import annotations

import contextvars
import functools
from contextlib import contextmanager
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    nodes,
    pass_context,
)
from jinja2.filters import do_center, do_indent
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import Namespace, generate_lorem_ipsum

from .. import sandbox
from ..settings import current
from .messages import KINDS, Localized

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ("sv", "fi", "nb", "en")
FALLBACK = "en"
# English for readers in the Nordic countries: day-month order and a 24-hour clock.
BABEL_LOCALES = {"sv": "sv_SE", "fi": "fi_FI", "nb": "nb_NO", "en": "en_GB"}
# "Tuesday 2 February 2027 at 17:00–19:00" as each language writes it
_SAME_DAY = {"sv": "{date} kl. {times}", "fi": "{date} klo {times}", "nb": "{date} kl. {times}", "en": "{date}, {times}"}
_AT = {"sv": "{date} kl. {time}", "fi": "{date} klo {time}", "nb": "{date} kl. {time}", "en": "{date}, {time}"}
MAX_TEMPLATE_CHARS = 50_000
MAX_OUTPUT_CHARS = 200_000


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


# --- formatting for the reader ------------------------------------------------------------------


def babel_locale(locale: str) -> str:
    return BABEL_LOCALES.get(locale, BABEL_LOCALES[FALLBACK])


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _reader(ctx) -> tuple[str, ZoneInfo, str]:
    locale = ctx.get("locale") or FALLBACK
    return babel_locale(locale), _zone(ctx.get("time_zone")), locale


def _local(value: datetime | date, tz: ZoneInfo) -> datetime | date:
    return value.astimezone(tz) if isinstance(value, datetime) else value


@pass_context
def f_date(ctx, value: datetime | date | None, format: str = "full") -> str:  # noqa: A002 — Babel's word
    """A date (or the local date of a moment) as the reader writes it: "tisdag 2 februari 2027"."""
    if value is None:
        return ""
    babel, tz, _ = _reader(ctx)
    local = _local(value, tz)
    return format_date(local.date() if isinstance(local, datetime) else local, format, locale=babel)


@pass_context
def f_time(ctx, value: datetime | None) -> str:
    """A moment's local clock time: "17:00", in Finnish "17.00"."""
    if value is None:
        return ""
    babel, tz, _ = _reader(ctx)
    return format_time(value.astimezone(tz), "short", locale=babel)


@pass_context
def f_datetime(ctx, value: datetime | None, format: str = "full") -> str:  # noqa: A002
    if value is None:
        return ""
    babel, tz, locale = _reader(ctx)
    local = value.astimezone(tz)
    return _AT.get(locale, _AT[FALLBACK]).format(date=format_date(local.date(), format, locale=babel),
                                                 time=format_time(local, "short", locale=babel))


@pass_context
def f_span(ctx, start: datetime, end: datetime) -> str:
    """When something happens, in the reader's time zone: one day with its hours, or from a day
    and time to another (a two-day training)."""
    babel, tz, locale = _reader(ctx)
    start, end = start.astimezone(tz), end.astimezone(tz)
    if start.date() == end.date():
        times = f"{format_time(start, 'short', locale=babel)}–{format_time(end, 'short', locale=babel)}"
        return _SAME_DAY.get(locale, _SAME_DAY[FALLBACK]).format(date=format_date(start.date(), "full", locale=babel), times=times)
    at = _AT.get(locale, _AT[FALLBACK])
    return " – ".join(at.format(date=format_date(moment.date(), "full", locale=babel),
                                time=format_time(moment, "short", locale=babel)) for moment in (start, end))


@pass_context
def f_zone(ctx, name: str | None = None) -> str:
    """The reader's time zone by its place: "Finlandtid", "Finland Time"."""
    babel, tz, _ = _reader(ctx)
    return get_timezone_location(_zone(name) if name else tz, locale=babel)


@pass_context
def f_number(ctx, value: float | int) -> str:
    return format_decimal(value, locale=_reader(ctx)[0])


def _language_name(code: str, babel: str) -> str:
    names = Locale.parse(babel).languages
    return names.get({"nb": "no", "nn": "no"}.get(code, code)) or names.get(code) or code


@pass_context
def f_language(ctx, code: str) -> str:
    return _language_name(code, _reader(ctx)[0])


@pass_context
def f_languages(ctx, codes: Iterable[str]) -> str:
    """Languages by name, as a list in the reader's language: "svenska och engelska"."""
    babel = _reader(ctx)[0]
    names = [_language_name(code, babel) for code in codes]
    return format_list(names, locale=babel) if names else ""


FILTERS: dict[str, Callable] = {
    "date": f_date, "time": f_time, "datetime": f_datetime, "span": f_span, "zone": f_zone,
    "number": f_number, "language": f_language, "languages": f_languages,
}


# --- the reader's words --------------------------------------------------------------------------

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


def _gettext(message: str) -> str:
    return translations(_reading.get()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_reading.get()).ngettext(singular, plural, n)


def _pgettext(context: str, message: str) -> str:
    return translations(_reading.get()).pgettext(context, message)


def _npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(_reading.get()).npgettext(context, singular, plural, n)


class _Loader(FileSystemLoader):
    """The platform's templates; ``<locale>/<name>`` reads the shared ``<name>``, as tenants'
    templates written when each language had its own (``{% extends "sv/_layout.txt" %}``) say."""

    def get_source(self, environment, template):
        try:
            return super().get_source(environment, template)
        except TemplateNotFound:
            head, _, rest = template.partition("/")
            if head in LOCALES and rest:
                return super().get_source(environment, rest)
            raise


def _environment(cls: type[Environment], autoescape) -> Environment:
    env = cls(
        loader=_Loader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=autoescape,
        undefined=StrictUndefined,  # a misspelt variable fails loudly instead of leaving a gap
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.install_gettext_callables(_gettext, _ngettext, newstyle=False, pgettext=_pgettext, npgettext=_npgettext)
    return env


MAX_RANGE = 1000
MAX_LOOP_DEPTH = 2
MAX_CALLS = 100_000  # macro, function and method calls in one rendering of a tenant's template
MAX_WIDTH = 1_000  # padding and indentation
MAX_LIPSUM = 10  # paragraphs of placeholder text

# The calls made so far in the rendering under way (a list of one, set by ``_bounded``).
_calls: contextvars.ContextVar[list[int]] = contextvars.ContextVar("template_calls")


def _small_range(*args: int) -> range:
    """``range`` for a tenant's template: a message never needs more than a few hundred steps."""
    steps = range(*args)
    if len(steps) > MAX_RANGE:
        raise SecurityError(f"range() is limited to {MAX_RANGE} steps in a message template")
    return steps


def _small_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 — Jinja's names
    if n > MAX_LIPSUM or max > 200:
        raise SecurityError(f"lipsum() is limited to {MAX_LIPSUM} paragraphs of at most 200 words")
    return generate_lorem_ipsum(n, html, min, max)


def _width(width) -> None:
    if isinstance(width, int) and width > MAX_WIDTH or isinstance(width, str) and len(width) > MAX_WIDTH:
        raise SecurityError(f"widths above {MAX_WIDTH} are not allowed in a message template")


def _small_center(value, width: int = 80) -> str:
    _width(width)
    return do_center(value, width)


def _small_indent(value, width=4, first: bool = False, blank: bool = False) -> str:
    _width(width)
    return do_indent(value, width, first, blank)


class _SmallNamespace(Namespace):
    """``namespace()`` whose values stay within a message's size (no doubling a string until
    memory runs out)."""

    def __setitem__(self, name: str, value) -> None:
        if isinstance(value, str | list | tuple | dict) and len(value) > MAX_OUTPUT_CHARS:
            raise SecurityError(f"a value longer than {MAX_OUTPUT_CHARS} is not allowed in a message template")
        super().__setitem__(name, value)


class _TemplateSandbox(SandboxedEnvironment):
    """Jinja's sandbox, also refusing the arithmetic that would exhaust memory or time
    (``"x" * 10**9``), huge numbers passed to functions and methods (``'a'.ljust(10**8)``), and
    more than ``MAX_CALLS`` calls in one rendering (a macro recursing wildly)."""

    intercepted_binops = frozenset({"*", "**"})

    def call(self, context, obj, /, *args, **kwargs):
        calls = _calls.get(None)
        if calls is not None:
            calls[0] += 1
            if calls[0] > MAX_CALLS:
                raise SecurityError(f"the template makes more than {MAX_CALLS} calls")
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT_CHARS:
                raise SecurityError(f"numbers above {MAX_OUTPUT_CHARS} are not allowed as arguments")
        return super().call(context, obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        if operator == "**" and (not isinstance(right, int | float) or abs(right) > 64):
            raise SecurityError("powers above 64 are not allowed in a message template")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_OUTPUT_CHARS:
                    raise SecurityError(f"the result would be longer than {MAX_OUTPUT_CHARS} characters")
        return super().call_binop(context, operator, left, right)


# The platform's own templates: .html escaped, .txt as written.
_defaults = _environment(Environment, lambda name: bool(name and name.endswith(".html")))
# A tenant's overrides: the sandbox (no attribute tricks, a small range()), one for text and one
# escaping for HTML.
_sandbox_text = _environment(_TemplateSandbox, False)
_sandbox_html = _environment(_TemplateSandbox, True)
for _sandbox in (_sandbox_text, _sandbox_html):
    _sandbox.globals.update(range=_small_range, lipsum=_small_lipsum, namespace=_SmallNamespace)
    _sandbox.filters.update(center=_small_center, indent=_small_indent)


def _loop_depth(node) -> int:
    """How deeply a template nests its for-loops (loops within loops multiply the work)."""
    own = 1 if isinstance(node, nodes.For) else 0
    return own + max((_loop_depth(child) for child in node.iter_child_nodes()), default=0)


@functools.lru_cache(maxsize=512)
def _compiled(part: str, source: str):
    env = _sandbox_html if part == "html" else _sandbox_text
    return env.from_string(source)


def _names(kind: str) -> tuple[str, str]:
    return f"{kind}.txt", f"{kind}.html"


def has_default(kind: str, locale: str) -> bool:
    return locale in LOCALES and all((TEMPLATES / name).is_file() for name in _names(kind))


_TRANS = re.compile(r"{%[+-]?\s*trans\b(?P<binds>.*?)-?%}(?P<body>.*?){%[+-]?\s*endtrans\s*[+-]?%}(?P<after>\n?)", re.S)
_GETTEXT = re.compile(r'\b(?:_\(|pgettext\("(?P<context>(?:[^"\\]|\\.)*)",\s*)"(?P<message>(?:[^"\\]|\\.)*)"\)')
_CONTEXT = re.compile(r'\s*"((?:[^"\\]|\\.)*)"\s*,?')
_BINDING = re.compile(r"(\w+)=(.*?)(?=,\s*\w+=|$)", re.S)
_VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


def with_words(source: str, locale: str) -> str:
    """A template with ``locale``'s words written in (``{% trans %}`` and ``_()`` replaced by the
    catalogue's text): the source a tenant starts from to word a message their own way."""
    words = translations(locale)

    def trans(match: re.Match) -> str:
        context = _CONTEXT.match(match["binds"])
        binds = {name: expr.strip() for name, expr in _BINDING.findall(match["binds"][context.end() if context else 0:].strip())}
        body = re.sub(r"\n[ \t]+$", "\n", match["body"].removeprefix("\n"))  # as trim_blocks and lstrip_blocks read it
        variables = _VARIABLE.findall(body)
        msgid = _VARIABLE.sub(lambda m: f"%({m[1]})s", body.replace("%", "%%") if variables else body)
        text = words.pgettext(context[1], msgid) if context else words.gettext(msgid)
        if variables:
            text = re.sub(r"%\((\w+)\)s", lambda m: "{{ " + binds.get(m[1], m[1]) + " }}", text).replace("%%", "%")
        return text

    def literal(match: re.Match) -> str:
        message = match["message"].encode().decode("unicode_escape") if "\\" in match["message"] else match["message"]
        text = words.pgettext(match["context"], message) if match["context"] is not None else words.gettext(message)
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return _GETTEXT.sub(literal, _TRANS.sub(trans, source))


def default_sources(kind: str, locale: str) -> dict[str, str]:
    """The platform's templates of a message in ``locale``, as a tenant starts an override from
    them: a shared template with the language's words written in (``with_words``)."""
    text, html = (with_words((TEMPLATES / name).read_text(encoding="utf-8"), locale) for name in _names(kind))
    match = re.search(r"{%-?\s*block subject\s*-?%}(.*?){%-?\s*endblock", text, re.S)
    return {"subject": match.group(1).strip() if match else "", "text": text, "html": html}


# --- rendering ----------------------------------------------------------------------------------


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


def _subject_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 400 else line[:399] + "…"


def _bounded(template, context: dict) -> str:
    """Render, refusing output beyond a sane size and more than ``MAX_CALLS`` calls (a tenant's
    template looping or recursing wild)."""
    parts, size = [], 0
    token = _calls.set([0])
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise SecurityError(f"the message grew beyond {MAX_OUTPUT_CHARS} characters")
            parts.append(chunk)
    finally:
        _calls.reset(token)
    return "".join(parts)


def _block(template, name: str, context: dict) -> str | None:
    block = template.blocks.get(name)
    if block is None:
        return None
    return "".join(block(template.new_context(context)))


def _render_default(kind: str, locale: str, context: dict) -> Rendered:
    text_name, html_name = _names(kind)
    with reading(locale):
        text_template = _defaults.get_template(text_name)
        subject = _subject_line(_block(text_template, "subject", context) or "")
        calendar = _block(text_template, "calendar", context)
        text = tidy_text(text_template.render(context))
        html = _defaults.get_template(html_name).render({**context, "subject": subject})
    return Rendered(locale, subject, text, html, _subject_line(calendar) if calendar else None)


def _render_part(part: str, source: str, context: dict) -> str:
    """One part of a tenant's template, in the sandbox (run in a limited process)."""
    with reading(context.get("locale") or FALLBACK):
        rendered = _bounded(_compiled(part, source), context)
    return _subject_line(rendered) if part == "subject" else tidy_text(rendered) if part == "text" else rendered


def _render_parts(context: dict, override: Override, default_subject: str) -> dict[str, str]:
    """Every part the tenant overrides (run in a limited process)."""
    done: dict[str, str] = {}
    for part in ("subject", "text", "html"):
        source = getattr(override, part)
        if source:
            done[part] = _render_part(part, source, {**context, "subject": done.get("subject", default_subject)}
                                      if part == "html" else context)
    return done


def limits() -> sandbox.Limits:
    settings = current()
    return sandbox.Limits(settings.template_seconds, settings.template_memory_mb, settings.template_workers)


def _render_override(kind: str, locale: str, context: dict, override: Override) -> Rendered:
    default = _render_default(kind, locale, context)
    done = sandbox.run(_render_parts, (context, override, default.subject), limits())
    return Rendered(locale, done.get("subject", default.subject), done.get("text", default.text),
                    done.get("html", default.html), default.calendar, overridden=True)


# A tenant's template that ran over its limits is not tried again for a while by this process:
# each try would cost the consumer the whole limit again.
OVER_LIMIT_PAUSE = 600.0
_over_limit: dict[Override, tuple[float, str]] = {}


def _fallback(kind: str, locale: str, values: dict, reason: str, label: str) -> Rendered:
    log.warning("the tenant's %s/%s template is not used (%s); the platform's is", locale, kind, reason,
                extra={"template": f"{locale}/{kind}", "template_fallback": reason})
    sandbox.TEMPLATE_FALLBACKS.labels("notify", kind, label).inc()
    return replace(_render_default(kind, locale, values),
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
                return _render_override(kind, locale, values, override)
            except sandbox.TemplateOverLimit as exc:
                now = time.monotonic()
                for stale in [o for o, (until, _) in _over_limit.items() if until <= now]:
                    del _over_limit[stale]
                _over_limit[override] = (now + OVER_LIMIT_PAUSE, exc.reason)
                return _fallback(kind, locale, values, exc.reason, exc.kind)
            except Exception as exc:  # whatever the template did, the message goes out in the platform's words
                return _fallback(kind, locale, values, f"failed: {_describe(exc)}", "error")
        return _render_default(kind, locale, values)
    raise LookupError(f"no template for {kind!r} in {', '.join(chain)}")


def render_page(page: str, locale: str, context: dict) -> str:
    """One of notify's own web pages (``_<page>.html``) in the reader's language, else English."""
    shown = next(candidate for candidate in locale_chain(locale) if candidate in LOCALES)
    with reading(shown):
        return _defaults.get_template(f"_{page}.html").render({**context, "locale": shown})


# --- checking a tenant's override ---------------------------------------------------------------


def _describe(exc: Exception) -> str:
    if isinstance(exc, TemplateSyntaxError):
        return f"line {exc.lineno}: {exc.message}"
    if isinstance(exc, SecurityError):
        return f"not allowed: {exc}"
    if isinstance(exc, sandbox.TemplateOverLimit):
        return f"too costly to render: it {exc.reason}"
    if isinstance(exc, RecursionError):
        return "it calls itself too deeply"
    return str(exc) or type(exc).__name__


def validate_override(kind: str, locale: str, override: Override, samples: Sequence[dict]) -> dict[str, list[str]]:
    """Errors per part (``subject``, ``text``, ``html``): the template must parse and render,
    in the sandbox and within the limits of time and memory, against every sample of the message
    (a mentee's and a mentor's)."""
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        return {"message": [f"unknown message {kind!r}"]}
    for part in ("subject", "text", "html"):
        source = getattr(override, part)
        if source is None:
            continue
        if not source.strip():
            errors[part] = ["must not be empty (leave it out to keep the default)"]
            continue
        if len(source) > MAX_TEMPLATE_CHARS:
            errors[part] = [f"longer than {MAX_TEMPLATE_CHARS} characters"]
            continue
        try:
            _compiled(part, source)
            if _loop_depth(_sandbox_text.parse(source)) > MAX_LOOP_DEPTH:
                errors[part] = [f"for-loops may be nested at most {MAX_LOOP_DEPTH} deep"]
        except TemplateSyntaxError as exc:
            errors[part] = [_describe(exc)]
    if errors:
        return errors
    bound = limits()
    for sample in samples:
        values = {**localize(sample, locale_chain(locale)), "locale": locale}
        subject = _render_default(kind, locale, values).subject
        # part by part, each in its own limited run, so that a refusal names the part at fault
        for part in ("subject", "text", "html"):
            source = getattr(override, part)
            if source is None:
                continue
            try:
                rendered = sandbox.run(_render_part, (part, source, {**values, "subject": subject} if part == "html" else values), bound)
            except Exception as exc:  # every failure is the template's, reported by part
                errors.setdefault(part, []).append(_describe(exc))
                return errors
            if part == "subject":
                if not rendered:
                    errors.setdefault("subject", []).append("renders empty")
                    return errors
                subject = rendered
    return errors


def preview(kind: str, locale: str, override: Override | None, sample: dict) -> Rendered:
    values = {**localize(sample, locale_chain(locale)), "locale": locale}
    return _render_override(kind, locale, values, override) if override else _render_default(kind, locale, values)
