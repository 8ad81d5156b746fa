"""Text fields for every service's schemas: bounded in length and free of control characters.

People's names and programme texts end up in e-mail bodies, calendars and CSV exports. A CR/LF
in a name breaks a mail's layout, a bidi override turns what a mentor reads around, an ANSI escape
or NUL corrupts logs and exports. So a single-line text refuses every control and format
character; a multi-line text keeps line breaks and tabs, normalised to ``\\n``, and refuses the
rest. Both are NFC-normalised and refuse lone surrogates, which no database can store.
"""

from __future__ import annotations

import unicodedata

from marshmallow import ValidationError, fields, validate

# Defaults that fit what people write: a name, a title, a paragraph, a long description.
NAME = 200
TITLE = 300
PARAGRAPH = 4_000
DOCUMENT = 20_000

_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n"}


def _refused_character(text: str, multiline: bool) -> str | None:
    for char in text:
        if multiline and char in "\n\t":
            continue
        category = unicodedata.category(char)
        if category == "Cs":
            return "a lone surrogate (text that is not valid Unicode)"
        if category in ("Cc", "Cf") and char != "\u200d":  # ZWJ joins emoji and Indic scripts
            return f"the control character U+{ord(char):04X}"
    return None


def clean_text(value: str, *, multiline: bool = False) -> str:
    """The text as stored: line breaks unified, NFC; a ``ValidationError`` names what was refused."""
    if multiline:
        for old, new in _LINE_BREAKS.items():
            value = value.replace(old, new)
    refused = _refused_character(value, multiline)
    if refused:
        where = "" if multiline else " (a single line)"
        raise ValidationError(f"the text{where} may not contain {refused}")
    return unicodedata.normalize("NFC", value)


class Text(fields.String):
    """A bounded, cleaned text: ``Text(max_length=200)``, ``Text(multiline=True, max_length=4000)``."""

    def __init__(self, *, max_length: int = NAME, min_length: int | None = None,
                 multiline: bool = False, **kwargs):
        self.multiline = multiline
        checks = [validate.Length(min=min_length, max=max_length)]
        extra = kwargs.pop("validate", None)
        if extra is not None:
            checks.extend(extra if isinstance(extra, list | tuple) else [extra])
        super().__init__(validate=checks, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        return clean_text(text, multiline=self.multiline)
