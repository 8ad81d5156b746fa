"""The API's field errors beside the form's fields, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _

from .... import forms as front_forms

RENAMED = {"meeting_plan": "plan", "group_events": "events", "member_organisations": "orgs", "matching_weights": "weights"}


def field_errors(api_errors: dict) -> dict[str, str]:
    """The API's field errors as {html id: message in the reader's language}, the first of each."""
    found: dict[str, str] = {}
    for path, message in front_forms.flatten(api_errors):
        target = field_id(path)
        if target not in found:
            found[target] = translated(target, message)
    return found


def field_id(path: tuple[str, ...]) -> str:
    head, *rest = path
    if head == "surveys" and rest:
        head, *rest = rest
    if head == "professions" and rest:
        return f"professions-{rest[0]}"  # the code and title are one field
    if head == "meeting_plan" and len(rest) >= 3 and rest[1] == "checklist":
        return f"plan-{rest[0]}-checklist-{rest[3] if len(rest) > 3 else 'sv'}"
    if head == "languages" or head == "required_mentor_languages":
        return head
    return "-".join([RENAMED.get(head, head), *rest])


def translated(field: str, message: str) -> str:
    if message == "give the text in at least one of sv, fi, nb, en":
        return _("Write the text in at least one language.")
    if message == "is in the past":
        return _("This date has passed. Choose a later one.")
    if message.startswith("must be after"):
        return _("This must be later than the start.")
    if message in ("Not a valid datetime.", "Not a valid aware datetime.", "Not a valid date."):
        return _("Enter a date and time.") if "datetime" in message else _("Enter a date.")
    if message.startswith("Not a valid number."):
        return _("Enter a number.")
    if "is not an ISO 639" in message:
        return _("Write languages as two-letter codes, like sv or en.")
    if "IANA time zone" in message:
        return _("Choose a time zone from the list, like Europe/Stockholm.")
    if message == "lowercase letters, digits and dashes":
        return _("Use lowercase letters, digits and dashes only.")
    if message.startswith("String does not match expected pattern"):
        return _("Use lowercase letters a–z and underscores only.")
    if message.startswith("Length must be") or message.startswith("Shorter than minimum length") and field in ("languages",):
        return _("Choose at least one.")
    return front_forms.translated(field, message)
