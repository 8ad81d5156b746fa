"""What notify keeps of other services' news: each cohort's programme settings (which messages,
which language, whom to contact) and the people of each cohort (to write to them all at once).
Only what sending needs: a name, an address, a language, a time zone, a status. The rows, from
the events' data; ``usecases.projection`` writes them."""

from __future__ import annotations

from datetime import datetime

from .deliveries import email_hash


def cohort_row(snapshot: dict, now: datetime) -> dict:
    """A cohort.* snapshot as notify keeps it (keyed by ``snapshot["cohort_id"]``)."""
    programme = snapshot["programme"]
    return {
        "name": snapshot["name"], "status": snapshot["status"], "time_zone": snapshot["time_zone"],
        "starts_on": snapshot.get("starts_on"), "ends_on": snapshot.get("ends_on"), "programme_id": programme["id"],
        "programme_name": programme["name"], "programme_locale": programme["locale"],
        "messages": programme.get("messages") or {},
        "contacts": [{k: c.get(k) for k in ("name", "email", "phone", "role")} for c in programme.get("contacts") or []],
        "updated_at": now,
    }


def recipient_row(data: dict, now: datetime) -> dict:
    """An applicant as intake last described them (keyed by ``data["application_id"]``)."""
    return {
        "cohort_id": data["cohort_id"], "role": data["role"], "name": data["name"],
        "email": data["email"].strip().lower(), "email_sha256": email_hash(data["email"]), "locale": data["locale"],
        "time_zone": data["time_zone"], "status": data["status"], "updated_at": now,
    }
