"""The source a tenant starts from to word a message their own way: the platform's template with
the language's words written in."""

from __future__ import annotations

import re

from .environment import TEMPLATES
from .words import translations


def names(kind: str) -> tuple[str, str]:
    return f"{kind}.txt", f"{kind}.html"


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
    text, html = (with_words((TEMPLATES / name).read_text(encoding="utf-8"), locale) for name in names(kind))
    match = re.search(r"{%-?\s*block subject\s*-?%}(.*?){%-?\s*endblock", text, re.S)
    return {"subject": match.group(1).strip() if match else "", "text": text, "html": html}
