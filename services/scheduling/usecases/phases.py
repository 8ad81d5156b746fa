"""A pair's phase (start, working, closing, finished): moved forward, never back, when its facts
and the date call for it — after a signature, a meeting held, an end, or by the calendar."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from .. import store
from ..domain import messages, timing
from ..domain.pairs import windows
from ..domain.phases import PhaseFacts, moves_forward, phase_of


def facts(conn: Connection, pair, cohort: dict) -> PhaseFacts:
    held = store.held_count(conn, pair["tenant"], pair["id"])
    signed = store.signed_count(conn, pair["tenant"], pair["id"])
    return PhaseFacts(ended=pair["status"] == "ended" or cohort.get("status") == "finished",
                      agreement_signed=signed > 0, meetings_held=held,
                      closing_from=windows(cohort)[-1].start, ends_on=cohort["ends_on"])


def refresh_phase(conn: Connection, pair, now: datetime) -> str | None:
    """Move the pair to the phase its facts and the date call for (only ever forward), and say so."""
    # the pair's row is locked first, so a request and the worker's tick cannot both announce the same move
    current = store.one(conn, store.pairs, pair["tenant"], pair["id"], for_update=True)["phase"]
    cohort = dict(store.one(conn, store.cohorts, pair["tenant"], pair["cohort_id"]))
    phase = phase_of(facts(conn, pair, cohort), timing.today(now, cohort["time_zone"]))
    if not moves_forward(current, phase):
        return None
    store.update(conn, store.pairs, pair["tenant"], pair["id"], phase=phase, updated_at=now)
    ctx = store.pair_context(conn, {**pair, "phase": phase})
    if not ctx.anyone_erased:
        store.emit(conn, "mentorship.phase_changed.v1", pair["tenant"], f"pair/{pair['id']}",
                   {**messages.pair_data(ctx), "phase": phase, "previous_phase": current})
    return phase
