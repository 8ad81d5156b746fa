"""The queries of the people notify knows: cohorts and their programmes' settings, the people of
each cohort (from intake's and matching's events), and each person's preferences."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import one, rows, upsert  # noqa: F401 (the projection's upsert)

from ..domain.messages import CohortInfo
from .tables import cohorts, deliveries, preferences, recipients


def cohort_info(conn: Connection, tenant: str, cohort_id: str | None) -> CohortInfo | None:
    """What messages need of a cohort and its programme, as a plain value (None: not known)."""
    if not cohort_id:
        return None
    row = one(conn, cohorts, tenant, cohort_id)
    if row is None:
        return None
    return CohortInfo(id=row["id"], name=row["name"], time_zone=row["time_zone"], starts_on=row["starts_on"],
                      ends_on=row["ends_on"], programme_name=row["programme_name"] or {},
                      programme_locale=row["programme_locale"], messages=row["messages"] or {},
                      contacts=row["contacts"] or [])


def set_pair(conn: Connection, tenant: str, application_ids: list[str], pair_id: str | None, now: datetime) -> None:
    conn.execute(recipients.update().where(recipients.c.tenant == tenant, recipients.c.id.in_(application_ids))
                 .values(pair_id=pair_id, updated_at=now))


def audience(conn: Connection, tenant: str, cohort_id: str, roles: list[str], statuses: list[str],
             paired: bool | None) -> list:
    """The people of the cohort with one of ``roles`` and ``statuses``, paired or not (None: either)."""
    r = recipients
    where = [r.c.cohort_id == cohort_id, r.c.role.in_(roles), r.c.status.in_(statuses)]
    if paired is not None:
        where.append(r.c.pair_id.is_not(None) if paired else r.c.pair_id.is_(None))
    return rows(conn, r, tenant, *where, order_by=r.c.name)


def known_person(conn: Connection, tenant: str, person_id: str) -> bool:
    """A person notify has heard of in the tenant: a cohort's participant, or someone written to."""
    r, d = recipients, deliveries
    return bool(conn.execute(sa.select(r.c.id).where(r.c.tenant == tenant, r.c.id == person_id)).first()
                or conn.execute(sa.select(d.c.id).where(d.c.tenant == tenant, d.c.person_id == person_id).limit(1)).first())


def programmes_of(conn: Connection, tenant: str, digest: str) -> list:
    """The programmes (id, name) and language of each cohort the address is known in, latest first."""
    r, c = recipients, cohorts
    return conn.execute(
        sa.select(c.c.programme_id, c.c.programme_name, r.c.locale)
        .select_from(r.join(c, sa.and_(c.c.tenant == r.c.tenant, c.c.id == r.c.cohort_id)))
        .where(r.c.tenant == tenant, r.c.email_sha256 == digest)
        .order_by(r.c.updated_at.desc())
    ).all()


# --- preferences -------------------------------------------------------------------------------


def preference(conn: Connection, tenant: str, digest: str):
    p = preferences
    return conn.execute(sa.select(p).where(p.c.tenant == tenant, p.c.email_sha256 == digest)).mappings().first()


def save_preference(conn: Connection, tenant: str, digest: str, values: dict):
    """Write the address's preferences (``opted_out``, ``time_zone``, ``updated_at``, ``updated_by``)."""
    p = preferences
    if preference(conn, tenant, digest) is None:
        conn.execute(p.insert().values(tenant=tenant, email_sha256=digest, **values))
    else:
        conn.execute(p.update().where(p.c.tenant == tenant, p.c.email_sha256 == digest).values(**values))
    return preference(conn, tenant, digest)
