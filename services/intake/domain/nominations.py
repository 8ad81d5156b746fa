"""Nominations: member organisations' representatives nominate, rank and vouch for mentors;
the coordinator accepts (the mentor gets a personal link to the form) or declines."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.contract import new_event
from services.shared.db import insert_new
from services.shared.errors import Refused
from services.shared.tenancy import participant_token

from .. import store
from .programmes import localized

FORM_LINK_TTL = 30 * 24 * 3600


class NominationRefused(Refused):
    """A nomination the organisation's ranks or the nomination's state do not allow."""


def nomination_refusal(cohort, now: datetime) -> str | None:
    if cohort["status"] not in ("draft", "open"):
        return f"The cohort is {cohort['status']}; nominations are closed."
    if cohort["nomination_deadline"] and now > cohort["nomination_deadline"]:
        return "The nomination deadline has passed."
    return None


def nominate(conn: Connection, cohort, programme, organisation: str, by: str, body: dict, now: datetime) -> dict:
    t = store.nominations
    taken = conn.execute(sa.select(t.c.id).where(
        t.c.tenant == cohort["tenant"], t.c.cohort_id == cohort["id"], t.c.organisation == organisation,
        t.c.rank == body["rank"], t.c.status != "declined")).scalar()
    if taken:
        refusal = f"rank {body['rank']} is already given to another nominee of your organisation"
        raise NominationRefused(refusal, {"rank": [refusal]})
    row = {
        "id": str(uuid.uuid4()), "tenant": cohort["tenant"], "cohort_id": cohort["id"], "organisation": organisation,
        "name": body["name"].strip(), "email": body["email"].lower(), "locale": body.get("locale") or programme["locale"],
        "rank": body["rank"], "note": body.get("note") or "", "status": "nominated", "nominated_by": by,
        "nominated_at": now, "decided_at": None, "application_id": None,
    }
    if not insert_new(conn, t, row):
        raise NominationRefused("This person is nominated for the cohort already.", {"email": ["nominated already"]})
    _publish(conn, "nomination.submitted.v1", row, cohort, programme, {"rank": row["rank"]})
    return row


def form_token(key: str, nomination) -> tuple[str, datetime]:
    token = participant_token(key, tenant=nomination["tenant"], sub=nomination["id"], scope="nomination", ttl=FORM_LINK_TTL)
    return token, datetime.fromtimestamp(int(time.time()) + FORM_LINK_TTL, UTC)


def form_link(settings, nomination) -> tuple[str, datetime]:
    """The nominated mentor's personal link to the prefilled form on the web front, and its expiry."""
    token, expires = form_token(settings.signing_key, nomination)
    return f"{settings.web_url}/mentor-form?token={token}", expires


def decide(conn: Connection, nomination, decision: str, cohort, programme, now: datetime, settings) -> dict:
    if nomination["status"] != "nominated":
        raise NominationRefused(f"the nomination is {nomination['status']} already")
    status = "accepted" if decision == "accept" else "declined"
    store.update(conn, store.nominations, nomination["tenant"], nomination["id"], status=status, decided_at=now)
    row = {**nomination, "status": status, "decided_at": now}
    if status == "accepted":
        link, expires = form_link(settings, row)
        _publish(conn, "nomination.accepted.v1", row, cohort, programme, {"form_link": link, "link_expires_at": expires})
        row["form_link"] = link
    else:
        _publish(conn, "nomination.declined.v1", row, cohort, programme)
    return row


def organisation_name(programme, organisation: str) -> str | None:
    """The member organisation's name as people know it ("Skatteverket" for skatteverket)."""
    return next((m["name"] for m in programme["member_organisations"] if m["id"] == organisation), None)


def _publish(conn, event_type, row, cohort, programme, extra=None) -> None:
    data = {
        "nomination_id": row["id"], "cohort_id": cohort["id"],
        "programme_name": localized(programme["names"], row["locale"], programme["locale"]),
        "cohort_name": cohort["name"], "organisation": row["organisation"],
        "organisation_name": organisation_name(programme, row["organisation"]), "name": row["name"], "email": row["email"],
        "locale": row["locale"], "time_zone": cohort["time_zone"], **(extra or {}),
    }
    store.publish(conn, new_event(event_type, source="intake", tenant=row["tenant"], subject=f"nomination/{row['id']}", data=data))
