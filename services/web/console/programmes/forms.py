"""A programme's and a cohort's settings as the coordinator types them, and the API's bodies made
from them.

A form is kept as typed (strings, and lists of rows for the meeting plan, professions, contacts,
member organisations, survey questions and group events), so that a refused form comes back filled
in. The buttons that add, remove or move a row post the form back with ``action`` naming what to
do (``add-plan``, ``up-plan-2``, ``remove-events-0``): the page then shows the form changed and
nothing is saved until the coordinator presses Save. A field's HTML id is its name, and the API's
field errors are turned into those ids.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ... import forms as front_forms

LOCALES = ("sv", "fi", "nb", "en")
# languages offered as tick boxes; any other ISO 639 code goes in the "other languages" field
COMMON_LANGUAGES = ("sv", "fi", "nb", "da", "en", "de", "fr", "es", "ar", "fa", "so", "ti", "uk", "ru", "pl", "tr")
CRITERIA = ("profession", "education_field", "sector", "location", "mother_tongue", "experience", "interests")
# the messages a programme may switch off (the others are always sent: decisions, links, invitations)
OPTIONAL_MESSAGES = ("agreement_signed", "meeting_reminder", "meeting_nudge", "event_reminder", "survey_due", "announcement")
QUESTION_KINDS = ("yes_no", "choice", "scale", "text")
EVENT_KINDS = ("training", "kick_off", "half_day", "closing", "other")
SURVEYS = ("midpoint", "closing")
TIME_ZONES = sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith(("Etc/", "SystemV/")))

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


# --- the programme ---------------------------------------------------------------------------------


def programme_form(programme: dict | None = None) -> dict:
    """The form of every section filled from the programme (or empty, for a new one)."""
    p = programme or {}
    weights = p.get("matching_weights") or {}
    messages = p.get("messages") or {}
    surveys = p.get("surveys") or {}
    return {
        "name": {code: (p.get("name") or {}).get(code, "") for code in LOCALES},
        "description": {code: (p.get("description") or {}).get(code, "") for code in LOCALES},
        "locale": p.get("locale", "sv"),
        "languages": p.get("languages", ["sv"]),
        "required_mentor_languages": p.get("required_mentor_languages", []),
        "professions": [{"profession": f"{x.get('title') or x['code']} ({x['code']})"} for x in p.get("professions", [])]
        or [BLANK["professions"]() for _ in range(5)],
        "duration_months": str(p.get("duration_months", 6)),
        "meeting_every_months": str(p.get("meeting_every_months", 1)),
        "meeting_minutes": str(p.get("meeting_minutes", 120)),
        "plan": [{"title": {c: topic["title"].get(c, "") for c in LOCALES},
                  "checklist": {c: "\n".join(item.get(c, "") for item in topic["checklist"]) for c in LOCALES}}
                 for topic in p.get("meeting_plan", [])],
        "weights": {name: _plain(weights.get(name, 0)) for name in CRITERIA},
        "matching_mode": p.get("matching_mode", "optimal"),
        "match_when_closed": bool(p.get("match_when_closed")),
        "reminder_days": ", ".join(str(d) for d in p.get("reminder_days", [3, 1])),
        "share_contact_details": p.get("share_contact_details", ["email"]),
        "messages": {kind: messages.get(kind, True) for kind in OPTIONAL_MESSAGES},
        "contacts": [{k: c.get(k) or "" for k in ("name", "email", "phone", "role")} for c in p.get("contacts", [])],
        "orgs": [{"id": o["id"], "name": o["name"]} for o in p.get("member_organisations", [])],
        "midpoint": [_question_form(q) for q in surveys.get("midpoint", [])],
        "closing": [_question_form(q) for q in surveys.get("closing", [])],
        "min_report_group": str(p.get("min_report_group", 5)),
        "notice": {code: (p.get("notice") or {}).get(code, "") for code in LOCALES},
    }


def _plain(number) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _question_form(q: dict) -> dict:
    return {"id": q["id"], "kind": q["kind"], "roles": list(q["roles"]), "choices": "\n".join(q.get("choices") or []),
            "text": {c: q["text"].get(c, "") for c in LOCALES}}


def typed_programme(section: str, form: MultiDict, start: dict | None = None) -> dict:
    """The form of one section as typed, over ``start`` (the programme's other sections)."""
    typed = dict(start or programme_form())
    if section in ("basics", "new"):
        typed.update(
            name=_localized(form, "name"), description=_localized(form, "description"), locale=form.get("locale", "sv"),
            languages=_codes(form, "languages"), required_mentor_languages=_codes(form, "required_mentor_languages"),
            professions=[{"profession": form.get(f"professions-{i}", "").strip()} for i in _rows_flat(form, "professions")],
            duration_months=form.get("duration_months", ""), meeting_every_months=form.get("meeting_every_months", ""),
            meeting_minutes=form.get("meeting_minutes", ""))
    elif section == "plan":
        typed["plan"] = [{"title": _localized(form, f"plan-{i}-title"), "checklist": {
            c: form.get(f"plan-{i}-checklist-{c}", "") for c in LOCALES}} for i in _rows(form, "plan")]
    elif section == "matching":
        typed.update(weights={name: form.get(f"weights-{name}", "") for name in CRITERIA},
                     matching_mode=form.get("matching_mode", "optimal"), match_when_closed=form.get("match_when_closed") == "yes")
    elif section == "messages":
        typed.update(reminder_days=form.get("reminder_days", ""), share_contact_details=form.getlist("share_contact_details"),
                     messages={kind: form.get(f"messages-{kind}") == "yes" for kind in OPTIONAL_MESSAGES})
    elif section == "contacts":
        typed["contacts"] = [{k: form.get(f"contacts-{i}-{k}", "").strip() for k in ("name", "email", "phone", "role")}
                             for i in _rows(form, "contacts")]
        typed["orgs"] = [{k: form.get(f"orgs-{i}-{k}", "").strip() for k in ("id", "name")} for i in _rows(form, "orgs")]
    elif section == "surveys":
        for kind in SURVEYS:
            typed[kind] = [{"id": form.get(f"{kind}-{i}-id", "").strip(), "kind": form.get(f"{kind}-{i}-kind", "yes_no"),
                            "roles": form.getlist(f"{kind}-{i}-roles"), "choices": form.get(f"{kind}-{i}-choices", ""),
                            "text": _localized(form, f"{kind}-{i}-text")} for i in _rows(form, kind)]
        typed["min_report_group"] = form.get("min_report_group", "")
    elif section == "pause":
        typed["notice"] = _localized(form, "notice")
    return typed


def _rows_flat(form: MultiDict, name: str) -> list[int]:
    pattern = re.compile(rf"^{name}-(\d+)$")
    return sorted({int(m.group(1)) for key in form for m in [pattern.match(key)] if m})


def programme_body(section: str, typed: dict) -> dict:
    """What the API takes for one section of the form (a new programme: the basics)."""
    if section in ("basics", "new"):
        body = {"name": _filled(typed["name"]), "description": _filled(typed["description"]), "locale": typed["locale"],
                "languages": typed["languages"], "required_mentor_languages": typed["required_mentor_languages"],
                "professions": [_profession(row["profession"]) for row in typed["professions"] if row["profession"]]}
        for name in ("duration_months", "meeting_every_months", "meeting_minutes"):
            body[name] = _int(typed[name])
        if section == "new" and not body["description"]:
            body.pop("description")
        return body
    if section == "plan":
        plan = []
        for topic in typed["plan"]:
            lines = {c: _lines(topic["checklist"][c]) for c in LOCALES}
            longest = max((len(v) for v in lines.values()), default=0)
            checklist = [_filled({c: (lines[c][k] if k < len(lines[c]) else "") for c in LOCALES}) for k in range(longest)]
            plan.append({"title": _filled(topic["title"]), "checklist": [item for item in checklist if item]})
        return {"meeting_plan": plan}
    if section == "matching":
        return {"matching_weights": {name: _number(value) for name, value in typed["weights"].items()},
                "matching_mode": typed["matching_mode"], "match_when_closed": typed["match_when_closed"]}
    if section == "messages":
        days = [_int(d) for d in re.split(r"[,\s]+", typed["reminder_days"]) if d.strip()]
        return {"reminder_days": days, "share_contact_details": typed["share_contact_details"],
                "messages": dict(typed["messages"])}
    if section == "contacts":
        return {"contacts": [{**{k: c[k] for k in ("name", "email")}, "phone": c["phone"] or None, "role": c["role"] or None}
                             for c in typed["contacts"] if any(c.values())],
                "member_organisations": [o for o in typed["orgs"] if any(o.values())]}
    if section == "surveys":
        body = {kind: [{"id": q["id"], "kind": q["kind"], "roles": q["roles"], "text": _filled(q["text"]),
                        **({"choices": [c for c in _lines(q["choices"]) if c]} if q["kind"] == "choice" else {})}
                       for q in typed[kind]] for kind in SURVEYS}
        return {"surveys": body, "min_report_group": _int(typed["min_report_group"])}
    if section == "pause":
        return {"notice": _filled(typed["notice"]) or None}
    raise ValueError(section)


def _profession(typed: str) -> dict:
    found = front_forms.PROFESSION.search(typed)
    if found:
        return {"code": found.group(1), "title": typed[: found.start()].strip()}
    return {"code": typed if typed.isdigit() else typed, "title": ""}


# --- the cohort ------------------------------------------------------------------------------------


def _local(value: str | None, time_zone: str) -> str:
    """An instant as the form's ``datetime-local`` value in the cohort's time zone."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(time_zone))
    return moment.strftime("%Y-%m-%dT%H:%M")


def cohort_form(cohort: dict | None = None) -> dict:
    c = cohort or {}
    zone = c.get("time_zone", "Europe/Stockholm")
    return {
        "name": c.get("name", ""), "time_zone": zone,
        "applications_open_at": _local(c.get("applications_open_at"), zone),
        "application_deadline": _local(c.get("application_deadline"), zone),
        "nomination_deadline": _local(c.get("nomination_deadline"), zone),
        "starts_on": c.get("starts_on", ""), "ends_on": c.get("ends_on", ""),
        "mentee_places": str(c.get("mentee_places", 20)), "mentor_places": str(c.get("mentor_places") or ""),
        "admission": c.get("admission", "first_come"),
        "events": [{"id": e["id"], "kind": e["kind"], "title": {x: (e.get("title") or {}).get(x, "") for x in LOCALES},
                    "starts_at": _local(e["starts_at"], zone), "ends_at": _local(e["ends_at"], zone),
                    "venue": e.get("venue") or "", "mandatory": bool(e.get("mandatory"))} for e in c.get("group_events", [])],
    }


def typed_cohort(form: MultiDict) -> dict:
    typed = {name: form.get(name, "").strip() for name in (
        "name", "time_zone", "applications_open_at", "application_deadline", "nomination_deadline", "starts_on", "ends_on",
        "mentee_places", "mentor_places", "admission")}
    typed["events"] = [{"id": form.get(f"events-{i}-id", ""), "kind": form.get(f"events-{i}-kind", "other"),
                        "title": _localized(form, f"events-{i}-title"), "starts_at": form.get(f"events-{i}-starts_at", ""),
                        "ends_at": form.get(f"events-{i}-ends_at", ""), "venue": form.get(f"events-{i}-venue", "").strip(),
                        "mandatory": form.get(f"events-{i}-mandatory") == "yes"} for i in _rows(form, "events")]
    return typed


def _aware(local: str, time_zone: str) -> str:
    """A ``datetime-local`` value in the cohort's time zone as an instant with its offset."""
    try:
        moment = datetime.fromisoformat(local)
    except ValueError:
        return local  # the API says it is no date
    if time_zone in available_timezones():
        moment = moment.replace(tzinfo=ZoneInfo(time_zone))
    return moment.isoformat()


def cohort_body(typed: dict, new: bool) -> dict:
    zone = typed["time_zone"]
    body = {"name": typed["name"], "time_zone": zone, "admission": typed["admission"],
            "mentee_places": _int(typed["mentee_places"]), "mentor_places": _int(typed["mentor_places"]) if typed["mentor_places"] else None}
    for name in ("starts_on", "ends_on"):
        if typed[name] or not new:
            body[name] = typed[name] or None
    for name in ("applications_open_at", "application_deadline", "nomination_deadline"):
        if typed[name]:
            body[name] = _aware(typed[name], zone)
        elif not new:
            body[name] = None
    events = []
    for e in typed["events"]:
        if not (e["starts_at"] or e["ends_at"] or any(e["title"].values()) or e["venue"]) and not e["id"]:
            continue  # an empty row left as it was
        event = {"kind": e["kind"], "title": _filled(e["title"]), "starts_at": e["starts_at"] or None,
                 "ends_at": e["ends_at"] or None, "venue": e["venue"], "mandatory": e["mandatory"]}
        if e["id"]:
            event["id"] = e["id"]
        events.append(event)
    body["group_events"] = events
    return body


# --- the API's field errors beside the fields ------------------------------------------------------

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
