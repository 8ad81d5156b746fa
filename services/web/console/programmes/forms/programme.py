"""A programme's settings as the coordinator types them, section by section, and the API's body."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from .... import forms as front_forms
from .rows import BLANK, LOCALES, _codes, _filled, _int, _lines, _localized, _number, _rows

CRITERIA = ("profession", "education_field", "sector", "location", "mother_tongue", "experience", "interests")
# the messages a programme may switch off (the others are always sent: decisions, links, invitations)
OPTIONAL_MESSAGES = ("agreement_signed", "meeting_reminder", "meeting_nudge", "event_reminder", "survey_due", "announcement")
QUESTION_KINDS = ("yes_no", "choice", "scale", "text")
SURVEYS = ("midpoint", "closing")


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
