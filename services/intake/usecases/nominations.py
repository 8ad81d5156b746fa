"""Nominations: a representative nominates a mentor for their organisation and sees which
cohorts take nominations; a coordinator sees them ranked and accepts or declines each."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared import clock
from services.shared.db import found

from .. import store
from ..domain import nominations as rules


def nominate(conn: Connection, tenant: str, cohort_id: str, organisation: str | None, by: str, body: dict) -> dict:
    """Nominate a mentor for a member organisation, with a rank and a note, until the deadline."""
    now = clock.now()
    cohort, programme = store.cohort_and_programme(conn, tenant, cohort_id, for_update=True)
    rules.refuse_unless_may_nominate(cohort, programme, organisation, now)
    if store.rank_taken(conn, tenant, cohort_id, organisation, body["rank"]):
        raise rules.RankTaken(body["rank"])
    row = rules.new_nomination(cohort, programme, organisation, by, body, now)
    if not store.insert_nomination(conn, row):
        raise rules.NominatedAlready()
    store.publish(conn, rules.event("nomination.submitted.v1", row, cohort, programme, {"rank": row["rank"]}))
    return row


def of_cohort(conn: Connection, tenant: str, cohort_id: str, principal) -> list:
    """The cohort's nominations ranked per organisation; a representative sees their organisation's."""
    found(conn, store.cohorts, tenant, cohort_id)
    if principal.role != "representative":
        return store.nominations_of(conn, tenant, cohort_id)
    return store.nominations_of(conn, tenant, cohort_id, principal.org) if principal.org else []


def nominating_cohorts(conn: Connection, tenant: str, organisation: str | None, asked: str | None) -> list[dict]:
    """The cohorts the organisation may nominate mentors to now, in the programmes it is a member of."""
    programmes = [p for p in store.rows(conn, store.programmes, tenant) if rules.is_member(p, organisation)]
    cohorts = store.cohorts_of_programmes(conn, tenant, [p["id"] for p in programmes])
    return rules.nominating_cohorts(programmes, cohorts, clock.now(), asked)


def decide(conn: Connection, tenant: str, nomination_id: str, decided: str, settings) -> dict:
    """Accept (the mentor is sent a personal link to the prefilled form) or decline."""
    nomination = found(conn, store.nominations, tenant, nomination_id)
    cohort, programme = store.cohort_and_programme(conn, tenant, nomination["cohort_id"])
    values = rules.decision(nomination, decided, clock.now())
    store.update(conn, store.nominations, tenant, nomination_id, **values)
    row = {**nomination, **values}
    if row["status"] == "accepted":
        link, expires = rules.form_link(settings, row)
        store.publish(conn, rules.event("nomination.accepted.v1", row, cohort, programme,
                                        {"form_link": link, "link_expires_at": expires}))
        row["form_link"] = link
    else:
        store.publish(conn, rules.event("nomination.declined.v1", row, cohort, programme))
    return row
