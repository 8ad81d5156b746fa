"""Erasure: what intake keeps of a person once they are erased, as rules on plain values.

A person is everyone sharing an e-mail address within a tenant. Their applications and
nominations stay, for the programme's figures, without their name, address or any words of
theirs; a survey keeps its chosen answers and loses the written ones; the erasure itself is
recorded by the address's hash, and the other services hear of it by event
(``usecases.erasure`` loads and writes; this module decides).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from services.shared.contract import Event, new_event

ERASED = "erased"
KEPT_WRITTEN_ANSWERS = ("job_when",)  # a written answer that is a date, not words: kept for the figures


def email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def placeholder(digest: str) -> str:
    """The address an erased person's rows carry instead of theirs: unique per person, reaching no one."""
    return f"erased-{digest[:16]}@erased.invalid"


def erased_application(digest: str) -> dict:
    """The values an application of an erased person is left with in place of theirs."""
    return dict(name=ERASED, email=placeholder(digest), phone=None, languages=[], profession=None,
                wished_profession=None, education_field=None, education_country=None, employer=None,
                excluded_employers=[], city=None, interests="", referral_note=None)


def erased_nomination(digest: str) -> dict:
    return dict(name=ERASED, email=placeholder(digest), note="")


def kept_answers(answers: dict | None) -> dict:
    """A survey's answers without the written ones (they could name the person); the chosen ones
    stay for the figures."""
    return {k: v for k, v in (answers or {}).items() if not isinstance(v, str) or k in KEPT_WRITTEN_ANSWERS}


def names_of(rows) -> set[str]:
    """The names the person went by, to be taken out of the events still waiting to leave."""
    return {r["name"] for r in rows if r["name"] and r["name"] != ERASED}


def record(tenant: str, digest: str, by: str, now: datetime, applications: int, nominations: int) -> dict:
    """The erasure's own record: that it was done, for whom (by hash), at whose request."""
    return {"id": str(uuid.uuid4()), "tenant": tenant, "email_sha256": digest, "requested_by": by, "requested_at": now,
            "applications": applications, "nominations": nominations}


def requested(row: dict, application_ids: list[str], nomination_ids: list[str]) -> Event:
    """person.erasure_requested.v1: matching, scheduling and notify erase the person too."""
    digest = row["email_sha256"]
    return new_event("person.erasure_requested.v1", source="intake", tenant=row["tenant"], subject=f"person/{digest[:16]}",
                     data={"erasure_id": row["id"], "email_sha256": digest, "application_ids": application_ids,
                           "nomination_ids": nomination_ids})
