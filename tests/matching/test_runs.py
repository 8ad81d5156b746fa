"""Matching runs are the worker's work: a coordinator's request is queued and answered at once,
one worker executes it, a run that cannot succeed says why in the coordinator's terms, and a run
whose worker died is taken up again."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from werkzeug.test import Client

from services.matching import store
from services.matching.app import create_app
from services.matching.usecases import runs
from services.shared import clock
from services.shared.db import create_engine, migrate
from tests.matching.conftest import Matching
from tests.skeleton import expect

LAW = {"code": "2611", "title": "Jurist"}


def _cohort_of_two(matching, tenant="saco"):
    cohort = matching.cohort(tenant)
    matching.person(tenant, cohort, "mentee", "Amira Haddad", wished_profession=LAW)
    matching.person(tenant, cohort, "mentor", "Karin Berg", profession=LAW)
    return cohort


def _request(matching, token, cohort) -> dict:
    return expect(matching.send("POST", f"/matching/cohorts/{cohort}/runs", {}, token), 202)


def _status(matching, token, run_id) -> dict:
    return expect(matching.send("GET", f"/matching/runs/{run_id}", None, token), 200)


@pytest.fixture(autouse=True)
def _real_time():
    yield
    clock.set(None)


def test_a_coordinators_request_is_answered_at_once_and_the_worker_matches_the_cohort(matching):
    coordinator = matching.coordinator("saco")
    cohort = _cohort_of_two(matching)
    response = Client(create_app(matching.settings, matching.engine)).post(
        f"/matching/cohorts/{cohort}/runs", json={}, headers={"Authorization": f"Bearer {coordinator}"})
    assert response.status_code == 202
    queued = response.get_json()
    assert queued["status"] == "queued" and queued["trigger"] == "coordinator"
    assert response.headers["Location"].endswith(f"/runs/{queued['id']}")
    assert _status(matching, coordinator, queued["id"])["proposals"] == []  # nothing solved in the request

    assert runs.work_on_runs(matching.engine, "worker-1") == 1
    done = _status(matching, coordinator, queued["id"])
    assert (done["status"], done["matched"], done["attempts"], done["failure_reason"]) == ("succeeded", 1, 1, None)
    assert [p["mentor"] for p in done["proposals"]] == ["Karin Berg"]
    assert matching.events("match.proposed")[0]["data"]["run_id"] == queued["id"]


def test_a_cohort_nobody_can_be_matched_in_fails_with_what_the_coordinator_can_do(matching):
    coordinator = matching.coordinator("saco")
    cohort = matching.cohort("saco")
    matching.person("saco", cohort, "mentee", "Amira Haddad", wished_profession=LAW)
    no_mentors = _request(matching, coordinator, cohort)
    runs.work_on_runs(matching.engine, "worker-1")
    failed = _status(matching, coordinator, no_mentors["id"])
    assert failed["status"] == "failed" and failed["failure_code"] == "no_mentors"
    assert failed["failure_reason"] == "no mentors have applied to this cohort yet"

    other = matching.cohort("saco")
    matching.person("saco", other, "mentor", "Karin Berg", profession=LAW)
    no_mentees = _request(matching, coordinator, other)
    runs.work_on_runs(matching.engine, "worker-1")
    assert _status(matching, coordinator, no_mentees["id"])["failure_reason"] == "no mentees have applied to this cohort yet"


def test_a_run_that_breaks_unexpectedly_shows_no_internals_and_the_next_run_works(matching, monkeypatch, caplog):
    coordinator = matching.coordinator("saco")
    cohort = _cohort_of_two(matching)

    def broken(problem):
        raise RuntimeError("solver state /var/lib/secret corrupted")

    monkeypatch.setattr(runs, "solve", broken)
    run = _request(matching, coordinator, cohort)
    runs.work_on_runs(matching.engine, "worker-1")
    failed = _status(matching, coordinator, run["id"])
    assert failed["status"] == "failed" and failed["failure_code"] == "unexpected"
    assert "secret" not in failed["failure_reason"] and "Error" not in failed["failure_reason"]
    assert "operators" in failed["failure_reason"]
    assert "corrupted" in caplog.text  # the log has the details

    monkeypatch.undo()
    again = _request(matching, coordinator, cohort)  # a failed run does not block the next
    runs.work_on_runs(matching.engine, "worker-1")
    assert _status(matching, coordinator, again["id"])["status"] == "succeeded"


def test_a_second_request_while_a_run_is_queued_answers_409_naming_it(matching):
    coordinator = matching.coordinator("saco")
    cohort = _cohort_of_two(matching)
    first = _request(matching, coordinator, cohort)
    refused = expect(matching.send("POST", f"/matching/cohorts/{cohort}/runs", {}, coordinator), 409)
    assert first["id"] in refused["message"]
    runs.work_on_runs(matching.engine, "worker-1")
    _request(matching, coordinator, cohort)  # once finished, the cohort can be run again


def test_a_run_whose_worker_died_is_taken_up_again_and_failed_after_three_tries(matching):
    coordinator = matching.coordinator("saco")
    cohort = _cohort_of_two(matching)
    run = _request(matching, coordinator, cohort)
    clock.set(clock.now())
    assert runs.claim_next(matching.engine, "worker-that-dies")["id"] == run["id"]
    assert _status(matching, coordinator, run["id"])["status"] == "running"
    assert runs.work_on_runs(matching.engine, "worker-2") == 0  # its lease still holds
    clock.advance(timedelta(seconds=runs.LEASE_SECONDS + 1))
    assert runs.work_on_runs(matching.engine, "worker-2") == 1
    done = _status(matching, coordinator, run["id"])
    assert (done["status"], done["attempts"], done["matched"]) == ("succeeded", 2, 1)

    crashing = _request(matching, coordinator, cohort)
    for _ in range(runs.MAX_ATTEMPTS):
        runs.recover_abandoned(matching.engine)
        assert runs.claim_next(matching.engine, "worker-that-dies")["id"] == crashing["id"]
        clock.advance(timedelta(seconds=runs.LEASE_SECONDS + 1))
    runs.work_on_runs(matching.engine, "worker-2")
    given_up = _status(matching, coordinator, crashing["id"])
    assert (given_up["status"], given_up["failure_code"], given_up["attempts"]) == ("failed", "interrupted", 3)
    assert "interrupted 3 times" in given_up["failure_reason"]


def test_a_worker_whose_run_was_taken_over_writes_nothing(matching):
    coordinator = matching.coordinator("saco")
    cohort = _cohort_of_two(matching)
    run = _request(matching, coordinator, cohort)
    clock.set(clock.now())
    slow = runs.claim_next(matching.engine, "slow-worker")
    clock.advance(timedelta(seconds=runs.LEASE_SECONDS + 1))
    assert runs.work_on_runs(matching.engine, "worker-2") == 1
    assert runs.execute_claimed(matching.engine, slow, "slow-worker") == "lost"
    done = _status(matching, coordinator, run["id"])
    assert done["status"] == "succeeded" and len(done["proposals"]) == 1
    assert len(matching.events("match.proposed")) == 1


# --- on PostgreSQL ------------------------------------------------------------------------------


def _differences(url: str) -> list:
    migrate("matching", url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), store.metadata)
    finally:
        engine.dispose()


def test_the_migrations_build_exactly_the_tables_of_the_models_on_sqlite(tmp_path):
    assert _differences(f"sqlite:///{tmp_path}/matching.db") == []


@pytest.mark.services
def test_the_migrations_build_exactly_the_tables_of_the_models_on_postgresql(pg_url_factory):
    assert _differences(pg_url_factory("matching")) == []


@pytest.mark.services
def test_two_workers_on_postgresql_never_execute_two_runs_of_one_cohort_at_once(pg_url_factory, tmp_path, monkeypatch):
    matching = Matching(pg_url_factory("matching"), tmp_path)
    coordinator = matching.coordinator("saco")
    cohort = _cohort_of_two(matching)

    executing, overlaps, solved = [0], [], []
    guard = threading.Lock()
    real_solve = runs.solve

    def watched_solve(problem):
        with guard:
            executing[0] += 1
            overlaps.append(executing[0])
        time.sleep(0.3)  # long enough for the other worker to try
        try:
            return real_solve(problem)
        finally:
            with guard:
                executing[0] -= 1
                solved.append(problem)

    monkeypatch.setattr(runs, "solve", watched_solve)

    # two coordinators press "match" at the same moment: one run is queued, the other hears 409
    barrier = threading.Barrier(4)
    answers = []

    def press():
        barrier.wait()
        answers.append(matching.send("POST", f"/matching/cohorts/{cohort}/runs", {}, coordinator)[0])

    pressers = [threading.Thread(target=press) for _ in range(4)]
    for t in pressers:
        t.start()
    for t in pressers:
        t.join()
    assert sorted(answers) == [202, 409, 409, 409]

    stop = threading.Event()

    def worker(name):
        while not stop.is_set():
            runs.work_on_runs(matching.engine, name)
            time.sleep(0.02)

    workers = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in (1, 2)]
    for t in workers:
        t.start()
    try:
        for _ in range(3):  # and re-runs as soon as each has finished
            deadline = time.monotonic() + 20
            while matching.send("POST", f"/matching/cohorts/{cohort}/runs", {}, coordinator)[0] != 202:
                assert time.monotonic() < deadline, "the cohort's run never finished"
                time.sleep(0.05)
        deadline = time.monotonic() + 20
        while len(solved) < 4:
            assert time.monotonic() < deadline, "the workers did not execute every run"
            time.sleep(0.05)
    finally:
        stop.set()
        for t in workers:
            t.join()
    assert max(overlaps) == 1 and len(solved) == 4
    r = store.runs
    with matching.engine.connect() as conn:
        statuses = conn.execute(sa.select(r.c.status, r.c.attempts).where(r.c.cohort_id == cohort)).all()
    assert sorted(statuses) == [("succeeded", 1)] * 4
    assert len(matching.events("match.proposed")) == 4
    matching.engine.dispose()
