"""Checking a tenant's own version of a message before it is saved, and previewing it."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import TemplateSyntaxError

from .. import sandbox
from .composing import (
    Override,
    Rendered,
    limits,
    locale_chain,
    localize,
    render_default,
    render_override,
    render_part,
)
from .environment import MAX_LOOP_DEPTH, compiled, describe, loop_depth, sandbox_text
from .messages import KINDS

MAX_TEMPLATE_CHARS = 50_000


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
            compiled(part, source)
            if loop_depth(sandbox_text.parse(source)) > MAX_LOOP_DEPTH:
                errors[part] = [f"for-loops may be nested at most {MAX_LOOP_DEPTH} deep"]
        except TemplateSyntaxError as exc:
            errors[part] = [describe(exc)]
    if errors:
        return errors
    bound = limits()
    for sample in samples:
        values = {**localize(sample, locale_chain(locale)), "locale": locale}
        subject = render_default(kind, locale, values).subject
        # part by part, each in its own limited run, so that a refusal names the part at fault
        for part in ("subject", "text", "html"):
            source = getattr(override, part)
            if source is None:
                continue
            try:
                rendered = sandbox.run(render_part, (part, source, {**values, "subject": subject} if part == "html" else values), bound)
            except Exception as exc:  # every failure is the template's, reported by part
                errors.setdefault(part, []).append(describe(exc))
                return errors
            if part == "subject":
                if not rendered:
                    errors.setdefault("subject", []).append("renders empty")
                    return errors
                subject = rendered
    return errors


def preview(kind: str, locale: str, override: Override | None, sample: dict) -> Rendered:
    values = {**localize(sample, locale_chain(locale)), "locale": locale}
    return render_override(kind, locale, values, override) if override else render_default(kind, locale, values)
