"""Programmes: their settings (with the defaults of a new one) and their status."""

from __future__ import annotations

import copy
import uuid
from datetime import datetime

from services.shared.errors import GONE, Refused

from .defaults import (
    CLOSED_NOTICE,
    MATCHING_WEIGHTS,
    MEETING_PLAN,
    MIN_REPORT_GROUP,
    PAUSE_NOTICE,
    SURVEYS,
)

PROGRAMME_STATUSES = ("open", "paused", "closed")

# column -> default for a new programme (the API's field names differ only in name/description)
DEFAULTS = {
    "descriptions": {},
    "locale": "sv",
    "required_mentor_languages": [],
    "professions": [],
    "duration_months": 6,
    "meeting_every_months": 1,
    "meeting_minutes": 120,
    "meeting_plan": MEETING_PLAN,
    "matching_weights": MATCHING_WEIGHTS,
    "matching_mode": "optimal",
    "match_when_closed": False,
    "reminder_days": [3, 1],
    "share_contact_details": ["email"],
    "contacts": [],
    "member_organisations": [],
    "surveys": SURVEYS,
    "min_report_group": MIN_REPORT_GROUP,
    "notice": PAUSE_NOTICE,
    "messages": {},
}


def columns(body: dict) -> dict:
    """The programme's columns from the API's fields (which differ only in name/description)."""
    values = dict(body)
    if "name" in values:
        values["names"] = {k: v for k, v in values.pop("name").items() if v}
    if "description" in values:
        values["descriptions"] = values.pop("description")
    if "matching_weights" in values:
        values["matching_weights"] = {**MATCHING_WEIGHTS, **values["matching_weights"]}
    return values


def new_programme(tenant: str, body: dict, now: datetime) -> dict:
    """A new programme of ``tenant``: the defaults with the settings ``body`` gives, open."""
    values = {**copy.deepcopy(DEFAULTS), **columns(body)}
    values.setdefault("languages", [values["locale"]])
    return {"id": str(uuid.uuid4()), "tenant": tenant, "status": "open", "created_at": now, "updated_at": now, **values}


def status_change(programme, status: str, now: datetime, notice: dict | None = None) -> dict:
    """The columns that change when the programme takes ``status`` (a pause shows a notice)."""
    if status not in PROGRAMME_STATUSES:
        raise ValueError(status)
    values = {"status": status, "updated_at": now}
    if status == "paused":
        values["notice"] = notice or programme["notice"] or PAUSE_NOTICE
    return values


def localized(texts: dict | None, asked: str | None, fallback: str) -> str:
    """Text in the asked language, else the programme's, else English, else any."""
    texts = texts or {}
    for locale in (asked, fallback, "en", *texts):
        if locale and texts.get(locale):
            return texts[locale]
    return ""


def public_notice(programme, asked: str | None) -> str | None:
    """What the public sees instead of a form when the programme is not open."""
    if programme["status"] == "paused":
        return localized(programme["notice"], asked, programme["locale"]) or localized(PAUSE_NOTICE, asked, programme["locale"])
    if programme["status"] == "closed":
        return localized(CLOSED_NOTICE, asked, programme["locale"])
    return None


class NotOpen(Refused):
    """A paused programme's notice (the public comes back later) or a closed one's: the
    programme takes nothing in; ``status`` is which."""

    kind = GONE

    def __init__(self, notice: str, status: str):
        super().__init__(notice, {"programme": [status]})
        self.status = status


def refuse_unless_open(programme, asked: str | None) -> None:
    """Refused with its notice, in the asked language, unless the programme is open."""
    notice = public_notice(programme, asked)
    if notice:
        raise NotOpen(notice, programme["status"])


def to_api(row) -> dict:
    out = dict(row)
    out["name"] = out.pop("names")
    out["description"] = out.pop("descriptions")
    return out
