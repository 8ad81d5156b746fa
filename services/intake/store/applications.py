"""The queries of applications, the cohorts they are made to and the answers to their surveys."""

from __future__ import annotations

import zlib

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import found, insert_new, one

from .tables import applications, cohorts, programmes, survey_responses


def cohort_and_programme(conn: Connection, tenant: str, cohort_id: str, for_update: bool = False):
    """The tenant's cohort (refused as not found if it has none such) and its programme."""
    cohort = found(conn, cohorts, tenant, cohort_id, for_update=for_update)
    return cohort, one(conn, programmes, tenant, cohort["programme_id"])


def public_cohort(conn: Connection, cohort_id: str) -> tuple[dict, dict] | None:
    """A cohort and its programme as the public may see them: any tenant's, but never a draft."""
    c, p = cohorts, programmes
    found = conn.execute(sa.select(c, p).join_from(
        c, p, sa.and_(p.c.id == c.c.programme_id, p.c.tenant == c.c.tenant)
    ).where(c.c.id == cohort_id, c.c.status != "draft")).first()
    if found is None:
        return None
    # one read for both: the cohort's columns come first, then the programme's
    values = list(found)
    return (dict(zip(c.c.keys(), values[:len(c.c)], strict=True)),
            dict(zip(p.c.keys(), values[len(c.c):], strict=True)))


def programme_any_tenant(conn: Connection, programme_id: str):
    """A programme by its id alone, for its public page."""
    return conn.execute(sa.select(programmes).where(programmes.c.id == programme_id)).mappings().first()


def open_cohorts(conn: Connection, programme_id: str) -> list:
    c = cohorts
    return conn.execute(sa.select(c.c.id, c.c.name, c.c.application_deadline).where(
        c.c.programme_id == programme_id, c.c.status == "open")).mappings().all()


def count_applications(conn: Connection, tenant: str, cohort_id: str, role: str, status: str) -> int:
    t = applications
    return conn.execute(sa.select(sa.func.count()).select_from(t).where(
        t.c.tenant == tenant, t.c.cohort_id == cohort_id, t.c.role == role, t.c.status == status)).scalar_one()


def accepted_and_waitlisted(conn: Connection, tenant: str, cohort_id: str, role: str) -> tuple[int, int]:
    """How many of ``role`` are accepted and how many waitlisted, in one read."""
    t = applications
    return tuple(conn.execute(sa.select(
        sa.func.count().filter(t.c.status == "accepted"), sa.func.count().filter(t.c.status == "waitlisted"),
    ).where(t.c.tenant == tenant, t.c.cohort_id == cohort_id, t.c.role == role,
            t.c.status.in_(("accepted", "waitlisted")))).one())


def existing_application(conn: Connection, row) -> str | None:
    """The id of the application this e-mail made to the cohort in this role, if any."""
    t = applications
    return conn.execute(sa.select(t.c.id).where(
        t.c.tenant == row["tenant"], t.c.cohort_id == row["cohort_id"], t.c.role == row["role"],
        t.c.email == row["email"])).scalar()


def waitlist_position(conn: Connection, application) -> int | None:
    if application["status"] != "waitlisted":
        return None
    t = applications
    ahead = conn.execute(sa.select(sa.func.count()).select_from(t).where(
        t.c.tenant == application["tenant"], t.c.cohort_id == application["cohort_id"], t.c.role == application["role"],
        t.c.status == "waitlisted", t.c.arrival < application["arrival"])).scalar_one()
    return ahead + 1


def waitlist_positions(conn: Connection, tenant: str, cohort_id: str, ids: list[str]) -> dict[str, int]:
    """``waitlist_position`` of each of these waitlisted applications of one cohort, in one query
    (a page of a list asks for fifty at once): 1 + how many of its role wait with an earlier arrival."""
    if not ids:
        return {}
    t = applications
    ranked = sa.select(t.c.id, sa.func.rank().over(partition_by=t.c.role, order_by=t.c.arrival).label("position")).where(
        t.c.tenant == tenant, t.c.cohort_id == cohort_id, t.c.status == "waitlisted").subquery()
    return dict(conn.execute(sa.select(ranked.c.id, ranked.c.position).where(ranked.c.id.in_(ids))).all())


def applications_page(conn: Connection, tenant: str, cohort_id: str, *, role: str | None = None,
                      status: str | None = None, profession: str | None = None, q: str | None = None,
                      limit: int = 50, offset: int = 0) -> tuple[int, list]:
    """How many of a cohort's applications match, and one page of them in arrival order (those
    not yet numbered last). ``profession`` is an ISCO-08 code, the mentor's profession or the
    mentee's wished one; ``q`` is part of the name or e-mail address, in any case."""
    t = applications
    where = [t.c.tenant == tenant, t.c.cohort_id == cohort_id]
    if role:
        where.append(t.c.role == role)
    if status:
        where.append(t.c.status == status)
    if profession:
        where.append(sa.or_(t.c.profession["code"].as_string() == profession,
                            t.c.wished_profession["code"].as_string() == profession))
    if q and q.strip():
        # the typed text is matched as it is: LIKE's own wildcards in it are escaped
        typed = "%" + q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(sa.or_(sa.func.lower(t.c.name).like(typed, escape="\\"),
                            sa.func.lower(t.c.email).like(typed, escape="\\")))
    total = conn.execute(sa.select(sa.func.count()).select_from(t).where(*where)).scalar_one()
    page = conn.execute(sa.select(t).where(*where).order_by(t.c.arrival.is_(None), t.c.arrival, t.c.submitted_at, t.c.id)
                        .limit(limit).offset(offset)).mappings().all()
    return total, page


def survey_answered(conn: Connection, tenant: str, application_id: str, kind: str) -> bool:
    s = survey_responses
    return conn.execute(sa.select(s.c.id).where(
        s.c.tenant == tenant, s.c.application_id == application_id, s.c.kind == kind)).first() is not None


def insert_survey_response(conn: Connection, tenant: str, row: dict) -> bool:
    """Write the answers in the tenant; False (writing nothing) when the survey is answered already."""
    return insert_new(conn, survey_responses, {**row, "tenant": tenant})


def survey_responses_of(conn: Connection, tenant: str, cohort_id: str) -> list[dict]:
    s = survey_responses
    return [dict(r) for r in conn.execute(sa.select(s.c.kind, s.c.role, s.c.answers).where(
        s.c.tenant == tenant, s.c.cohort_id == cohort_id)).mappings()]


def insert_application(conn: Connection, row: dict) -> bool:
    """Write a new application; False (writing nothing) when this e-mail applied in this role already."""
    return insert_new(conn, applications, row)


def lock_admission(conn: Connection, cohort_id: str) -> None:
    """Take the cohort's admission lock until the transaction ends, so that rounds of several
    processes take turns (an advisory lock, on PostgreSQL; elsewhere there is one process)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(zlib.crc32(f"admission:{cohort_id}".encode()))))


def awaiting_arrival(conn: Connection, tenant: str, cohort_id: str) -> list[dict]:
    """The cohort's applications not yet numbered, in the order they were taken in."""
    t = applications
    return [dict(r) for r in conn.execute(sa.select(t).where(
        t.c.tenant == tenant, t.c.cohort_id == cohort_id, t.c.arrival.is_(None),
    ).order_by(t.c.submitted_at, t.c.id)).mappings()]


def take_arrivals(conn: Connection, tenant: str, cohort_id: str, how_many: int) -> int:
    """Count ``how_many`` more arrivals on the cohort; the last arrival number they take."""
    c = cohorts
    return conn.execute(c.update().where(c.c.id == cohort_id, c.c.tenant == tenant)
                        .values(arrivals=c.c.arrivals + how_many).returning(c.c.arrivals)).scalar_one()


def write_arrivals(conn: Connection, tenant: str, rows: list[dict]) -> None:
    """Write each application's arrival number, status and decision time, in one statement."""
    t = applications
    conn.execute(
        t.update().where(t.c.id == sa.bindparam("row_id"), t.c.tenant == tenant)
        .values(arrival=sa.bindparam("arrival"), status=sa.bindparam("status"), decided_at=sa.bindparam("decided_at")),
        [{"row_id": r["id"], "arrival": r["arrival"], "status": r["status"], "decided_at": r["decided_at"]}
         for r in rows])


def first_waitlisted(conn: Connection, tenant: str, cohort_id: str, role: str) -> dict | None:
    """The application of ``role`` first on the cohort's waiting list, if any."""
    t = applications
    first = conn.execute(sa.select(t).where(
        t.c.tenant == tenant, t.c.cohort_id == cohort_id, t.c.role == role, t.c.status == "waitlisted",
    ).order_by(t.c.arrival).limit(1)).mappings().first()
    return None if first is None else dict(first)
