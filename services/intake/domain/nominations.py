"""Nominations: member organisations' representatives nominate, rank and vouch for mentors;
the coordinator accepts (the mentor gets a personal link to the form) or declines."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from services.shared.contract import Event, new_event
from services.shared.errors import Forbidden, Refused
from services.shared.tenancy import participant_token

from .programmes import localized

FORM_LINK_TTL = 30 * 24 * 3600


class NominationRefused(Refused):
    """A nomination the organisation's ranks or the nomination's state do not allow."""


class RankTaken(NominationRefused):
    """The organisation has given this rank to another nominee of the cohort (one not declined)."""

    def __init__(self, rank: int):
        refusal = f"rank {rank} is already given to another nominee of your organisation"
        super().__init__(refusal, {"rank": [refusal]})


class NominatedAlready(NominationRefused):
    def __init__(self):
        super().__init__("This person is nominated for the cohort already.", {"email": ["nominated already"]})


def nomination_refusal(cohort, now: datetime) -> str | None:
    if cohort["status"] not in ("draft", "open"):
        return f"The cohort is {cohort['status']}; nominations are closed."
    if cohort["nomination_deadline"] and now > cohort["nomination_deadline"]:
        return "The nomination deadline has passed."
    return None


def is_member(programme, organisation: str | None) -> bool:
    return organisation in {m["id"] for m in programme["member_organisations"]}


def refuse_unless_may_nominate(cohort, programme, organisation: str | None, now: datetime) -> None:
    """Refused unless the organisation is a member of the programme and the cohort takes
    nominations now (before its deadline, open or in draft)."""
    if not is_member(programme, organisation):
        raise Forbidden(f"{organisation} is not a member organisation of this programme.")
    refusal = nomination_refusal(cohort, now)
    if refusal:
        raise NominationRefused(refusal, {"nomination_deadline": [refusal]})


def new_nomination(cohort, programme, organisation: str, by: str, body: dict, now: datetime) -> dict:
    return {
        "id": str(uuid.uuid4()), "tenant": cohort["tenant"], "cohort_id": cohort["id"], "organisation": organisation,
        "name": body["name"].strip(), "email": body["email"].lower(), "locale": body.get("locale") or programme["locale"],
        "rank": body["rank"], "note": body.get("note") or "", "status": "nominated", "nominated_by": by,
        "nominated_at": now, "decided_at": None, "application_id": None,
    }


def nominating_cohorts(programmes: list, cohorts: list, now: datetime, asked: str | None) -> list[dict]:
    """Of ``cohorts`` (in ``programmes``), those that take nominations now, each with its
    programme's name in the asked language."""
    names = {p["id"]: localized(p["names"], asked, p["locale"]) for p in programmes}
    return [{**cohort, "programme": names[cohort["programme_id"]]}
            for cohort in cohorts if nomination_refusal(cohort, now) is None]


def form_token(key: str, nomination) -> tuple[str, datetime]:
    token = participant_token(key, tenant=nomination["tenant"], sub=nomination["id"], scope="nomination", ttl=FORM_LINK_TTL)
    return token, datetime.fromtimestamp(int(time.time()) + FORM_LINK_TTL, UTC)


def form_link(settings, nomination) -> tuple[str, datetime]:
    """The nominated mentor's personal link to the prefilled form on the web front, and its expiry."""
    token, expires = form_token(settings.signing_key, nomination)
    return f"{settings.web_url}/mentor-form?token={token}", expires


def decision(nomination, decided: str, now: datetime) -> dict:
    """The columns a coordinator's decision (``accept`` or ``decline``) writes; refused once decided."""
    if nomination["status"] != "nominated":
        raise NominationRefused(f"the nomination is {nomination['status']} already")
    return {"status": "accepted" if decided == "accept" else "declined", "decided_at": now}


def organisation_name(programme, organisation: str) -> str | None:
    """The member organisation's name as people know it ("Skatteverket" for skatteverket)."""
    return next((m["name"] for m in programme["member_organisations"] if m["id"] == organisation), None)


def event(event_type: str, row, cohort, programme, extra: dict | None = None) -> Event:
    """What a nomination's step tells: who, for which cohort and organisation, in their language."""
    data = {
        "nomination_id": row["id"], "cohort_id": cohort["id"],
        "programme_name": localized(programme["names"], row["locale"], programme["locale"]),
        "cohort_name": cohort["name"], "organisation": row["organisation"],
        "organisation_name": organisation_name(programme, row["organisation"]), "name": row["name"], "email": row["email"],
        "locale": row["locale"], "time_zone": cohort["time_zone"], **(extra or {}),
    }
    return new_event(event_type, source="intake", tenant=row["tenant"], subject=f"nomination/{row['id']}", data=data)
