"""The mentoring agreement's rules (mentoravtale, mentorointisopimus): what it holds, how it
changes, and who signs it.

A version is a draft until mentor and mentee have both signed it; from then on it never
changes. A change to a version that anyone has signed makes a new version, which both sign
again (the earlier signed version stays valid until then); an untouched draft is simply edited.
"""

from __future__ import annotations

from datetime import date, datetime

from services.shared.errors import CONFLICT, Refused

TERMS = ("language", "support_languages", "goals", "meeting_every_months", "meeting_minutes",
         "planned_dates", "keep_in_touch", "expectations")


class AgreementRefused(Refused):
    """A change or a signature the rules do not allow: a conflict with the agreement as it stands,
    or ``invalid`` terms; ``errors`` names the fields."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None, kind: str = CONFLICT):
        super().__init__(message, errors or {}, kind)  # answered with its fields, if only {}


def draft_terms(shared_languages: list[str], offered_languages: list[str], every_months: int, minutes: int,
                planned_dates: list[date]) -> dict:
    """The first draft: the first shared language of mentoring, the programme's cadence, a
    suggested date per meeting; goals, how to keep in touch and expectations are the pair's to write."""
    language = (shared_languages or offered_languages or ["en"])[0]
    return {
        "language": language, "support_languages": [], "goals": [],
        "meeting_every_months": every_months, "meeting_minutes": minutes,
        "planned_dates": [d.isoformat() for d in planned_dates],
        "keep_in_touch": "", "expectations": {"mentee": "", "mentor": ""},
    }


def both_signed(version: dict) -> bool:
    return bool(version["mentee_signed_at"] and version["mentor_signed_at"])


def how_to_change(latest: dict, based_on: int) -> str:
    """"in_place" for an untouched draft, "new_version" when anyone has signed what is there."""
    if based_on != latest["version"]:
        raise AgreementRefused(
            f"Version {latest['version']} is the latest; read it before changing it.",
            {"based_on_version": [f"the latest version is {latest['version']}"]})
    if latest["mentee_signed_at"] or latest["mentor_signed_at"]:
        return "new_version"
    return "in_place"


def assert_editable(version: dict) -> None:
    """A version signed by both never changes, whatever asks."""
    if both_signed(version) or version["status"] != "draft":
        raise AgreementRefused(f"Version {version['version']} is {version['status']} and does not change.",
                               {"version": ["signed by both: propose a new version instead"]})


def check_terms(terms: dict, *, programme_every_months: int, starts_on: date, ends_on: date) -> dict[str, list[str]]:
    """Field-level problems with agreed terms, against the programme and the cohort's period."""
    errors: dict[str, list[str]] = {}
    if terms["meeting_every_months"] > max(1, programme_every_months):
        errors["meeting_every_months"] = [f"the programme asks for a meeting at least every {programme_every_months} month(s)"]
    outside = [d for d in terms["planned_dates"] if not starts_on <= date.fromisoformat(d) <= ends_on]
    if outside:
        errors["planned_dates"] = [f"{d} is outside the cohort's period {starts_on}–{ends_on}" for d in outside]
    for i, goal in enumerate(terms["goals"]):
        late = [s["due_on"] for s in goal.get("sub_goals", []) if s.get("due_on")
                and not starts_on <= date.fromisoformat(s["due_on"]) <= ends_on]
        if late:
            errors[f"goals.{i}.sub_goals"] = [f"{d} is outside the cohort's period" for d in late]
    return errors


def signature(version: dict, latest_version: int, role: str, now: datetime) -> dict:
    """The columns that change when ``role`` signs ``version``; both signatures make it signed."""
    if version["version"] != latest_version:
        raise AgreementRefused(f"Version {latest_version} is the one to sign.",
                               {"version": [f"the latest version is {latest_version}"]})
    if version["status"] != "draft":
        raise AgreementRefused(f"Version {version['version']} is {version['status']} already.")
    if version[f"{role}_signed_at"]:
        raise AgreementRefused(f"The {role} has signed version {version['version']} already.")
    if not version["goals"]:
        raise AgreementRefused("Agree at least one goal before signing.", {"goals": ["at least one goal, with its sub-goals"]})
    changes: dict = {f"{role}_signed_at": now}
    other = "mentor" if role == "mentee" else "mentee"
    if version[f"{other}_signed_at"]:
        changes.update(status="signed", signed_at=now)
    return changes
