"""Admission: an application is taken in (written, not yet numbered) in one transaction and
numbered and decided in the next, once it is committed, in rounds that decide a whole cohort's
waiting applications at once (``admit`` explains why)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from datetime import datetime

from sqlalchemy.engine import Connection

from .. import store
from ..domain import applications as rules
from ..domain.applications import AlreadyApplied

Begin = Callable[[], ContextManager[Connection]]


def take_in(conn: Connection, cohort, body: dict, now: datetime) -> dict:
    """Write the application, not yet numbered nor decided (the caller commits it, then ``admit``).

    Raises ``AlreadyApplied`` (without writing) when this e-mail applied in this role already.
    """
    row = rules.new_application(cohort, body, now)
    if not store.insert_application(conn, row):
        raise AlreadyApplied(row["role"], store.existing_application(conn, row))
    return row


class _Round:
    """One reading of a cohort's waiting list by this process, and what it decided."""

    def __init__(self):
        self.done = threading.Event()
        self.decided: dict[str, dict] = {}
        self.error: BaseException | None = None


_rounds = threading.Lock()
_forming: dict[str, _Round] = {}  # cohort id -> the round that reads the waiting list next
_running: dict[str, threading.Lock] = {}  # cohort id -> held while this process's round runs


def admit(begin: Begin, application_id: str, cohort, programme, now: datetime, settings) -> dict:
    """Number and decide every application of the cohort still waiting for it, in the order they
    came in; return ``application_id``'s row, decided, with its personal link and queue position.

    A national call opens with a rush, and an exact arrival number and an exact count of places
    need the cohort to be decided one round at a time. Taking an application in (``take_in``)
    needs no lock, so applicants commit side by side. Then, in each process, the first to ask
    leads a round and those who ask meanwhile join it: the round reads every application still
    waiting (theirs were committed before they joined) and decides them all in one transaction
    (``begin``), so a rush costs a round per batch of applicants, not a lock per applicant. Rounds
    of several processes or replicas take turns under the cohort's admission lock.
    """
    key = cohort["id"]
    with _rounds:
        round_ = _forming.get(key)
        leading = round_ is None
        if leading:
            round_ = _forming[key] = _Round()
        running = _running.setdefault(key, threading.Lock())
    if leading:
        with running:  # this process's previous round of the cohort ends first
            with _rounds:
                del _forming[key]  # whoever asks from now on joins the next round
            try:
                with begin() as conn:
                    round_.decided = _admission_round(conn, cohort, programme, now, settings)
            except BaseException as exc:
                round_.error = exc
            finally:
                round_.done.set()
    else:
        round_.done.wait()
    if round_.error is not None:
        raise round_.error
    row = round_.decided.get(application_id)
    if row is None:  # another process's round decided it before ours read the list
        with begin() as conn:
            row = dict(store.one(conn, store.applications, cohort["tenant"], application_id))
            row["waitlist_position"] = store.waitlist_position(conn, row)
    return {**row, "manage_link": rules.manage_link(settings, row), "waitlist_position": row.get("waitlist_position")}


def _admission_round(conn: Connection, cohort, programme, now: datetime, settings) -> dict[str, dict]:
    """Under the cohort's admission lock, number and decide every application still waiting; by id.

    The cohort's row is locked as well (by counting the arrivals on it), as coordinators'
    decisions do, so the two never count places at once.
    """
    tenant = cohort["tenant"]
    store.lock_admission(conn, cohort["id"])
    waiting = store.awaiting_arrival(conn, tenant, cohort["id"])
    if not waiting:
        return {}
    last = store.take_arrivals(conn, tenant, cohort["id"], len(waiting))
    held = {role: store.accepted_and_waitlisted(conn, tenant, cohort["id"], role)
            for role in {r["role"] for r in waiting}} if rules.decides_on_arrival(cohort) else {}
    events = rules.number_and_decide(waiting, last, held, cohort, programme, now, settings)
    store.write_arrivals(conn, tenant, waiting)
    store.publish(conn, *events)
    return {row["id"]: row for row in waiting}
