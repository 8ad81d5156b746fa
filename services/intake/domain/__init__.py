"""Intake's rules, in plain Python: who may apply to which cohort, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel import Locale

_ENGLISH_NAMES = Locale("en").languages


# the consent text an applicant agrees to, by version; an application names the version it agreed to
CONSENT_VERSION = "2026-01"
CONSENT_TEXT = {
    "sv": "Jag samtycker till att mina uppgifter behandlas för att matcha mig i programmet och sparas under den tid jag anger.",
    "fi": "Hyväksyn, että tietojani käsitellään ohjelman parien muodostamiseksi ja säilytetään ilmoittamani ajan.",
    "nb": "Jeg samtykker til at opplysningene mine behandles for å matche meg i programmet og lagres så lenge jeg oppgir.",
    "en": "I agree that my details are processed to match me in the programme and kept for the period I state.",
}


@dataclass(frozen=True)
class Refusal:
    reason: str


def application_refusal(programme_status: str, cohort_status: str, deadline: datetime | None, now: datetime,
                        opens_at: datetime | None = None) -> Refusal | None:
    """Why an application to this cohort cannot be taken now, or None if it can."""
    if programme_status != "open":
        return Refusal(f"The programme is {programme_status} and takes no applications.")
    if cohort_status != "open":
        return Refusal(f"The cohort is {cohort_status} and takes no applications.")
    if opens_at is not None and now < opens_at:
        return Refusal("Applications open later.")
    if deadline is not None and now > deadline:
        return Refusal("The application deadline has passed.")
    return None


def mentor_language_refusal(required: list[str], role: str, spoken: list[dict]) -> Refusal | None:
    """Why this mentor cannot apply: a language the programme requires of every mentor that
    they do not list among the languages they speak (at any level)."""
    theirs = {entry["language"] for entry in spoken}
    missing = [code for code in required if code not in theirs]
    if role != "mentor" or not missing:
        return None
    names = " and ".join(f"{_ENGLISH_NAMES.get(code, code)} ({code})" for code in missing)
    return Refusal(f"Every mentor in this programme speaks {names}; add it to the languages you speak.")
