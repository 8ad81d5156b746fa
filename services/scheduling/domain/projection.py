"""What scheduling keeps of intake's cohorts and people, as rules on plain values: which of a
programme's settings it keeps, and which of a snapshot's group events continues which event it
has (so that an occasion keeps its calendar UID). ``usecases.projection`` applies the events."""

from __future__ import annotations

# what scheduling keeps of a programme's settings
PROGRAMME_KEYS = ("id", "name", "locale", "languages", "duration_months", "meeting_every_months", "meeting_minutes",
                  "meeting_plan", "reminder_days", "share_contact_details", "messages")
ERASED = "erased"

EVENT_FIELDS = ("kind", "title", "starts_at", "ends_at", "venue", "mandatory")


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
