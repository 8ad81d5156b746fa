"""The application form as the person typed it, the API's body made from it, and the API's field
errors turned into messages beside the fields, in the reader's language.

A field's HTML ``id`` is the API's field name (``languages-0-level`` for the first row's level),
so the error summary links straight to the field the API names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from services.shared.contract.events.shapes import CEFR_LEVELS

LANGUAGE_ROWS = 3  # rows shown at first; "add another language" adds one
MAX_LANGUAGE_ROWS = 20
LEVELS = CEFR_LEVELS
EDUCATION_LEVELS = ("bachelor", "master", "doctoral", "vocational", "other")
TEXT_FIELDS = ("name", "email", "phone", "locale", "education_field", "education_level", "education_country",
               "experience_years", "city", "interests", "employer", "capacity")
PROFESSION = re.compile(r"\((\d{4})\)\s*$")  # "Nationalekonomer (2631)", as the list offers them


@dataclass
class ApplicationForm:
    """What was typed, kept as typed, so a refused form comes back filled in."""

    values: dict = field(default_factory=dict)
    languages: list[dict] = field(default_factory=list)
    mentoring_languages: list[str] = field(default_factory=list)
    remote_ok: bool = False
    consent: bool = False

    @classmethod
    def empty(cls, locale: str, **values) -> ApplicationForm:
        return cls(values={"locale": locale, **values}, languages=[{"language": "", "level": ""}] * LANGUAGE_ROWS)

    @classmethod
    def typed(cls, form: MultiDict) -> ApplicationForm:
        rows = min(_int(form.get("language_rows"), LANGUAGE_ROWS), MAX_LANGUAGE_ROWS)
        return cls(
            values={name: form.get(name, "").strip() for name in (*TEXT_FIELDS, "profession", "wished_profession")},
            languages=[{"language": form.get(f"languages-{i}-language", ""), "level": form.get(f"languages-{i}-level", "")}
                       for i in range(rows)],
            mentoring_languages=form.getlist("mentoring_languages"),
            remote_ok=form.get("remote_ok") == "yes",
            consent=form.get("consent") == "yes",
        )

    def add_language_row(self) -> None:
        if len(self.languages) < MAX_LANGUAGE_ROWS:
            self.languages.append({"language": "", "level": ""})

    def body(self, role: str | None, consent_version: str) -> tuple[dict, list[int]]:
        """The API's body (empty answers left out, so the API names what is missing) and, for each
        language it receives, the form row it came from. ``role`` None is the nominated mentor's form."""
        body = {name: value for name, value in self.values.items()
                if value and name in TEXT_FIELDS and name not in ("experience_years", "capacity")}
        for name in ("experience_years", "capacity"):
            if self.values.get(name):
                body[name] = _int(self.values[name], self.values[name])  # a non-number goes as typed: the API says why
        if role:
            body["role"] = role
        else:  # the nominated mentor's form: name and e-mail are the nomination's
            body.pop("name", None), body.pop("email", None)
        rows = [i for i, row in enumerate(self.languages) if row["language"] or row["level"]]
        body["languages"] = [self.languages[i] for i in rows]
        body["mentoring_languages"] = self.mentoring_languages
        name = "profession" if role != "mentee" else "wished_profession"
        if self.values.get(name):
            body[name] = _profession(self.values[name])
        body["remote_ok"] = self.remote_ok
        body["consent"] = {"given": self.consent, "text_version": consent_version}
        return body, rows


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _profession(typed: str) -> dict:
    found = PROFESSION.search(typed)
    if found:
        return {"code": found.group(1), "title": typed[: found.start()].strip()}
    return {"code": typed if typed.isdigit() else "", "title": typed}


def field_errors(api_errors: dict, rows: list[int]) -> dict[str, str]:
    """The API's field errors as {html id: message}, the first message of each field."""
    found: dict[str, str] = {}
    for path, message in flatten(api_errors):
        target = _field_id(path, rows)
        if target and target not in found:
            found[target] = translated(target, message)
    return found


def flatten(errors, path=()):
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from flatten(value, (*path, str(key)))
    elif isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        yield path, errors[0]
    elif isinstance(errors, list):
        for i, value in enumerate(errors):
            yield from flatten(value, (*path, str(i)))
    elif isinstance(errors, str):
        yield path, errors


def _field_id(path: tuple[str, ...], rows: list[int]) -> str | None:
    if not path:
        return None
    head = path[0]
    if head == "languages":
        if len(path) >= 3 and path[1].isdigit() and int(path[1]) < len(rows):
            part = path[2] if path[2] in ("language", "level") else "language"
            return f"languages-{rows[int(path[1])]}-{part}"
        return "languages-0-language"
    return head  # nested ones (consent.given, profession.code) are answered by one field


def missing(field_id: str) -> str:
    messages = {
        "name": _("Enter your full name."),
        "email": _("Enter your e-mail address."),
        "locale": _("Choose the language we write to you in."),
        "mentoring_languages": _("Choose at least one language for the mentoring."),
        "wished_profession": _("Choose the profession you want to work in."),
        "profession": _("Choose your profession."),
        "employer": _("Enter your employer."),
        "education_field": _("Enter what you studied."),
        "education_level": _("Choose your level of education."),
        "education_country": _("Choose the country where you studied."),
        "consent": _("Tick the box to agree. We cannot take your application without it."),
    }
    if field_id.startswith("languages-"):
        return _("Add a language you speak, and how well you speak it.")
    return messages.get(field_id, _("Answer this question."))


def translated(field_id: str, message: str) -> str:
    """The API's reason in the reader's language where we know it; else the API's own words."""
    if message in ("Missing data for required field.", "Field may not be null.", "Shorter than minimum length 1.",
                   "needed for a mentee", "needed for a mentor", "consent to processing is needed to apply"):
        return missing(field_id)
    if message == "Not a valid email address.":
        return _("Enter an e-mail address like name@example.com.")
    if message == "already applied":
        return _("This e-mail address has already applied to this cohort.")
    if message == "not a phone number":
        return _("Enter a phone number like +46 70 123 45 67.")
    if message == "Not a valid integer.":
        return _("Enter a whole number.")
    if message.startswith("Must be greater than or equal to"):
        low, high = re.findall(r"-?\d+", message)[:2] or ("", "")
        return _("Enter a number from %(low)s to %(high)s.", low=low, high=high)
    if message.startswith("Longer than maximum length"):
        return _("This is too long. Shorten it.")
    if message.startswith("Must be one of") or "is not an ISO 639" in message or "is not an ISO 3166" in message:
        return _("Choose one of the options in the list.")
    if "is not a known ISCO-08" in message or "ISCO" in message:
        return _("Choose a profession from the list.")
    if message.startswith("the text") and "may not contain" in message:
        return _("Remove the special characters from this text.")
    return message

