"""The Jinja environments messages are rendered in: the platform's own templates, and Jinja's
sandbox for a tenant's, which also refuses what would grow without bound and counts its calls.
Both read the reader's words from the catalogues (``words``) and format with ``formatting``."""

from __future__ import annotations

import contextvars
import functools
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    nodes,
)
from jinja2.filters import do_center, do_indent
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import Namespace, generate_lorem_ipsum

from .. import sandbox
from .formatting import FILTERS
from .words import LOCALES, gettext, ngettext, npgettext, pgettext

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MAX_OUTPUT_CHARS = 200_000


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


def environment(cls: type[Environment], autoescape) -> Environment:
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
    env.install_gettext_callables(gettext, ngettext, newstyle=False, pgettext=pgettext, npgettext=npgettext)
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
defaults = environment(Environment, lambda name: bool(name and name.endswith(".html")))
# A tenant's overrides: the sandbox (no attribute tricks, a small range()), one for text and one
# escaping for HTML.
sandbox_text = environment(_TemplateSandbox, False)
sandbox_html = environment(_TemplateSandbox, True)
for _sandbox in (sandbox_text, sandbox_html):
    _sandbox.globals.update(range=_small_range, lipsum=_small_lipsum, namespace=_SmallNamespace)
    _sandbox.filters.update(center=_small_center, indent=_small_indent)


def loop_depth(node) -> int:
    """How deeply a template nests its for-loops (loops within loops multiply the work)."""
    own = 1 if isinstance(node, nodes.For) else 0
    return own + max((loop_depth(child) for child in node.iter_child_nodes()), default=0)


@functools.lru_cache(maxsize=512)
def compiled(part: str, source: str):
    env = sandbox_html if part == "html" else sandbox_text
    return env.from_string(source)


def bounded(template, context: dict) -> str:
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


def describe(exc: Exception) -> str:
    if isinstance(exc, TemplateSyntaxError):
        return f"line {exc.lineno}: {exc.message}"
    if isinstance(exc, SecurityError):
        return f"not allowed: {exc}"
    if isinstance(exc, sandbox.TemplateOverLimit):
        return f"too costly to render: it {exc.reason}"
    if isinstance(exc, RecursionError):
        return "it calls itself too deeply"
    return str(exc) or type(exc).__name__
