"""The queries of matching runs: queueing, claiming and leasing a run, recording its proposals and
unmatched mentees, and reading them back a page at a time."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import rows

from ..domain.runs import ACTIVE, FAILED, QUEUED, RUNNING, SUCCEEDED
from .people import names
from .tables import applications, pairs, proposals, runs, unmatched


class RunAlreadyActive(Exception):
    """The unique index refused a second queued or running run of the cohort."""


def active_run(conn: Connection, tenant: str, cohort_id: str):
    """The cohort's queued or running run, if any."""
    r = runs
    return conn.execute(sa.select(r).where(r.c.tenant == tenant, r.c.cohort_id == cohort_id, r.c.status.in_(ACTIVE))
                        ).mappings().first()


def latest_run(conn: Connection, tenant: str, cohort_id: str):
    """The cohort's most recently finished successful run, if any."""
    r = runs
    return conn.execute(sa.select(r).where(r.c.tenant == tenant, r.c.cohort_id == cohort_id, r.c.status == SUCCEEDED)
                        .order_by(r.c.finished_at.desc()).limit(1)).mappings().first()


def add_run(conn: Connection, row: dict) -> None:
    """Insert a queued run; RunAlreadyActive when another one of the cohort got in first."""
    try:
        conn.execute(runs.insert().values(**row))
    except sa.exc.IntegrityError as exc:
        raise RunAlreadyActive() from exc


def cohort_runs(conn: Connection, tenant: str, cohort_id: str):
    return rows(conn, runs, tenant, runs.c.cohort_id == cohort_id, order_by=runs.c.requested_at.desc())


# --- the worker's claim and lease -----------------------------------------------------------


def queued_run_ids(conn: Connection, limit: int = 20) -> list[str]:
    r = runs
    return conn.execute(sa.select(r.c.id).where(r.c.status == QUEUED).order_by(r.c.requested_at).limit(limit)).scalars().all()


def claim(conn: Connection, run_id: str, worker: str, now: datetime, lease_until: datetime):
    """The run, now running under ``worker``'s lease; None when another worker changed it first."""
    r = runs
    won = conn.execute(r.update().where(r.c.id == run_id, r.c.status == QUEUED).values(
        status=RUNNING, claimed_by=worker, lease_until=lease_until, started_at=now, attempts=r.c.attempts + 1)).rowcount
    return conn.execute(sa.select(r).where(r.c.id == run_id)).mappings().one() if won else None


def renew_lease(conn: Connection, run_id: str, worker: str, lease_until: datetime) -> bool:
    """Push the lease forward; False when the run is no longer this worker's."""
    r = runs
    return bool(conn.execute(r.update().where(r.c.id == run_id, r.c.status == RUNNING, r.c.claimed_by == worker)
                             .values(lease_until=lease_until)).rowcount)


def requeue_abandoned(conn: Connection, now: datetime, max_attempts: int, failure_reason: str) -> tuple[int, int]:
    """Runs still "running" whose lease ran out: failed once tried ``max_attempts`` times, else
    queued again. Returns (failed, queued again)."""
    r = runs
    stale = sa.and_(r.c.status == RUNNING, sa.or_(r.c.lease_until.is_(None), r.c.lease_until < now))
    given_up = conn.execute(r.update().where(stale, r.c.attempts >= max_attempts).values(
        status=FAILED, finished_at=now, claimed_by=None, lease_until=None, failure_code="interrupted",
        failure_reason=failure_reason)).rowcount
    requeued = conn.execute(r.update().where(stale).values(status=QUEUED, claimed_by=None, lease_until=None)).rowcount
    return given_up, requeued


def end_run(conn: Connection, run_id: str, worker: str, status: str, now: datetime, **values) -> bool:
    """Finish a run if it is still ``worker``'s (False, and nothing written, otherwise). Run it
    first in its transaction, so that on PostgreSQL the row is locked for the rest of it."""
    r = runs
    return bool(conn.execute(r.update().where(r.c.id == run_id, r.c.status == RUNNING, r.c.claimed_by == worker).values(
        status=status, finished_at=now, claimed_by=None, lease_until=None, **values)).rowcount)


# --- proposals and unmatched mentees --------------------------------------------------------


def supersede_proposals(conn: Connection, tenant: str, cohort_id: str) -> None:
    p = proposals
    conn.execute(p.update().where(p.c.tenant == tenant, p.c.cohort_id == cohort_id, p.c.status == "proposed")
                 .values(status="superseded"))


def add_proposal(conn: Connection, row: dict) -> None:
    conn.execute(proposals.insert().values(**row))


def add_unmatched(conn: Connection, row: dict) -> None:
    conn.execute(unmatched.insert().values(**row))


def open_proposals(conn: Connection, tenant: str, run_id: str):
    p = proposals
    return rows(conn, p, tenant, p.c.run_id == run_id, p.c.status == "proposed", order_by=p.c.score.desc())


def untold_unmatched(conn: Connection, tenant: str, run_id: str):
    u = unmatched
    return rows(conn, u, tenant, u.c.run_id == run_id, u.c.notified_at.is_(None))


def _named(conn: Connection, tenant: str, items, *roles: str) -> list[dict]:
    who = names(conn, tenant, {r[f"{role}_id"] for r in items for role in roles})
    return [{**r, **{role: who.get(r[f"{role}_id"]) for role in roles}} for r in items]


def run_detail(conn: Connection, tenant: str, run) -> dict:
    """The run with every proposal (best first) and every mentee left unmatched, each named."""
    p, u = proposals, unmatched
    found = rows(conn, p, tenant, p.c.run_id == run["id"], order_by=p.c.score.desc())
    left = rows(conn, u, tenant, u.c.run_id == run["id"])
    who = names(conn, tenant, {r["mentee_id"] for r in [*found, *left]} | {r["mentor_id"] for r in found})
    return {
        **run,
        "proposals": [{**r, "mentee": who.get(r["mentee_id"]), "mentor": who.get(r["mentor_id"])} for r in found],
        "unmatched_mentees": [{**r, "mentee": who.get(r["mentee_id"])} for r in left],
    }


def proposal_page(conn: Connection, tenant: str, run, status: str | None, page: int, page_size: int) -> dict:
    """One page of the run's proposals, best first, with the counts by status and the cohort's
    confirmed pairs."""
    p = proposals
    mine = [p.c.tenant == tenant, p.c.run_id == run["id"]]
    counts = dict(conn.execute(sa.select(p.c.status, sa.func.count()).where(*mine).group_by(p.c.status)).all())
    if status:
        mine.append(p.c.status == status)
    total = conn.execute(sa.select(sa.func.count()).select_from(p).where(*mine)).scalar_one()
    items = conn.execute(sa.select(p).where(*mine).order_by(p.c.score.desc(), p.c.id)
                         .limit(page_size).offset((page - 1) * page_size)).mappings().all()
    kept = conn.execute(sa.select(sa.func.count()).select_from(pairs).where(
        pairs.c.tenant == tenant, pairs.c.cohort_id == run["cohort_id"], pairs.c.status == "confirmed")).scalar_one()
    return {"run": run, "counts": counts, "kept": kept, "total": total, "page": page, "page_size": page_size,
            "items": _named(conn, tenant, items, "mentee", "mentor")}


def unmatched_page(conn: Connection, tenant: str, run_id: str, page: int, page_size: int) -> dict:
    """One page of the mentees the run left without a mentor, by name."""
    u, a = unmatched, applications
    mine = [u.c.tenant == tenant, u.c.run_id == run_id]
    total = conn.execute(sa.select(sa.func.count()).select_from(u).where(*mine)).scalar_one()
    items = conn.execute(sa.select(u, a.c.name.label("mentee")).join(
        a, (a.c.id == u.c.mentee_id) & (a.c.tenant == u.c.tenant), isouter=True).where(*mine)
        .order_by(a.c.name, u.c.mentee_id).limit(page_size).offset((page - 1) * page_size)).mappings().all()
    return {"total": total, "page": page, "page_size": page_size, "items": items}
