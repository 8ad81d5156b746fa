"""The worker's time-driven work: reminders 3 days and 1 day before meetings and cohort events,
a nudge when a due window closes with no meeting held, the mid-point and closing surveys, and
phase changes by the calendar — each sent exactly once, by two workers at once or across a
restart between claim and send."""

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from services.scheduling import store
from services.scheduling.usecases import due
from services.shared import clock
from tests.scheduling.conftest import CHECKLIST_FILLED, PUBLIC_URL, person, sign_both
from tests.skeleton import expect


def _types(scheduling, prefix: str) -> list[dict]:
    return scheduling.events(prefix)


def test_a_meeting_is_reminded_of_3_days_and_1_day_before_and_a_move_replans_it(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    scheduling.schedule(pair, 2, "2019-03-05T17:00:00")
    scheduling.tick(datetime(2019, 3, 2, 15, 59, tzinfo=UTC))
    assert _types(scheduling, "meeting.reminder_due") == []
    scheduling.tick(datetime(2019, 3, 2, 16, 0, tzinfo=UTC))  # Saturday 17:00 in Stockholm
    scheduling.tick(datetime(2019, 3, 2, 18, 0, tzinfo=UTC))  # and again: nothing more
    (three,) = _types(scheduling, "meeting.reminder_due")
    assert (three["data"]["days_before"], three["data"]["number"], three["data"]["starts_at"]) == (3, 2, "2019-03-05T16:00:00+00:00")
    assert {three["data"]["mentee"]["email"], three["data"]["mentor"]["email"]} == {"amal.haddad@example.se", "karin.berg@example.se"}

    # the pair moves it to Thursday: its reminders follow the new time, under the new SEQUENCE,
    # and none comes for the old Tuesday
    clock.set(datetime(2019, 3, 3, 9, tzinfo=UTC))
    scheduling.schedule(pair, 2, "2019-03-07T17:00:00")
    scheduling.tick(datetime(2019, 3, 4, 16, 0, tzinfo=UTC))
    scheduling.tick(datetime(2019, 3, 6, 16, 0, tzinfo=UTC))
    reminders = _types(scheduling, "meeting.reminder_due")
    assert [(r["data"]["days_before"], r["data"]["sequence"], r["data"]["starts_at"][:10]) for r in reminders] == [
        (3, 0, "2019-03-05"), (3, 1, "2019-03-07"), (1, 1, "2019-03-07")]


def test_cohort_events_are_reminded_of_to_everyone_expected(scheduling):
    cohort = scheduling.cohort()
    scheduling.confirm("agency", cohort)
    scheduling.confirm("agency", cohort, person("Omar Yusuf"), person("Lars Holm"))
    scheduling.tick(datetime(2019, 1, 28, 7, 30, tzinfo=UTC))  # 08:30 on Monday: three days before the half-day meeting
    (reminder,) = _types(scheduling, "event.reminder_due")
    data = reminder["data"]
    assert (data["kind"], data["days_before"], data["venue"], data["mandatory"]) == ("half_day", 3, "Hotell Exempel, Järnvägsgatan 1, Stockholm", True)
    assert sorted(r["name"] for r in data["recipients"]) == ["Amal Haddad", "Karin Berg", "Lars Holm", "Omar Yusuf"]


def test_a_window_that_closes_without_a_meeting_held_nudges_the_pair(scheduling):
    cohort = scheduling.cohort()
    idle = scheduling.confirm("agency", cohort)
    busy = scheduling.confirm("agency", cohort, person("Omar Yusuf"), person("Lars Holm"))
    first = scheduling.schedule(busy, 1, "2019-02-12T16:00:00")
    clock.set(datetime(2019, 2, 12, 18, tzinfo=UTC))
    expect(scheduling.send("POST", f"/scheduling/meetings/{first['id']}/held", CHECKLIST_FILLED, scheduling.token(busy, "mentee")), 200)
    scheduling.tick(datetime(2019, 2, 23, 7, 59, tzinfo=UTC))
    assert _types(scheduling, "meeting.nudge_due") == []
    scheduling.tick(datetime(2019, 2, 23, 8, 0, tzinfo=UTC))  # 09:00 the morning after window 1 closed
    (nudge,) = _types(scheduling, "meeting.nudge_due")
    assert (nudge["data"]["pair_id"], nudge["data"]["number"], nudge["data"]["window_start"], nudge["data"]["window_end"]) == (
        idle.id, 1, "2019-01-23", "2019-02-22")


def test_a_pair_goes_from_confirmation_through_its_agreement_and_meetings_to_closing_and_the_end(scheduling):
    """The whole walk, through the API and the worker's clock."""
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    sign_both(scheduling, pair)
    assert scheduling.pair(pair)["phase"] == "start"  # signed, but not met yet
    first = scheduling.schedule(pair, 1, "2019-01-29T17:00:00")
    scheduling.tick(datetime(2019, 1, 28, 16, 0, tzinfo=UTC))
    # the worker was down over the weekend: the 3-day reminder, overtaken by the 1-day one, is skipped
    assert [r["data"]["days_before"] for r in _types(scheduling, "meeting.reminder_due")] == [1]
    clock.set(datetime(2019, 1, 29, 19, tzinfo=UTC))
    expect(scheduling.send("POST", f"/scheduling/meetings/{first['id']}/held", CHECKLIST_FILLED, scheduling.token(pair, "mentor")), 200)
    assert scheduling.pair(pair)["phase"] == "working"

    # the worker ticks every day until after the cohort's end
    day = datetime(2019, 1, 30, 8, tzinfo=UTC)
    while day < datetime(2019, 7, 25, tzinfo=UTC):
        clock.set(day)
        scheduling.tick(day)
        day += timedelta(days=1)
    phases = [(e["data"]["previous_phase"], e["data"]["phase"]) for e in _types(scheduling, "mentorship.phase_changed")]
    assert phases == [(None, "start"), ("start", "working"), ("working", "closing"), ("closing", "finished")]
    surveys = _types(scheduling, "survey.due")
    assert [(s["data"]["kind"], s["data"]["participant"]["role"]) for s in surveys] == [
        ("midpoint", "mentee"), ("midpoint", "mentor"), ("closing", "mentee"), ("closing", "mentor")]
    link = surveys[0]["data"]["participant"]["link"]
    assert link.startswith(f"{PUBLIC_URL}/surveys/midpoint?token=")  # the survey's page on the web front
    assert surveys[0]["time"] and surveys[0]["data"]["pair_id"] == pair.id
    # windows 2-5 closed without a meeting (window 6 is the end of the cohort: no nudge after it)
    assert [n["data"]["number"] for n in _types(scheduling, "meeting.nudge_due")] == [2, 3, 4, 5]
    overview = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/overview", None, scheduling.coordinator("agency")), 200)
    assert overview["pairs"][0]["meetings"] == {"planned": 6, "due": 6, "held": 1, "missed": 0, "scheduled": 0, "overdue": 5}
    assert overview["phases"] == {"start": 0, "working": 0, "closing": 0, "finished": 1}


def test_an_ended_pair_gets_no_more_reminders_nudges_or_surveys(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    scheduling.schedule(pair, 2, "2019-03-05T17:00:00")
    scheduling.end(pair)
    for day in range(0, 200, 3):
        scheduling.tick(datetime(2019, 1, 21, tzinfo=UTC) + timedelta(days=day))
    assert scheduling.events("meeting.reminder_due") == scheduling.events("meeting.nudge_due") == scheduling.events("survey.") == []
    # they are still people of the cohort: its events are still theirs
    assert scheduling.events("event.reminder_due")


def test_a_crash_between_claim_and_send_loses_and_repeats_nothing_sqlite(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    scheduling.schedule(pair, 2, "2019-03-05T17:00:00")
    at = datetime(2019, 3, 2, 17, tzinfo=UTC)  # the 3-day reminder is due

    class Crash(Exception):
        pass

    def crash(batch):
        if batch:
            raise Crash

    with pytest.raises(Crash):
        due.run_due(scheduling.engine, at, on_claimed=crash)
    assert _types(scheduling, "meeting.reminder_due") == []
    assert due.run_due(scheduling.engine, at)["sent"] >= 1
    assert due.run_due(scheduling.engine, at) == Counter()
    assert [r["data"]["days_before"] for r in _types(scheduling, "meeting.reminder_due")] == [3]


# --- several workers on PostgreSQL ------------------------------------------------------------------


def _many_pairs_meeting_on_the_same_evenings(s, pairs: int = 10):
    cohort = s.cohort()
    made = []
    for n in range(pairs):
        pair = s.confirm("agency", cohort, person(f"Adept Nummer{n}"), person(f"Mentor Nummer{n}"))
        s.schedule(pair, 3, "2019-04-10T17:00:00")
        s.schedule(pair, 4, "2019-04-11T17:00:00")
        made.append(pair)
    return made


# Monday 8 April, 18:00 in Stockholm: the 3-day reminders of both meetings are due; windows 1 and 2 have closed
AT = datetime(2019, 4, 8, 16, tzinfo=UTC)


def _due_rows(s) -> list[dict]:
    t = store.due_work
    with s.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(t)).mappings()]


@pytest.mark.services
def test_two_workers_ticking_at_once_send_each_reminder_exactly_once(scheduling_pg, monkeypatch):
    s = scheduling_pg
    pairs = _many_pairs_meeting_on_the_same_evenings(s)
    at = AT
    slow = due.PERFORM["meeting_reminder"]

    def meeting_reminder(conn, job, now):  # a little work per reminder, so the two workers overlap
        time.sleep(0.01)
        return slow(conn, job, now)

    monkeypatch.setitem(due.PERFORM, "meeting_reminder", meeting_reminder)
    start = threading.Barrier(2)
    results: dict[str, Counter] = {}
    errors = []

    def worker(name: str) -> None:
        try:
            start.wait()
            results[name] = due.run_due(s.engine, at, limit=4, worker=name)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("worker-a", "worker-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    reminders = [(r["data"]["meeting_id"], r["data"]["days_before"]) for r in s.events("meeting.reminder_due")]
    assert len(reminders) == 2 * len(pairs) and len(set(reminders)) == len(reminders)
    nudges = [(n["data"]["pair_id"], n["data"]["number"]) for n in s.events("meeting.nudge_due")]
    assert sorted(nudges) == sorted((p.id, k) for p in pairs for k in (1, 2))
    done = [r for r in _due_rows(s) if r["status"] == "done"]
    assert {r["done_by"] for r in done} == {"worker-a", "worker-b"}  # both took part
    assert sum(results["worker-a"].values()) + sum(results["worker-b"].values()) == len(done)
    assert due.run_due(s.engine, at) == Counter()


CHILD = """
import os, sys
from datetime import datetime
from services.scheduling.usecases import due
from services.shared.db import create_engine
engine = create_engine(sys.argv[1])
def die(batch):
    if batch:
        os._exit(17)  # the process dies holding its claims, before anything is sent
due.run_due(engine, datetime.fromisoformat(sys.argv[2]), on_claimed=die)
"""


@pytest.mark.services
def test_a_restart_between_claim_and_send_neither_loses_nor_repeats_a_reminder(scheduling_pg):
    s = scheduling_pg
    pairs = _many_pairs_meeting_on_the_same_evenings(s, pairs=3)
    at = AT
    url = s.engine.url.render_as_string(hide_password=False)
    child = subprocess.run([sys.executable, "-c", CHILD, url, at.isoformat()], capture_output=True, text=True, timeout=60,
                           cwd=os.getcwd())
    assert child.returncode == 17, child.stderr
    assert s.events("meeting.reminder_due") == []
    assert all(r["status"] == "pending" for r in _due_rows(s) if r["kind"] == "meeting_reminder")

    # the worker comes back (a new process: a new engine) and does what was claimed, once
    s.engine.dispose()
    assert due.run_due(s.engine, at)["sent"] == 2 * len(pairs) + 2 * len(pairs)  # reminders and nudges
    assert due.run_due(s.engine, at) == Counter()
    reminders = [(r["data"]["meeting_id"], r["data"]["days_before"]) for r in s.events("meeting.reminder_due")]
    assert len(reminders) == 2 * len(pairs) == len(set(reminders))
