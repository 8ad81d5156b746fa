"""The events scheduling publishes, built from its rows: each names the people it concerns with
what notify needs to reach them, and its times in UTC with the time zone to show them in
(``store.emit`` writes them to the outbox, ``store.pair_context`` loads a pair's context)."""

from __future__ import annotations

from dataclasses import dataclass

ERASED_EMAIL = "erased@erased.invalid"  # RFC 2606: never delivered


@dataclass(frozen=True)
class PairContext:
    """A pair with its cohort and both people, as events and views need them."""

    pair: dict
    cohort: dict
    mentee: dict
    mentor: dict

    @property
    def tenant(self) -> str:
        return self.pair["tenant"]

    @property
    def time_zone(self) -> str:
        return self.cohort["time_zone"]

    @property
    def programme(self) -> dict:
        return self.cohort["programme"] or {}

    @property
    def anyone_erased(self) -> bool:
        return bool(self.mentee["erased"] or self.mentor["erased"])

    def person(self, role: str) -> dict:
        return self.mentee if role == "mentee" else self.mentor

    def role_of(self, application_id: str) -> str | None:
        if application_id == self.pair["mentee_id"]:
            return "mentee"
        if application_id == self.pair["mentor_id"]:
            return "mentor"
        return None


def participant(row, role: str | None = None, link: str | None = None) -> dict:
    return {"application_id": row["application_id"], "role": role or row["role"], "name": row["name"],
            "email": row["email"] or ERASED_EMAIL, "locale": row["locale"], "link": link}


def cohort_data(cohort) -> dict:
    return {"cohort_id": cohort["id"], "cohort_name": cohort["name"],
            "programme_name": (cohort["programme"] or {}).get("name") or {}, "time_zone": cohort["time_zone"]}


def pair_data(ctx: PairContext, links: dict[str, str] | None = None) -> dict:
    links = links or {}
    return {"pair_id": ctx.pair["id"], **cohort_data(ctx.cohort),
            "mentee": participant(ctx.mentee, "mentee", links.get("mentee")),
            "mentor": participant(ctx.mentor, "mentor", links.get("mentor"))}


def meeting_data(ctx: PairContext, meeting, links: dict[str, str] | None = None, **extra) -> dict:
    return {**pair_data(ctx, links), "meeting_id": meeting["id"], "number": meeting["number"], "topic": meeting["topic"] or {},
            "starts_at": meeting["starts_at"], "ends_at": meeting["ends_at"], "place": meeting["place"] or "",
            "mode": meeting["mode"], "sequence": meeting["sequence"], **extra}


def cohort_event_data(cohort, event, recipients: list[dict], **extra) -> dict:
    return {"cohort_event_id": event["id"], **cohort_data(cohort), "kind": event["kind"], "title": event["title"] or {},
            "starts_at": event["starts_at"], "ends_at": event["ends_at"], "venue": event["venue"] or "",
            "mandatory": event["mandatory"], "sequence": event["sequence"],
            "recipients": [participant(r) for r in recipients], **extra}
