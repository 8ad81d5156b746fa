"""The outbox relay publishes in order and marks only what the broker confirmed."""

import sqlalchemy as sa

from services.shared import outbox
from services.shared.contract import new_event
from services.shared.db import add_messaging_tables, create_engine


class FakeBroker:
    """A publisher that confirms what it is told to, and remembers the order."""

    def __init__(self, refuse=()):
        self.published, self.refuse = [], set(refuse)

    def publish_batch(self, items):
        self.published.extend(item[2] for item in items)
        return [item[2] not in self.refuse for item in items]

    def idle(self, seconds):
        pass

    def close(self):
        pass


def _setup(tmp_path):
    metadata = sa.MetaData()
    table, _inbox = add_messaging_tables(metadata)
    engine = create_engine(f"sqlite:///{tmp_path}/o.db")
    metadata.create_all(engine)
    return engine, table


def _write(engine, table, n, subject="cohort/1"):
    ids = []
    with engine.begin() as conn:
        for i in range(n):
            event = new_event("tenant.created.v1", source="t", tenant="saco", subject=subject, data={"slug": f"s{i}", "name": "x"})
            outbox.add(conn, table, event)
            ids.append(event.id)
    return ids


def test_pending_rows_are_published_in_the_order_they_were_written(tmp_path):
    engine, table = _setup(tmp_path)
    ids = _write(engine, table, 7)
    broker = FakeBroker()
    relay = outbox.OutboxRelay("t", engine, table, lambda: broker, batch=3)
    while relay.run_once():
        pass
    assert broker.published == ids
    assert outbox.backlog(engine, table) == 0


def test_a_refused_event_and_those_after_it_stay_pending(tmp_path):
    engine, table = _setup(tmp_path)
    ids = _write(engine, table, 5)
    broker = FakeBroker(refuse={ids[2]})
    relay = outbox.OutboxRelay("t", engine, table, lambda: broker, batch=10)
    assert relay.run_once() == 2
    assert outbox.backlog(engine, table) == 3
    broker.refuse.clear()
    assert relay.run_once() == 3
    # the retry starts again at the refused event: order per aggregate holds
    assert broker.published[5:] == ids[2:]


def test_a_state_change_rolled_back_takes_its_event_with_it(tmp_path):
    engine, table = _setup(tmp_path)
    try:
        with engine.begin() as conn:
            outbox.add(conn, table, new_event("tenant.created.v1", source="t", tenant="saco", subject="s", data={"slug": "s", "name": "x"}))
            raise RuntimeError("the state change failed")
    except RuntimeError:
        pass
    assert outbox.backlog(engine, table) == 0
