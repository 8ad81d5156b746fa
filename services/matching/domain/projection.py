"""Matching's own copy of the cohorts and applications it matches, from intake's events: the
columns each event gives, and what an erasure leaves of a person. ``usecases.projection``
writes them, each as an upsert keyed by the producer's id, so applying an event twice changes
nothing."""

from __future__ import annotations

from services.shared import clock, dates
from services.shared.contract.events import profile_of

ERASED = "erased"


def cohort_values(data: dict) -> dict:
    return {
        "name": data["name"], "status": data["status"], "time_zone": data["time_zone"],
        "starts_on": data["starts_on"], "ends_on": data["ends_on"], "programme": dates.iso(data["programme"]),
        "updated_at": clock.now(),
    }


def application_values(data: dict) -> dict:
    """The person, where they stand, and their whole profile (the contract's, a column each)."""
    return {
        "cohort_id": data["cohort_id"], "role": data["role"], "status": data.get("status", "submitted"),
        "name": data["name"], "email": data["email"], "locale": data["locale"], "arrival": data.get("arrival"),
        **profile_of(data), "submitted_at": data["submitted_at"],
    }


def overtaken_submission(data: dict) -> dict:
    """A decision whose submission has not arrived yet still lands, as the application it names."""
    return application_values({**data, "submitted_at": clock.now()})


#: What an erasure leaves of a person: the pairs' history stays, the person goes.
ERASED_VALUES = {
    "name": ERASED, "email": f"{ERASED}@erased.invalid", "phone": None, "employer": None, "excluded_employers": [],
    "city": None, "interests": "", "education_field": None,
}
