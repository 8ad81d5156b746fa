"""The worker's tick: claim the agenda's work whose time has come and do it.

Claiming and doing are one transaction: the rows are locked (``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so other replicas pass them by and take the next ones), the events are
written to the outbox, and the rows are marked done, all committed together. A worker that dies
between claim and send leaves nothing behind — its transaction never commits, the locks go with
its connection, and the next tick does the work — and a committed piece of work is never done
again. (On SQLite, the embedded single process, the write lock taken at BEGIN does the same.)

Before doing anything the tick checks the work still applies: a reminder for a meeting that has
moved since (another SEQUENCE), been held or called off, or a nudge for a window whose meeting was
held, is marked skipped.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection, Engine

from services.shared import clock
from services.shared.retry import backoff

from .. import store
from ..domain import agenda, links, messages, timing
from .phases import refresh_phase

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH = 200


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:120]


def run_due(engine: Engine, now: datetime | None = None, *, limit: int = BATCH, worker: str | None = None,
            on_claimed: Callable[[list[dict]], None] | None = None) -> Counter:
    """Do everything due at ``now`` (the platform's clock by default), batch by batch; return how
    many pieces of work were sent, skipped and failed. ``on_claimed`` sees each claimed batch
    before any of it is done (tests stop a worker there)."""
    worker = worker or worker_name()
    done: Counter = Counter()
    while True:
        moment = now or clock.now()
        with engine.begin() as conn:
            batch = store.claim_work(conn, moment, limit)
            if on_claimed is not None:
                on_claimed(batch)
            for job in batch:
                done[_do(conn, job, moment, worker)] += 1
        if len(batch) < limit:
            return done


def _do(conn: Connection, job: dict, now: datetime, worker: str) -> str:
    try:
        with conn.begin_nested():  # one failing piece of work does not undo the rest of the batch
            outcome = PERFORM[job["kind"]](conn, job, now)
    except Exception as exc:
        attempts = job["attempts"] + 1
        log.exception("due work %s %s/%s failed (attempt %d)", job["kind"], job["subject_id"], job["key"], attempts)
        failed = attempts >= MAX_ATTEMPTS
        store.work_failed(conn, job["id"], attempts, repr(exc)[:2000], "failed" if failed else "pending",
                          # later, so that it does not hold up the queue behind it
                          job["due_at"] if failed else now + timedelta(seconds=backoff(attempts, 120, 3600)))
        return "failed"
    store.work_done(conn, job["id"], outcome, now, worker)
    return outcome


# --- each kind of work --------------------------------------------------------------------------


def _pair_context(conn: Connection, tenant: str, pair_id: str) -> messages.PairContext | None:
    pair = store.one(conn, store.pairs, tenant, pair_id)
    if pair is None or pair["status"] != "active":
        return None
    ctx = store.pair_context(conn, pair)
    return None if ctx.anyone_erased else ctx


def meeting_reminder(conn: Connection, job: dict, now: datetime) -> str:
    days, sequence = agenda.parse_reminder_key(job["key"])
    meeting = store.one(conn, store.meetings, job["tenant"], job["subject_id"])
    if meeting is None or meeting["status"] != "scheduled" or meeting["sequence"] != sequence or meeting["starts_at"] <= now:
        return "skipped"
    ctx = _pair_context(conn, job["tenant"], meeting["pair_id"])
    if ctx is None or timing.overtaken(meeting["starts_at"], days, agenda.reminder_days(ctx.programme), ctx.time_zone, now):
        return "skipped"
    store.emit(conn, "meeting.reminder_due.v1", job["tenant"], f"pair/{ctx.pair['id']}",
               messages.meeting_data(ctx, meeting, days_before=days))
    return "sent"


def event_reminder(conn: Connection, job: dict, now: datetime) -> str:
    days, sequence = agenda.parse_reminder_key(job["key"])
    event = store.one(conn, store.cohort_events, job["tenant"], job["subject_id"])
    if event is None or event["status"] != "scheduled" or event["sequence"] != sequence or event["starts_at"] <= now:
        return "skipped"
    cohort = store.one(conn, store.cohorts, job["tenant"], event["cohort_id"])
    if timing.overtaken(event["starts_at"], days, agenda.reminder_days(cohort["programme"] or {}), event["time_zone"], now):
        return "skipped"
    recipients = store.attendees(conn, job["tenant"], event["cohort_id"])
    if not recipients:
        return "skipped"
    store.emit(conn, "event.reminder_due.v1", job["tenant"], f"cohort_event/{event['id']}",
               messages.cohort_event_data(cohort, event, recipients, days_before=days))
    return "sent"


def nudge(conn: Connection, job: dict, now: datetime) -> str:
    """The window closed: nudge the pair unless its meeting was held."""
    meeting = store.one(conn, store.meetings, job["tenant"], job["subject_id"])
    if meeting is None or meeting["status"] == "held":
        return "skipped"
    ctx = _pair_context(conn, job["tenant"], meeting["pair_id"])
    if ctx is None:
        return "skipped"
    store.emit(conn, "meeting.nudge_due.v1", job["tenant"], f"pair/{ctx.pair['id']}", {
        **messages.pair_data(ctx), "number": meeting["number"], "window_start": meeting["window_start"],
        "window_end": meeting["window_end"]})
    return "sent"


def survey(conn: Connection, job: dict, now: datetime) -> str:
    """The person's mid-point or closing survey, with their personal link to its page on the web front."""
    person = store.one(conn, store.participants, job["tenant"], job["subject_id"])
    if person is None or person["erased"] or not person["email"]:
        return "skipped"
    active = store.active_pair_ids(conn, job["tenant"], person["cohort_id"], person["application_id"])
    if not active:
        return "skipped"
    cohort = store.one(conn, store.cohorts, job["tenant"], person["cohort_id"])
    link = links.page(job["tenant"], person["application_id"], f"/surveys/{job['key']}",
                      ends_on=cohort["ends_on"], time_zone=cohort["time_zone"], now=now)
    store.emit(conn, "survey.due.v1", job["tenant"], f"application/{person['application_id']}", {
        **messages.cohort_data(cohort), "pair_id": active[0], "kind": job["key"],
        "participant": messages.participant(person, link=link)})
    return "sent"


def phase(conn: Connection, job: dict, now: datetime) -> str:
    pair = store.one(conn, store.pairs, job["tenant"], job["subject_id"])
    if pair is None:
        return "skipped"
    return "sent" if refresh_phase(conn, pair, now) else "skipped"


PERFORM: dict[str, Callable[[Connection, dict, datetime], str]] = {
    "meeting_reminder": meeting_reminder,
    "event_reminder": event_reminder,
    "nudge": nudge,
    "survey": survey,
    "phase": phase,
}
