"""Benchmark of intake when a national call opens: concurrent applicants rush one first-come cohort.

Both servers run under gunicorn with the same settings (Tandem's own gunicorn configuration, the
same number of workers and threads) on one scratch PostgreSQL database, and ``--clients`` client
threads, each with its own keep-alive connection, post ``--applications`` applications as fast
as they are answered:

  (a) baseline: a bare Flask + psycopg endpoint that parses the JSON and inserts the same
      application row (no validation, no cohort lock, no events);
  (b) Tandem: ``POST /intake/public/cohorts/{id}/applications`` on intake's real app, to a
      first-come cohort of ``--places`` mentee places: validation, arrival number and place
      decided under the cohort's lock, two events in the outbox, the personal link.

It prints the rate, p50 and p99 of each, the ratio of the rates (target: Tandem >= 0.5x the bare
endpoint), and checks that Tandem's decisions are exact: every application has its own arrival
number 1..N, exactly ``--places`` are accepted and they are arrivals 1..places, the rest are
waitlisted. The last line is one JSON object. The scratch database is dropped at the end.

    .venv/bin/python bench/intake.py [--quick] [--applications N] [--clients N] [--places N]

Exit status: 0 when the run completed and the decisions were exact, 2 when PostgreSQL is
unreachable, 1 on any other failure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

PG_BASE = os.environ.get("TANDEM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
TARGET = 0.5  # Tandem's rate at least half the bare endpoint's
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "2"))
GUNICORN_THREADS = 8


def say(line: str = "") -> None:
    print(line, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def application(i: int) -> dict:
    """A mentee's application as the public form sends it."""
    return {
        "role": "mentee", "name": f"Applicant {i}", "email": f"applicant{i}@example.se", "locale": "sv",
        "languages": [{"language": "ar", "level": "native"}, {"language": "sv", "level": "B2"}],
        "mentoring_languages": ["sv", "en"], "wished_profession": {"code": "2631", "title": "Nationalekonom"},
        "education_field": "Nationalekonomi", "education_level": "master", "education_country": "SY",
        "experience_years": 5, "city": "Stockholm", "remote_ok": True,
        "consent": {"given": True, "text_version": "2026-01", "retention_months": 24},
    }


# -- the baseline: a bare Flask + psycopg endpoint ---------------------------------------------

def bare_app():
    """The baseline server (gunicorn imports it from this file): parse, insert, answer 201."""
    import psycopg
    from flask import Flask, jsonify, request

    dsn = os.environ["BENCH_DSN"]
    cohort_id = os.environ["BENCH_COHORT"]
    local = threading.local()
    app = Flask("bare")
    columns = ("id", "tenant", "cohort_id", "role", "name", "email", "locale", "languages",
               "mentoring_languages", "wished_profession", "education_field", "education_level",
               "education_country", "experience_years", "city", "remote_ok", "consent_version",
               "consent_at", "retention_months", "status", "submitted_at")
    insert = (f"INSERT INTO applications ({', '.join(columns)}) "
              f"VALUES ({', '.join(['%s'] * len(columns))})")

    @app.post("/apply")
    def apply():
        body = request.get_json()
        if not hasattr(local, "conn"):
            local.conn = psycopg.connect(dsn)
        now = datetime.now(UTC)
        row = (str(uuid.uuid4()), "bench", cohort_id, body["role"], body["name"], body["email"].lower(),
               body["locale"], json.dumps(body["languages"]), json.dumps(body["mentoring_languages"]),
               json.dumps(body["wished_profession"]), body["education_field"], body["education_level"],
               body["education_country"], body["experience_years"], body["city"], body["remote_ok"],
               body["consent"]["text_version"], now, body["consent"]["retention_months"], "submitted", now)
        with local.conn.transaction():
            local.conn.execute(insert, row)
        return jsonify({"id": row[0], "status": "submitted"}), 201

    return app


# -- the load ----------------------------------------------------------------------------------

def rush(port: int, path: str, count: int, clients: int, first: int) -> dict:
    """``clients`` threads post ``count`` applications; the rate, latencies and answers."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    next_number = iter(range(first, first + count))

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        seen: dict[int, int] = {}
        while True:
            with lock:
                i = next(next_number, None)
            if i is None:
                break
            body = json.dumps(application(i))
            started = time.perf_counter()
            conn.request("POST", path, body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            seen[response.status] = seen.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "applications": count, "seconds": round(elapsed, 2), "per_second": round(count / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


class Server:
    """A gunicorn process serving ``app`` on a free port, with Tandem's gunicorn settings."""

    def __init__(self, app: str, env: dict, probe: str, chdir: Path | None = None):
        self.port = free_port()
        args = [sys.executable, "-m", "gunicorn", "--config", "python:services.shared.gunicorn_conf",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(GUNICORN_WORKERS),
                "--threads", str(GUNICORN_THREADS)]
        if chdir:
            args += ["--chdir", str(chdir)]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "GUNICORN_THREADS": str(GUNICORN_THREADS), **env}
        self.proc = subprocess.Popen([*args, app], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", probe)
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{app} did not answer on port {self.port}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# -- the run -----------------------------------------------------------------------------------

def prepare(url: str, places: int) -> tuple[str, str]:
    """Intake's schema, a tenant, a programme and two open first-come cohorts (Tandem's, bare's)."""
    from services.intake.usecases.tenants import create_tenant
    from services.shared.db import create_engine, migrate

    migrate("intake", url)
    engine = create_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        create_tenant(conn, "bench", "Bench", now)
    engine.dispose()

    # the programme and the cohort through intake's own API, as a coordinator makes them
    from services.intake.app import create_app
    from services.shared.config import settings_for
    from services.shared.tenancy import issue_token

    settings = settings_for("intake", database_url=url, amqp_url="memory://")
    client = create_app(settings).test_client()
    token = issue_token(settings.signing_key, tenant="bench", role="coordinator", sub="bench@example.se")
    auth = {"Authorization": f"Bearer {token}"}
    programme = client.post("/intake/programmes", headers=auth, json={
        "name": {"sv": "Mentorprogram"}, "locale": "sv", "languages": ["sv", "en"]})
    assert programme.status_code == 201, programme.get_json()
    starts = date.today() + timedelta(days=60)
    cohorts = []
    for name in ("Rusningen", "Baslinjen"):
        made = client.post(f"/intake/programmes/{programme.get_json()['id']}/cohorts", headers=auth, json={
            "name": name, "time_zone": "Europe/Stockholm", "starts_on": starts.isoformat(),
            "ends_on": (starts + timedelta(days=180)).isoformat(), "mentee_places": places,
            "admission": "first_come", "open": True})
        assert made.status_code == 201, made.get_json()
        cohorts.append(made.get_json()["id"])
    return cohorts[0], cohorts[1]


def check_decisions(url: str, cohort_id: str, count: int, places: int) -> dict:
    """Arrival numbers 1..count each once; accepted exactly the first ``places``; the rest waitlisted."""
    from services.shared.db import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT arrival, status FROM applications WHERE cohort_id = :c ORDER BY arrival"),
            {"c": cohort_id}).all()
    engine.dispose()
    arrivals = [r.arrival for r in rows]
    accepted = [r.arrival for r in rows if r.status == "accepted"]
    waitlisted = [r.arrival for r in rows if r.status == "waitlisted"]
    expected_accepted = min(places, count)
    exact = (arrivals == list(range(1, count + 1))
             and accepted == list(range(1, expected_accepted + 1))
             and waitlisted == list(range(expected_accepted + 1, count + 1)))
    return {"rows": len(rows), "accepted": len(accepted), "waitlisted": len(waitlisted), "exact": exact}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--places", type=int, default=3000)
    parser.add_argument("--quick", action="store_true", help="1,000 applications to 600 places")
    args = parser.parse_args()
    if args.quick:
        args.applications, args.places = 1000, 600

    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        print("bench: PostgreSQL is not reachable on 127.0.0.1:5432", file=sys.stderr)
        return 2

    db = f"tandem_bench_intake_{uuid.uuid4().hex[:8]}"
    url = f"{PG_BASE}/{db}"
    servers: list[Server] = []
    try:
        say(f"intake rush: {args.applications} applications from {args.clients} clients to "
            f"{args.places} first-come places; gunicorn {GUNICORN_WORKERS} workers x {GUNICORN_THREADS} threads")
        tandem_cohort, bare_cohort = prepare(url, args.places)
        dsn = url.replace("postgresql+psycopg://", "postgresql://")

        bare = Server("intake:bare_app()", {"BENCH_DSN": dsn, "BENCH_COHORT": bare_cohort},
                      probe="/", chdir=ROOT / "bench")
        servers.append(bare)
        rush(bare.port, "/apply", 200, args.clients, first=10_000_000)  # warm the connections
        baseline = rush(bare.port, "/apply", args.applications, args.clients, first=20_000_000)
        bare.stop()
        say(f"  (a) bare Flask + psycopg insert: {baseline['per_second']:>8.1f}/s  "
            f"p50 {baseline['p50_ms']} ms  p99 {baseline['p99_ms']} ms  {baseline['statuses']}")

        tandem = Server("services.intake.app:create_app()", {
            "TANDEM_SERVICE": "intake", "DATABASE_URL": url, "AMQP_URL": "memory://",
            "TANDEM_PUBLIC_RATE_LIMIT": "1000000 per second"}, probe="/healthz")
        servers.append(tandem)
        path = f"/intake/public/cohorts/{tandem_cohort}/applications"
        measured = rush(tandem.port, path, args.applications, args.clients, first=1)
        tandem.stop()
        say(f"  (b) Tandem public application:   {measured['per_second']:>8.1f}/s  "
            f"p50 {measured['p50_ms']} ms  p99 {measured['p99_ms']} ms  {measured['statuses']}")

        decisions = check_decisions(url, tandem_cohort, args.applications, args.places)
        ratio = round(measured["per_second"] / baseline["per_second"], 3)
        say(f"  b/a = {ratio} (target >= {TARGET});  decisions: {decisions['accepted']} accepted, "
            f"{decisions['waitlisted']} waitlisted, arrival order and places "
            f"{'exact' if decisions['exact'] else 'NOT EXACT'}")
        say(json.dumps({"bench": "intake", "applications": args.applications, "clients": args.clients,
                        "places": args.places, "bare": baseline, "tandem": measured,
                        "tandem_vs_bare": ratio, "target": TARGET, "decisions": decisions}))
        return 0 if decisions["exact"] and measured["statuses"] == {"201": args.applications} else 1
    finally:
        for server in servers:
            server.stop()
        from services.shared.db import create_engine

        admin = create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
