"""What matching holds of one person, as they receive it on request (GDPR Art. 15 and 20), and
what an erasure leaves of them in matching's outbox and free texts.

A person is everyone sharing one e-mail address in a tenant (a mentor in one cohort may be a
mentee in another). Their export holds their own rows and the ids of the other people in them,
never another person's name or address, nor the staff's: who decided a proposal, pinned a pair
or confirmed it is the staff's data, not theirs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from services.shared import dates

from .projection import ERASED

ERASED_DOMAIN = "@erased.invalid"
#: What a pin's or forbid's reason reads once a person it is about is erased.
ERASED_REASON = ""

#: The columns of each section, in the order the person reads them (the staff's columns left out).
APPLICATION = ("id", "cohort_id", "role", "status", "name", "email", "phone", "locale", "arrival", "languages",
               "mentoring_languages", "profession", "wished_profession", "education_field", "sector", "city",
               "remote_ok", "experience_years", "employer", "excluded_employers", "capacity", "interests",
               "submitted_at")
PROPOSAL = ("id", "run_id", "cohort_id", "mentee_id", "mentor_id", "score", "breakdown", "pinned", "status",
            "decided_at")
OVERRIDE = ("id", "cohort_id", "kind", "mentee_id", "mentor_id", "reason", "created_at")
PAIR = ("id", "cohort_id", "run_id", "mentee_id", "mentor_id", "score", "breakdown", "status", "confirmed_at",
        "ended_at", "end_reason")
UNMATCHED = ("id", "run_id", "mentee_id", "reason_code", "reason", "details", "notified_at")


def is_erased(email: str | None) -> bool:
    """An erased person's address is a placeholder that names nobody."""
    return not email or email.endswith(ERASED_DOMAIN)


def _plain(row, columns: tuple[str, ...]) -> dict:
    return dates.iso({column: row[column] for column in columns})


def _role_in(row, ids: set[str]) -> str:
    return "mentee" if row["mentee_id"] in ids else "mentor"


def sections(ids: Iterable[str], applications, proposals, overrides, pairs, unmatched) -> dict[str, list[dict]]:
    """The person's rows (their applications ``ids``), section by section, as plain JSON. Each
    row naming two people says which of them the person is (``role``); a pair names the partner
    by their application's id (``partner_id``), not by name."""
    ids = set(ids)
    return {
        "applications": [_plain(r, APPLICATION) for r in applications],
        "proposals": [{"role": _role_in(r, ids), **_plain(r, PROPOSAL)} for r in proposals],
        "overrides": [{"role": _role_in(r, ids), **_plain(r, OVERRIDE)} for r in overrides],
        "pairs": [{"role": (role := _role_in(r, ids)),
                   "partner_id": r["mentor_id"] if role == "mentee" else r["mentee_id"], **_plain(r, PAIR)}
                  for r in pairs],
        "unmatched": [_plain(r, UNMATCHED) for r in unmatched],
    }


def document(tenant: str, person_sha256: str | None, found: dict[str, list[dict]], now: datetime) -> dict:
    return {"service": "matching", "generated_at": now.isoformat(), "tenant": tenant,
            "person_sha256": person_sha256, "sections": found}


def outbox_replacements(people, words: Iterable[str] = ()) -> dict[str, str]:
    """What stands in for an erased person's name, address and phone, and for the ``words``
    written about them (why their pair ended), in the events still waiting in the outbox (their
    consumers hear of the erasure right after)."""
    replaced: dict[str, str] = {word: ERASED_REASON for word in words if word}
    for person in people:
        if person["name"] and person["name"] != ERASED:
            replaced[person["name"]] = ERASED
        if not is_erased(person["email"]):
            replaced[person["email"]] = f"{ERASED}{ERASED_DOMAIN}"
        if person["phone"]:
            replaced[person["phone"]] = ERASED
    return replaced
