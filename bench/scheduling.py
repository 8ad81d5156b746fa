"""Benchmark of scheduling's worker tick on PostgreSQL: finding and claiming what is due among a
million planned meetings and cohort events, against a plain indexed SELECT of the same rows.

A scratch database gets scheduling's schema (its Alembic migrations) and, with generate_series,
1,000 cohorts of 166 pairs with six meetings each (996,000 meetings, all with a date, spread over a
year), four cohort events per cohort (4,000), the 332,000 people, and two reminders per meeting and
per event in the agenda (about two million rows): those due before a cut-off are done, the next
``--due`` are due now (a worker's backlog), the rest are still to come. Then, each repeated and the
median kept:

  (a) baseline: the plain indexed SELECT of the due rows (the agenda's partial index on pending rows);
  (b) claim: the tick's own SELECT … FOR UPDATE SKIP LOCKED of the same rows;
  (c) claim and mark: (b) and the UPDATE that marks them done (rolled back, so they stay due);
  (d) claim while another worker holds the first batch: SKIP LOCKED passes its rows by;
  (e) one whole tick (``due.run_due``): claim, build and validate each reminder event, write it to
      the outbox, mark done — once, committed.

It prints the figures and, last, one JSON object. The scratch database is dropped at the end, also
on failure, Ctrl-C or SIGTERM.

    .venv/bin/python bench/scheduling.py [--quick] [--due N]

Exit status: 0 when the run completed, 2 when PostgreSQL is unreachable, 1 on any other failure.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

PG_BASE = os.environ.get("TANDEM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")

PAIRS_PER_COHORT = 166
MEETINGS_PER_PAIR = 6
EVENTS_PER_COHORT = 4
TENANTS = 10
FULL_COHORTS = 1000  # 996,000 meetings + 4,000 events = 1,000,000
QUICK_COHORTS = 100
DEFAULT_DUE = 1000
BATCH = 200  # the tick's batch (due.BATCH)
REPEATS = 7
BASE = datetime(2027, 1, 1, tzinfo=UTC)  # the first meeting
YEAR = timedelta(days=365)
NOW = BASE + timedelta(days=180)  # the moment of the tick
TARGET = {"claim_vs_select": 2.0}  # the claim may cost at most twice the plain read of the same rows


class Unreachable(RuntimeError):
    """PostgreSQL cannot be reached (exit status 2)."""


class BenchError(RuntimeError):
    """A phase did not complete (exit status 1)."""


def say(line: str = "") -> None:
    print(line, flush=True)


def warn(line: str) -> None:
    print(f"bench: {line}", file=sys.stderr, flush=True)


def check_postgres() -> None:
    parts = urlsplit(PG_BASE.replace("+psycopg", ""))
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    try:
        with socket.create_connection((host, port), timeout=3):
            pass
    except OSError as exc:
        raise Unreachable(f"PostgreSQL is not reachable on {host}:{port}: {exc}") from None
    engine = sa.create_engine(f"{PG_BASE}/postgres", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:
        raise Unreachable(f"PostgreSQL at {PG_BASE} refused the benchmark: {exc}") from None
    finally:
        engine.dispose()


def drop_database(name: str) -> None:
    admin = sa.create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


# --- the data -------------------------------------------------------------------------------------

PROGRAMME = json.dumps({"id": "p", "name": {"sv": "Mentorprogrammet"}, "locale": "sv", "languages": ["sv", "en"],
                        "meeting_every_months": 1, "meeting_minutes": 120, "meeting_plan": [], "reminder_days": [3, 1]})
TOPIC = json.dumps({"sv": "Arbetsmarknaden", "en": "The labour market"})
CHECKLIST = json.dumps([{"sv": "Vad har hänt sedan sist?"}, {"sv": "Vem gör vad till nästa träff"}])


def load(conn, cohorts: int, due: int) -> dict:
    """Fill the scratch database with generate_series; return the counts and the cut-off."""
    pairs = cohorts * PAIRS_PER_COHORT
    meetings = pairs * MEETINGS_PER_PAIR
    events = cohorts * EVENTS_PER_COHORT
    step = YEAR.total_seconds() / meetings  # seconds between consecutive meetings
    event_step = YEAR.total_seconds() / events
    # two reminder streams of density 1/step each: ``due`` rows fall in the last due*step/2 seconds
    cutoff = NOW - timedelta(seconds=due * step / 2)
    p = {"base": BASE, "now": NOW, "cutoff": cutoff, "step": step, "event_step": event_step}
    sql = conn.exec_driver_sql
    sql(f"""INSERT INTO cohorts (id, tenant, name, time_zone, starts_on, ends_on, status, programme, updated_at)
            SELECT 'c' || c, 't' || (c %% {TENANTS}), 'Kull ' || c, 'Europe/Stockholm', DATE '2027-01-01',
                   DATE '2027-12-31', 'running', %(programme)s::json, %(base)s
            FROM generate_series(0, {cohorts - 1}) AS c""", {**p, "programme": PROGRAMME})
    sql(f"""INSERT INTO participants (application_id, tenant, cohort_id, role, name, locale, time_zone, recorded_at,
                                      email, status, erased)
            SELECT 'a' || n, 't' || ((n / 2 / {PAIRS_PER_COHORT}) %% {TENANTS}), 'c' || (n / 2 / {PAIRS_PER_COHORT}),
                   CASE WHEN n %% 2 = 0 THEN 'mentee' ELSE 'mentor' END, 'Person ' || n, 'sv', 'Europe/Stockholm',
                   %(base)s, 'person' || n || '@example.org', 'accepted', false
            FROM generate_series(0, {2 * pairs - 1}) AS n""", p)
    sql(f"""INSERT INTO pairs (id, tenant, cohort_id, mentee_id, mentor_id, shared_languages, share_contact_details,
                               status, phase, confirmed_at, updated_at)
            SELECT 'p' || q, 't' || ((q / {PAIRS_PER_COHORT}) %% {TENANTS}), 'c' || (q / {PAIRS_PER_COHORT}),
                   'a' || (2 * q), 'a' || (2 * q + 1), '["sv"]'::json, '["email"]'::json, 'active', 'working',
                   %(base)s, %(base)s
            FROM generate_series(0, {pairs - 1}) AS q""", p)
    sql(f"""INSERT INTO meetings (id, tenant, pair_id, cohort_id, number, topic, checklist, window_start, window_end,
                                  status, starts_at, ends_at, place, mode, sequence, updated_at)
            SELECT 'm' || i, 't' || ((i / {MEETINGS_PER_PAIR} / {PAIRS_PER_COHORT}) %% {TENANTS}),
                   'p' || (i / {MEETINGS_PER_PAIR}), 'c' || (i / {MEETINGS_PER_PAIR} / {PAIRS_PER_COHORT}),
                   i %% {MEETINGS_PER_PAIR} + 1, %(topic)s::json, %(checklist)s::json, DATE '2027-01-01', DATE '2027-12-31',
                   'scheduled', %(base)s + make_interval(secs => i * %(step)s),
                   %(base)s + make_interval(secs => i * %(step)s) + interval '2 hours', 'Stadsbiblioteket', 'in_person',
                   0, %(base)s
            FROM generate_series(0, {meetings - 1}) AS i""", {**p, "topic": TOPIC, "checklist": CHECKLIST})
    sql(f"""INSERT INTO cohort_events (id, source_id, tenant, cohort_id, kind, title, starts_at, ends_at, time_zone,
                                       venue, mandatory, status, sequence, updated_at)
            SELECT 'e' || j, 'e' || j, 't' || ((j / {EVENTS_PER_COHORT}) %% {TENANTS}), 'c' || (j / {EVENTS_PER_COHORT}),
                   'half_day', '{{"sv": "Halvdagsträff"}}'::json, %(base)s + make_interval(secs => j * %(event_step)s),
                   %(base)s + make_interval(secs => j * %(event_step)s) + interval '3.5 hours', 'Europe/Stockholm',
                   'Hotell Exempel', true, 'scheduled', 0, %(base)s
            FROM generate_series(0, {events - 1}) AS j""", p)
    # the agenda: 3 and 1 days before every meeting and event; done before the cut-off, due since
    # then (the backlog one tick finds), pending after now
    for kind, subject, prefix, table_step, count in (("meeting_reminder", "m", "i", "step", meetings),
                                                    ("event_reminder", "e", "j", "event_step", events)):
        sql(f"""INSERT INTO due_work (tenant, kind, subject_id, key, due_at, status, attempts, created_at, done_at)
                SELECT t, '{kind}', s, d || 'd@0', at, CASE WHEN at < %(cutoff)s THEN 'done' ELSE 'pending' END, 0,
                       %(base)s, CASE WHEN at < %(cutoff)s THEN at END
                FROM (SELECT 't' || (({prefix} / {EVENTS_PER_COHORT if subject == 'e' else MEETINGS_PER_PAIR * PAIRS_PER_COHORT}) %% {TENANTS}) AS t,
                             '{subject}' || {prefix} AS s, d,
                             %(base)s + make_interval(secs => {prefix} * %({table_step})s) - make_interval(days => d) AS at
                      FROM generate_series(0, {count - 1}) AS {prefix}, (VALUES (3), (1)) AS days(d)) AS rows""", p)
    return {"cohorts": cohorts, "pairs": pairs, "meetings": meetings, "events": events, "cutoff": cutoff}


# --- the measurements -------------------------------------------------------------------------------

DUE_SQL = ("SELECT * FROM due_work WHERE status = 'pending' AND due_at <= %(now)s "
           "ORDER BY due_at, id LIMIT %(limit)s")


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def timed(engine, statements, repeats: int = REPEATS) -> tuple[float, int]:
    """Median time of running ``statements(conn)`` in a transaction that is rolled back."""
    samples, rows = [], 0
    for _ in range(repeats):
        with engine.connect() as conn:
            trans = conn.begin()
            start = time.perf_counter()
            rows = statements(conn)
            samples.append(time.perf_counter() - start)
            trans.rollback()
    return median_ms(samples), rows


def run(cohorts: int, due_count: int) -> dict:
    from services.scheduling.usecases import due
    from services.shared.db import create_engine, migrate

    check_postgres()
    tag = uuid.uuid4().hex[:8]
    db_name = f"tandem_bench_scheduling_{tag}"
    db_url = f"{PG_BASE}/{db_name}"
    scratch_dir = tempfile.mkdtemp(prefix="tandem-bench-")
    os.environ["TANDEM_DATA_DIR"] = scratch_dir  # links made by the tick read settings from here
    os.environ.setdefault("TANDEM_SIGNING_KEY", "bench")
    db_made = False
    engine = None
    try:
        db_made = True  # before the call: an interrupt may land after the server made it
        migrate("scheduling", db_url)
        engine = create_engine(db_url, pool_size=4)
        say(f"Tandem scheduling benchmark: database {db_name}")
        start = time.perf_counter()
        with engine.begin() as conn:
            counts = load(conn, cohorts, due_count)
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum would have done to a real agenda
        vacuum_s = time.perf_counter() - start
        with engine.connect() as conn:
            total = conn.exec_driver_sql("SELECT count(*) FROM due_work").scalar_one()
            pending = conn.exec_driver_sql("SELECT count(*) FROM due_work WHERE status = 'pending'").scalar_one()
            due_now = conn.exec_driver_sql("SELECT count(*) FROM due_work WHERE status = 'pending' AND due_at <= %(now)s",
                                           {"now": NOW}).scalar_one()
            plan = "\n".join(r[0] for r in conn.exec_driver_sql(
                "EXPLAIN " + DUE_SQL + " FOR UPDATE SKIP LOCKED", {"now": NOW, "limit": due_now}))
        planned = counts["meetings"] + counts["events"]
        say(f"loaded {planned:,} planned meetings and events ({counts['meetings']:,} meetings of {counts['pairs']:,} pairs "
            f"in {cohorts:,} cohorts, {counts['events']:,} cohort events) and {total:,} agenda rows "
            f"({pending:,} pending, {due_now:,} due now) in {load_s:.1f} s (+ {vacuum_s:.1f} s VACUUM ANALYZE)")
        if "ix_due_work_pending" not in plan:
            raise BenchError(f"the claim does not use the agenda's index:\n{plan}")

        def select(limit):
            return lambda conn: len(conn.exec_driver_sql(DUE_SQL, {"now": NOW, "limit": limit}).all())

        def claim(limit):
            return lambda conn: len(conn.exec_driver_sql(DUE_SQL + " FOR UPDATE SKIP LOCKED", {"now": NOW, "limit": limit}).all())

        def claim_and_mark(conn):
            ids = [r[0] for r in conn.exec_driver_sql(
                DUE_SQL.replace("SELECT *", "SELECT id") + " FOR UPDATE SKIP LOCKED", {"now": NOW, "limit": due_now})]
            conn.exec_driver_sql("UPDATE due_work SET status = 'done', done_at = %(now)s WHERE id = ANY(%(ids)s)",
                                 {"now": NOW, "ids": ids})
            return len(ids)

        figures = {}
        for label, limit in (("all", due_now), ("batch", BATCH)):
            figures[f"select_{label}_ms"], n_select = timed(engine, select(limit))
            figures[f"claim_{label}_ms"], n_claim = timed(engine, claim(limit))
            if n_select != n_claim:
                raise BenchError(f"the claim found {n_claim} rows, the plain SELECT {n_select}")
        figures["claim_and_mark_all_ms"], _ = timed(engine, claim_and_mark)

        # another worker holds the first batch: this one's claim passes those rows by
        with engine.connect() as holder:
            trans = holder.begin()
            held = len(holder.exec_driver_sql(DUE_SQL + " FOR UPDATE SKIP LOCKED", {"now": NOW, "limit": BATCH}).all())
            figures["claim_batch_while_locked_ms"], got = timed(engine, claim(BATCH))
            with engine.connect() as probe:
                overlap = probe.exec_driver_sql(
                    "SELECT count(*) FROM (" + DUE_SQL + " FOR UPDATE SKIP LOCKED) AS c", {"now": NOW, "limit": BATCH}).scalar_one()
            trans.rollback()
        if held != min(BATCH, due_now) or got != min(BATCH, max(due_now - held, 0)) or overlap != got:
            raise BenchError(f"SKIP LOCKED: held {held}, the other claimed {got}")

        start = time.perf_counter()
        outcome = due.run_due(engine, NOW, limit=BATCH, worker="bench")
        tick_s = time.perf_counter() - start
        with engine.connect() as conn:
            written = conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar_one()
            left = conn.exec_driver_sql("SELECT count(*) FROM due_work WHERE status = 'pending' AND due_at <= %(now)s",
                                        {"now": NOW}).scalar_one()
        if left or outcome.get("failed") or written != outcome.get("sent", 0):
            raise BenchError(f"the tick left {left} due rows, {outcome.get('failed', 0)} failed, wrote {written} events "
                             f"for {outcome.get('sent', 0)} sent")
    finally:
        if engine is not None:
            engine.dispose()
        if db_made:
            try:
                drop_database(db_name)
            except Exception as exc:
                warn(f"could not drop database {db_name}: {exc}")
        try:
            for path in Path(scratch_dir).glob("*"):
                path.unlink()
            Path(scratch_dir).rmdir()
        except OSError:
            pass

    ratio = figures["claim_all_ms"] / figures["select_all_ms"] if figures["select_all_ms"] else float("inf")
    met = ratio <= TARGET["claim_vs_select"]
    say(f"(a) plain indexed SELECT of the {due_now} due rows:          {figures['select_all_ms']:8.2f} ms   "
        f"(a batch of {BATCH}: {figures['select_batch_ms']:.2f} ms)")
    say(f"(b) claim: SELECT … FOR UPDATE SKIP LOCKED of the same rows: {figures['claim_all_ms']:8.2f} ms   "
        f"(a batch of {BATCH}: {figures['claim_batch_ms']:.2f} ms)")
    say(f"(c) claim and mark them done:                               {figures['claim_and_mark_all_ms']:8.2f} ms")
    say(f"(d) claim a batch while another worker holds the first one: {figures['claim_batch_while_locked_ms']:8.2f} ms")
    say(f"(e) one whole tick: {sum(outcome.values())} rows claimed and done ({outcome.get('sent', 0)} events written, "
        f"{outcome.get('skipped', 0)} skipped) in {tick_s * 1000:.0f} ms = {sum(outcome.values()) / tick_s:.0f} rows/s")
    say(f"claim vs plain SELECT (b/a): {ratio:5.2f}  target <= {TARGET['claim_vs_select']}  {'MET' if met else 'MISSED'}")
    return {
        "planned_meetings": counts["meetings"], "cohort_events": counts["events"], "pairs": counts["pairs"],
        "agenda_rows": total, "pending_rows": pending, "due_now": due_now, "batch": BATCH, "repeats": REPEATS,
        "load_s": round(load_s, 1), "vacuum_analyze_s": round(vacuum_s, 1),
        **figures, "claim_vs_select": round(ratio, 3),
        "tick_ms": round(tick_s * 1000, 1), "tick_rows": sum(outcome.values()), "tick_sent": outcome.get("sent", 0),
        "tick_rows_per_s": round(sum(outcome.values()) / tick_s, 1),
        "targets": TARGET, "targets_met": met,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_COHORTS} cohorts (100,000 meetings and events): a smoke test")
    parser.add_argument("--cohorts", type=int, default=None, help=f"cohorts of {PAIRS_PER_COHORT} pairs (default {FULL_COHORTS})")
    parser.add_argument("--due", type=int, default=DEFAULT_DUE, help=f"rows due at the tick (default {DEFAULT_DUE})")
    args = parser.parse_args(argv)
    cohorts = args.cohorts if args.cohorts is not None else (QUICK_COHORTS if args.quick else FULL_COHORTS)
    if cohorts < 1 or args.due < 1:
        parser.error("--cohorts and --due must be positive")

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)

    def interrupted(_signum, _frame):
        raise KeyboardInterrupt

    # Stopped by a signal, the run still drops its database (finally blocks).
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    try:
        result = run(cohorts, args.due)
    except Unreachable as exc:
        warn(f"cannot run: {exc}")
        return 2
    except BenchError as exc:
        warn(f"failed: {exc}")
        return 1
    except KeyboardInterrupt:
        warn("interrupted")
        return 130
    say(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
