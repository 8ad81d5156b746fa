"""Notify's schema and its dispatcher on the production database: the migrations reach the
models, and several dispatchers share one backlog without sending anything twice."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.notify.dispatch import Dispatcher
from services.notify.store import metadata
from services.shared.db import create_engine, migrate
from tests.notify.conftest import Notify, sample


def _differences(url: str) -> list:
    migrate("notify", url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    finally:
        engine.dispose()


def test_the_migrations_build_exactly_the_tables_of_the_models_on_sqlite(tmp_path):
    assert _differences(f"sqlite:///{tmp_path}/notify.db") == []


@pytest.mark.services
def test_the_migrations_build_exactly_the_tables_of_the_models_on_postgresql(pg_url_factory):
    assert _differences(pg_url_factory("notify")) == []


@pytest.mark.services
def test_three_dispatchers_on_postgresql_share_the_backlog_and_send_each_message_once(pg_url_factory, tmp_path, mail):
    notify = Notify(pg_url_factory("notify"), tmp_path, smtp_port=mail.port, batch=20)
    try:
        addresses = []
        for tenant in ("saco", "oske", "vestfold"):
            cohort = notify.cohort(tenant)
            for n in range(40):
                address = f"adept{n}@{tenant}.example.org"
                addresses.append(address)
                notify.feed("application.accepted.v1", tenant, sample("application.accepted.v1", cohort,
                                                                      application_id=f"{tenant}-{n}", email=address))
        dispatchers = [Dispatcher(notify.settings, notify.engine, worker_id=f"worker-{i}") for i in range(3)]
        stop = time.monotonic() + 30

        def work(dispatcher):
            while time.monotonic() < stop and len(mail.received) < len(addresses):
                if not dispatcher.send_email():
                    time.sleep(0.01)

        threads = [threading.Thread(target=work, args=(d,)) for d in dispatchers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        counts = Counter(m["To"].addresses[0].addr_spec for m in mail.received)
        assert set(counts) == set(addresses) and set(counts.values()) == {1}
        assert {d["status"] for d in notify.deliveries()} == {"sent"}
        assert len(notify.outbox("notification.sent")) == len(addresses)
    finally:
        notify.close()
