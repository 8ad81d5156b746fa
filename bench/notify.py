"""Benchmark of notify's e-mail path against a plain smtplib loop, to the same local SMTP server.

Both send the same N messages (rendered multipart text + HTML, from application.accepted events of
four tenants in four languages) to an aiosmtpd server running in its own process:

  (a) a plain smtplib loop: one connection, build each message and ``send_message`` it;
  (b) notify's dispatcher, the path the worker runs: claim due deliveries from PostgreSQL (fair
      per tenant, FOR UPDATE SKIP LOCKED, a lease), build each message, send it over one SMTP
      connection per batch, record each outcome and its notification.sent.v1 event in the
      outbox — until every delivery is marked sent.

The deliveries are queued beforehand through notify's own handlers (not timed). It prints one
line per rate, the ratio against its target (notify at least half as fast as the plain loop) and,
last, one JSON object with both figures and the ratio. Everything runs in a
scratch PostgreSQL database, dropped at the end.

    .venv/bin/python bench/notify.py [--count N | --quick] [--batch B]

Exit status: 0 when the run completed, 2 when PostgreSQL is unreachable, 1 on any other failure.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

PG_BASE = os.environ.get("TANDEM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
DEFAULT_COUNT = 2000
QUICK_COUNT = 500
TARGET = 0.5  # notify sends at least half as fast as the plain loop: its bookkeeping is not the bottleneck
TENANTS = (("saco", "sv", "Europe/Stockholm"), ("oske", "fi", "Europe/Helsinki"),
           ("vestfold", "nb", "Europe/Oslo"), ("agv", "en", "Europe/Stockholm"))

# An SMTP server in its own process (as a real one would be): counts what it accepts; answers
# "count" on stdin with the count; stops at end of input.
SERVER = r"""
import sys
from aiosmtpd.controller import Controller

class Count:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Count.n += 1
        return "250 OK"

controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
for line in sys.stdin:
    print(Count.n, flush=True)
controller.stop()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailServer:
    def __init__(self):
        self.port = _free_port()
        self.proc = subprocess.Popen([sys.executable, "-c", SERVER, str(self.port)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP server did not start")

    def count(self) -> int:
        self.proc.stdin.write("count\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def stop(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def _postgres_reachable() -> bool:
    try:
        engine = sa.create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def _drop(database: str) -> None:
    admin = sa.create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.dispose()


def queue(notify_settings, engine, count: int) -> None:
    """Queue ``count`` acceptance messages through notify's handlers, as its consumer would."""
    from services.notify import store
    from services.notify.handlers import HANDLERS
    from services.shared import inbox
    from services.shared.contract import new_event

    handler = HANDLERS.handlers["application.accepted.v1"]
    events = []
    for n in range(count):
        tenant, locale, zone = TENANTS[n % len(TENANTS)]
        events.append(new_event("application.accepted.v1", source="bench", tenant=tenant, subject=f"application/{n}", data={
            "application_id": str(uuid.uuid4()), "cohort_id": f"cohort-{tenant}", "programme_id": f"programme-{tenant}",
            "programme_name": "Mentorprogrammet", "cohort_name": "Våren 2027", "role": "mentee" if n % 3 else "mentor",
            "name": f"Adept Nummer{n}", "email": f"adept{n}@{tenant}.example.org", "locale": locale, "time_zone": zone,
            "status": "accepted", "manage_link": f"https://tandem.example.org/intake/applications/mine?token=bench{n}"}))
    for start in range(0, count, 250):
        with engine.begin() as conn:
            chunk = events[start:start + 250]
            inbox.record(conn, store.INBOX, chunk)
            for event in chunk:
                handler(conn, event)


def plain_smtplib(notify_settings, engine, port: int) -> tuple[int, float]:
    """(a): the same messages, built and sent in a plain loop over one connection."""
    from services.notify import store
    from services.notify.channels import build_email
    from services.notify.dispatch import letter_of

    d = store.deliveries
    with engine.connect() as conn:
        letters = [letter_of(dict(r)) for r in conn.execute(sa.select(d).where(d.c.status == "pending")).mappings()]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for letter in letters:
            smtp.send_message(build_email(notify_settings, letter, datetime.now(UTC)))
    return len(letters), time.perf_counter() - started


def through_notify(notify_settings, engine, count: int) -> tuple[int, float]:
    """(b): notify's dispatcher draining the delivery log to the SMTP server."""
    from services.notify import store
    from services.notify.dispatch import Dispatcher

    dispatcher = Dispatcher(notify_settings, engine)
    d = store.deliveries
    started = time.perf_counter()
    sent = 0
    while True:
        done = dispatcher.send_email()
        sent += done
        if not done:
            with engine.connect() as conn:
                if not conn.execute(sa.select(sa.func.count()).select_from(d).where(d.c.status == "pending")).scalar_one():
                    break
            if time.perf_counter() - started > 120:
                raise RuntimeError("notify stalled")
    elapsed = time.perf_counter() - started
    dispatcher.close()
    return sent, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_COUNT} messages: a smoke test")
    parser.add_argument("--batch", type=int, default=200, help="deliveries the dispatcher claims at a time")
    args = parser.parse_args()
    count = QUICK_COUNT if args.quick else args.count
    logging.basicConfig(level=logging.ERROR)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the scratch database is dropped
    if not _postgres_reachable():
        print(f"PostgreSQL is not reachable at {PG_BASE}", file=sys.stderr)
        return 2

    from services.notify.settings import configure, notify_settings
    from services.shared.config import settings_for
    from services.shared.db import create_engine, migrate

    database = f"tandem_bench_notify_{uuid.uuid4().hex[:8]}"
    url = f"{PG_BASE}/{database}"
    server = engine = None
    try:
        server = MailServer()
        with tempfile.TemporaryDirectory() as data_dir:
            base = settings_for("notify", database_url=url, amqp_url="memory://", signing_key="bench-key",
                               smtp_host="127.0.0.1", smtp_port=server.port, data_dir=Path(data_dir),
                               public_url="https://tandem.example.org")
            settings = configure(notify_settings(base, batch=args.batch))
            migrate("notify", url)
            engine = create_engine(url)
            started = time.perf_counter()
            queue(settings, engine, count)
            print(f"queued {count} deliveries through notify's handlers in {time.perf_counter() - started:.1f}s (not timed)")
            with smtplib.SMTP("127.0.0.1", server.port) as smtp:  # warm the server up
                smtp.noop()

            n_plain, t_plain = plain_smtplib(settings, engine, server.port)
            after_plain = server.count()
            n_notify, t_notify = through_notify(settings, engine, count)
            after_notify = server.count()
            if n_plain != count or n_notify != count or after_plain != count or after_notify != 2 * count:
                raise RuntimeError(f"counts differ: plain {n_plain}, notify {n_notify}, server {after_plain}/{after_notify}")
            plain_rate, notify_rate = count / t_plain, count / t_notify
            print(f"(a) plain smtplib loop, one connection:     {plain_rate:8.0f} e-mails/s ({t_plain:.2f}s)")
            print(f"(b) notify: database -> dispatcher -> SMTP:  {notify_rate:8.0f} e-mails/s ({t_notify:.2f}s)")
            ratio = notify_rate / plain_rate
            print(f"notify / plain = {ratio:.2f} (target >= {TARGET}: {'MET' if ratio >= TARGET else 'MISSED'})")
            print(json.dumps({"messages": count, "batch": args.batch, "smtplib_per_s": round(plain_rate, 1),
                              "notify_per_s": round(notify_rate, 1), "ratio": round(ratio, 3), "target": TARGET,
                              "target_met": ratio >= TARGET}))
        return 0
    except Exception as exc:
        print(f"benchmark failed: {exc!r}", file=sys.stderr)
        return 1
    finally:
        if engine is not None:
            engine.dispose()
        if server is not None:
            server.stop()
        _drop(database)


if __name__ == "__main__":
    sys.exit(main())
