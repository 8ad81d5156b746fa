"""What the programme's and the cohort's forms share: their languages, the rows of their lists and
the buttons that add, remove or move a row, and reading what was typed."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

LOCALES = ("sv", "fi", "nb", "en")
# languages offered as tick boxes; any other ISO 639 code goes in the "other languages" field
COMMON_LANGUAGES = ("sv", "fi", "nb", "da", "en", "de", "fr", "es", "ar", "fa", "so", "ti", "uk", "ru", "pl", "tr")

# the rows each list starts a new entry with
BLANK = {
    "professions": lambda: {"profession": ""},
    "plan": lambda: {"title": dict.fromkeys(LOCALES, ""), "checklist": dict.fromkeys(LOCALES, "")},
    "contacts": lambda: {"name": "", "email": "", "phone": "", "role": ""},
    "orgs": lambda: {"id": "", "name": ""},
    "midpoint": lambda: {"id": "", "kind": "yes_no", "roles": ["mentee"], "choices": "", "text": dict.fromkeys(LOCALES, "")},
    "closing": lambda: {"id": "", "kind": "yes_no", "roles": ["mentee"], "choices": "", "text": dict.fromkeys(LOCALES, "")},
    "events": lambda: {"id": "", "kind": "half_day", "title": dict.fromkeys(LOCALES, ""), "starts_at": "", "ends_at": "",
                       "venue": "", "mandatory": False},
}
ACTION = re.compile(r"^(add|remove|up|down)-([a-z]+)(?:-(\d+))?$")


def change_rows(form: dict, action: str) -> bool:
    """Do what a row button asks (add, remove, move up or down); False when ``action`` is none."""
    found = ACTION.match(action or "")
    if not found or found.group(2) not in BLANK:
        return False
    verb, name, index = found.group(1), found.group(2), found.group(3)
    rows = form.setdefault(name, [])
    if verb == "add":
        rows.append(BLANK[name]())
        return True
    i = int(index or 0)
    if i >= len(rows):
        return True
    if verb == "remove":
        rows.pop(i)
    elif verb == "up" and i > 0:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    elif verb == "down" and i + 1 < len(rows):
        rows[i + 1], rows[i] = rows[i], rows[i + 1]
    return True


def _localized(form: MultiDict, prefix: str) -> dict:
    return {code: form.get(f"{prefix}-{code}", "").strip() for code in LOCALES}


def _filled(texts: dict) -> dict:
    return {code: text for code, text in texts.items() if text}


def _rows(form: MultiDict, name: str) -> list[int]:
    """The indexes of the rows of list ``name`` the form posted (``<name>-<i>-...``)."""
    pattern = re.compile(rf"^{name}-(\d+)-")
    return sorted({int(m.group(1)) for key in form for m in [pattern.match(key)] if m})


def _codes(form: MultiDict, name: str) -> list[str]:
    ticked = form.getlist(name)
    other = [code.strip().lower() for code in re.split(r"[,\s]+", form.get(f"{name}-other", "")) if code.strip()]
    return list(dict.fromkeys([*ticked, *other]))


def split_codes(codes: list[str]) -> tuple[list[str], str]:
    """Languages as the form shows them: the ticked common ones, and the others as typed codes."""
    return [c for c in codes if c in COMMON_LANGUAGES], ", ".join(c for c in codes if c not in COMMON_LANGUAGES)


def _int(value: str):
    value = (value or "").strip()
    return int(value) if re.fullmatch(r"-?\d+", value) else value  # not a number: sent as typed, the API says why


def _number(value: str):
    value = (value or "").strip().replace(",", ".")
    try:
        return float(value)
    except ValueError:
        return value


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines()]
