"""What scheduling keeps of intake's cohorts and people, as rules on plain values: which of a
programme's settings it keeps, and which of a snapshot's group events continues which event it
has (so that an occasion keeps its calendar UID). ``usecases.projection`` applies the events."""

from __future__ import annotations

from .messages import ERASED_EMAIL

# what scheduling keeps of a programme's settings
PROGRAMME_KEYS = ("id", "name", "locale", "languages", "duration_months", "meeting_every_months", "meeting_minutes",
                  "meeting_plan", "reminder_days", "share_contact_details", "messages")
ERASED = "erased"
# what in a cohort's snapshot shapes its pairs' plans
PLAN_KEYS = ("starts_on", "ends_on", "time_zone")
PROGRAMME_PLAN_KEYS = ("meeting_every_months", "meeting_plan")

EVENT_FIELDS = ("kind", "title", "starts_at", "ends_at", "venue", "mandatory")


def outbox_scrub(people: list[dict], texts: list[str]) -> tuple[list[str], dict[str, str]]:
    """What an erasure takes from the outbox: the events that name these people (by application
    id or address), and in those still waiting to be sent, their name, address and phone number
    replaced, and the free texts of their pairs (``texts``: places, reasons) emptied —
    (needles, replacements)."""
    needles = [p["application_id"] for p in people] + [p["email"] for p in people if p.get("email")]
    replacements: dict[str, str] = {text: "" for text in texts if text}
    for p in people:
        if p.get("email"):
            replacements[p["email"]] = ERASED_EMAIL
        if p.get("phone"):
            replacements[p["phone"]] = ""
        if p.get("name") and p["name"] != ERASED:
            replacements[p["name"]] = ERASED
    return needles, replacements


def match_events(existing: list[dict], incoming: list[dict]) -> dict[str, dict]:
    """incoming id -> the row it continues: the same intake id first (intake keeps an event's id
    when the coordinator sends it back); for an event sent again without its id, the same kind
    at the same time, or else the same kind with the same title (an occasion that moved), is
    the same occasion and keeps its calendar UID."""
    by_source = {r["source_id"]: r for r in existing}
    matched = {g["id"]: by_source[g["id"]] for g in incoming if g["id"] in by_source}
    free = [r for r in existing if r["source_id"] not in matched and r["status"] == "scheduled"]
    for same in (lambda r, g: (r["starts_at"], r["ends_at"]) == (g["starts_at"], g["ends_at"]),
                 lambda r, g: (r["title"] or {}) == (g.get("title") or {})):
        for g in incoming:
            if g["id"] in matched:
                continue
            row = next((r for r in free if r["kind"] == g["kind"] and same(r, g)), None)
            if row is not None:
                matched[g["id"]] = row
                free.remove(row)
    return matched


def replan_needed(before: dict | None, cohort: dict) -> bool:
    """Whether the cohort's pairs' plans follow a change: its dates, time zone, cadence or
    meeting-plan template changed, or it has finished (every pair moves to finished)."""
    if before is not None and (
        any(before[k] != cohort[k] for k in PLAN_KEYS)
        or any((before["programme"] or {}).get(k) != cohort["programme"].get(k) for k in PROGRAMME_PLAN_KEYS)
    ):
        return True
    return cohort["status"] == "finished"
