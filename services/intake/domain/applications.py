"""Applications' rules, on plain values: the application a form makes, the order of arrival and
first come, first served, the decisions a coordinator or the applicant may make, when a freed
place goes to the first on the waiting list, and the events each step tells. Loading, locking
and writing are the use cases' (usecases/admission.py, usecases/applications.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from services.shared.contract import Event, new_event
from services.shared.contract.events import PROFILE_FIELDS, profile_of
from services.shared.errors import Refused
from services.shared.tenancy import participant_token

from .programmes import localized

# status -> statuses a coordinator may move it to
DECISIONS = {
    "submitted": {"accepted", "waitlisted", "rejected", "withdrawn"},
    "waitlisted": {"accepted", "rejected", "withdrawn"},
    "accepted": {"rejected", "withdrawn"},
    "withdrawn": set(),
    "rejected": set(),
}
MANAGE_LINK_TTL = 400 * 24 * 3600


class DecisionRefused(Refused):
    """A decision the application's status or the cohort's places do not allow."""


class AlreadyApplied(Refused):
    """This e-mail has applied to this cohort in this role already (``existing_id``)."""

    def __init__(self, role: str, existing_id: str | None):
        super().__init__(f"This e-mail has applied to this cohort as {role} already.",
                         {"email": ["already applied"], "existing_id": existing_id})
        self.existing_id = existing_id


def manage_token(key: str, application) -> str:
    return participant_token(key, tenant=application["tenant"], sub=application["id"], scope="application", ttl=MANAGE_LINK_TTL)


def manage_link(settings, row) -> str:
    """The applicant's personal link: their application on the web front."""
    return f"{settings.web_url}/applications/mine?token={manage_token(settings.signing_key, row)}"


def places(cohort, role: str) -> int | None:
    """The cohort's places for ``role``; None when it has no limit."""
    return cohort["mentee_places"] if role == "mentee" else cohort["mentor_places"]


def new_application(cohort, body: dict, now: datetime) -> dict:
    """The application a form's ``body`` makes to ``cohort``: taken in, not yet numbered nor decided."""
    consent = body.get("consent") or {}
    return {
        "id": str(uuid.uuid4()), "tenant": cohort["tenant"], "cohort_id": cohort["id"],
        "role": body["role"], "name": body["name"].strip(), "email": body["email"].lower(), "locale": body["locale"],
        **profile_of(body),  # the profile the contract declares, each field it lacks at the contract's default
        "education_level": body.get("education_level"), "education_country": body.get("education_country"),
        "referral": body.get("referral"), "referral_note": body.get("referral_note"),
        "consent_version": consent.get("text_version"), "consent_at": now, "retention_months": consent.get("retention_months"),
        "nomination_id": body.get("nomination_id"), "arrival": None, "status": "submitted", "submitted_at": now, "decided_at": None,
    }


def decides_on_arrival(cohort) -> bool:
    """Whether the cohort decides each application as it arrives (first come, first served)."""
    return cohort["admission"] == "first_come"


def number_and_decide(waiting: list[dict], last_arrival: int, held: dict[str, tuple[int, int]], cohort, programme,
                      now: datetime, settings) -> list[Event]:
    """Number ``waiting`` in order, so that the last takes ``last_arrival``, and decide each one
    whose role is in ``held`` (role -> how many are accepted and how many waitlisted) against the
    cohort's places. Updates the rows in place; the events to publish, in order."""
    held = dict(held)
    events = []
    for arrival, row in enumerate(waiting, start=last_arrival - len(waiting) + 1):
        row["arrival"] = arrival
        link = manage_link(settings, row)
        events.append(event("application.submitted.v1", row, cohort, programme, link, extra=profile(row)))
        if row["role"] not in held:
            continue
        accepted, queued = held[row["role"]]
        limit = places(cohort, row["role"])
        if limit is None or accepted < limit:
            row.update(status="accepted", decided_at=now)
            held[row["role"]] = (accepted + 1, queued)
            events.append(event("application.accepted.v1", row, cohort, programme, link))
        else:
            # every waitlisted application arrived earlier: this one is last in the queue
            row.update(status="waitlisted", decided_at=now, waitlist_position=queued + 1)
            held[row["role"]] = (accepted, queued + 1)
            events.append(event("application.waitlisted.v1", row, cohort, programme, link,
                                {"waitlist_position": queued + 1}))
    return events


def decision_refusal(application, status: str, cohort, accepted: int) -> str | None:
    """Why ``application`` may not become ``status`` (``accepted`` of its role hold places now), or None."""
    if status not in DECISIONS[application["status"]]:
        return f"a {application['status']} application cannot become {status}"
    if status == "accepted":
        limit = places(cohort, application["role"])
        if limit is not None and accepted >= limit:
            return f"all {limit} {application['role']} places are taken"
    return None


def frees_a_place(previous: str, status: str) -> bool:
    """Whether moving from ``previous`` to ``status`` gives up an accepted place."""
    return previous == "accepted" and status in ("withdrawn", "rejected")


def promotes(cohort, role: str, accepted: int, now: datetime) -> bool:
    """Whether a place of ``role`` is free for the first on the waiting list: the cohort has not
    started, has a limit, and fewer than it (``accepted``) hold places."""
    if cohort["starts_on"] and now.astimezone(ZoneInfo(cohort["time_zone"])).date() >= cohort["starts_on"]:
        return False
    limit = places(cohort, role)
    return limit is not None and accepted < limit


def profile(row) -> dict:
    """What application.submitted.v1 carries beyond the person: the contract's profile, and when and how it came."""
    keys = ("submitted_at", *PROFILE_FIELDS, "nomination_id", "arrival")
    return {k: row[k] for k in keys}


# what the applicant hears of a rejection or a withdrawal needs no personal link, and no consumer keeps it
WITHOUT_LINK = ("application.rejected.v1", "application.withdrawn.v1")


def event(event_type, row, cohort, programme, link, extra=None) -> Event:
    link = None if event_type in WITHOUT_LINK else link
    data = {
        "application_id": row["id"], "cohort_id": cohort["id"], "programme_id": programme["id"],
        "programme_name": localized(programme["names"], row["locale"], programme["locale"]),
        "cohort_name": cohort["name"], "role": row["role"], "name": row["name"], "email": row["email"],
        "locale": row["locale"], "time_zone": cohort["time_zone"], "status": row["status"], "manage_link": link,
        **(extra or {}),
    }
    return new_event(event_type, source="intake", tenant=row["tenant"], subject=f"application/{row['id']}", data=data)
