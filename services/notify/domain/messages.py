"""Rendering messages from the templates of the recipient's language (then English)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FALLBACK = "en"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Rendered:
    locale: str
    subject: str
    text: str


def render(message: str, locale: str, context: dict) -> Rendered:
    """Render ``message`` in ``locale``, or in English where that language has no template."""
    for candidate in (locale, FALLBACK):
        try:
            template = _env.get_template(f"{candidate}/{message}.txt")
        except TemplateNotFound:
            continue
        subject_line, _, body = template.render(**context).partition("\n")
        return Rendered(candidate, subject_line.removeprefix("Subject:").strip(), body.lstrip("\n"))
    raise LookupError(f"no template for {message}")
