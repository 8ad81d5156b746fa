"""A person's own data as notify holds it, as plain JSON (Articles 15 and 20): their messages
in the delivery log, what notify knows of them in each cohort, and their choices — nothing of
anyone else (a coordinator who changed their choices is "a coordinator", not named).
``usecases.export`` finds the rows."""

from __future__ import annotations

from datetime import date, datetime

SERVICE = "notify"
BY_THE_PERSON = "the person"
BY_STAFF = "a coordinator"


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _pick(row, names: dict[str, str]) -> dict:
    return {shown: _plain(row[column]) for shown, column in names.items()}


def message(row) -> dict:
    """One of their messages: what was sent, when, in which language, and how it went; its text
    while it is still kept (until it is delivered)."""
    return _pick(row, {
        "id": "id", "message": "message", "about_event": "event_type", "to": "recipient", "application_id": "person_id",
        "cohort_id": "cohort_id", "locale": "locale", "essential": "essential", "subject": "subject", "text": "body_text",
        "status": "status", "attempts": "attempts", "error": "last_error", "created_at": "created_at",
        "sent_at": "sent_at", "updated_at": "updated_at",
    })


def participation(row) -> dict:
    """What notify knows of them in one cohort, to write to them."""
    return _pick(row, {
        "application_id": "id", "cohort_id": "cohort_id", "role": "role", "name": "name", "email": "email",
        "locale": "locale", "time_zone": "time_zone", "status": "status", "pair_id": "pair_id",
        "updated_at": "updated_at",
    })


def choices(row) -> dict:
    """Their choices of messages, and who last changed them (they, or a coordinator on their behalf)."""
    by = row["updated_by"] or ""
    return {**_pick(row, {"opted_out": "opted_out", "time_zone": "time_zone", "updated_at": "updated_at"}),
            "changed_by": BY_THE_PERSON if by.startswith(BY_THE_PERSON) else BY_STAFF}


def document(tenant: str, digest: str | None, sections: dict[str, list[dict]], now: datetime) -> dict:
    return {"service": SERVICE, "generated_at": now.isoformat(), "tenant": tenant, "person_sha256": digest,
            "sections": sections}
