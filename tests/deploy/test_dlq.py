"""`tandem dlq` against the real RabbitMQ, in a scratch vhost: what it lists, what it replays
where, what it discards, and that it leaves alone what it was not asked to touch."""

from __future__ import annotations

import json
import time
from datetime import datetime

import pika
import pytest
from click.testing import CliRunner

from services.cli import main
from services.ops import routing_keys
from services.shared.bus import connection, declare
from services.shared.config import settings_for

pytestmark = pytest.mark.services

EVENT = "application.submitted.v1"


@pytest.fixture
def broker(amqp_url, monkeypatch, tmp_path):
    """matching's topology in a scratch vhost, and a pika channel on it."""
    monkeypatch.setenv("AMQP_URL", amqp_url)
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TANDEM_SIGNING_KEY", "dlq-test")
    settings = settings_for("matching")
    with connection(settings, "dlq-test") as conn:
        declare(settings, routing_keys("matching"), conn.channel())
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        yield conn.channel()


def depth(channel, queue: str) -> int:
    return channel.queue_declare(queue, passive=True).method.message_count


def eventually_depth(channel, queue: str, expected: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while (found := depth(channel, queue)) != expected:
        assert time.monotonic() < deadline, f"{queue} holds {found}, not {expected}"
        time.sleep(0.1)


def dead_lettered_by_the_consumer(channel, message_id: str, tenant: str) -> None:
    """As the consumer's DeadLetters.park (services/shared/bus/dead_letters.py) parks a message whose handler kept failing."""
    channel.basic_publish(
        "tandem.dlx", "matching.events", json.dumps({"id": message_id}).encode(),
        pika.BasicProperties(
            message_id=message_id, delivery_mode=2, content_type="application/json",
            headers={
                "tenant": tenant,
                "x-delivery-count": 4,
                "x-tandem-reason": "handler failed 5 times: KeyError('cohort')",
                "x-tandem-queue": "matching.events",
                "x-tandem-routing-key": EVENT,
                "x-tandem-dead-lettered-at": "2026-03-01T10:00:00+00:00",
            },
        ),
    )


def dead_lettered_by_the_broker(channel, message_id: str, tenant: str) -> None:
    """Published to the events exchange, then rejected: the broker dead-letters it (x-death)."""
    channel.basic_publish(
        "tandem.events", EVENT, json.dumps({"id": message_id}).encode(),
        pika.BasicProperties(message_id=message_id, delivery_mode=2, type=EVENT, headers={"tenant": tenant}),
    )
    deadline = time.monotonic() + 10
    while (got := channel.basic_get("matching.events"))[0] is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    channel.basic_reject(got[0].delivery_tag, requeue=False)


def tandem(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["dlq", *args], input=input, catch_exceptions=False)


def listed(service: str = "matching") -> dict:
    result = tandem("list", service, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_list_shows_each_message_and_leaves_it_there(broker):
    dead_lettered_by_the_consumer(broker, "e-consumer", "saco")
    dead_lettered_by_the_broker(broker, "e-broker", "oske")
    eventually_depth(broker, "matching.events.dlq", 2)

    found = {m["message_id"]: m for m in listed()["messages"]}
    assert set(found) == {"e-consumer", "e-broker"}
    consumer = found["e-consumer"]
    assert consumer["routing_key"] == EVENT
    assert consumer["tenant"] == "saco"
    assert consumer["reason"].startswith("handler failed 5 times")
    assert consumer["dead_lettered_at"] == "2026-03-01T10:00:00+00:00"
    assert consumer["x_death"] == []
    broker_dead = found["e-broker"]
    assert broker_dead["routing_key"] == EVENT, "the original routing key, from x-death"
    assert broker_dead["tenant"] == "oske"
    assert broker_dead["reason"] == "rejected"
    (death,) = broker_dead["x_death"]
    assert death["queue"] == "matching.events" and death["routing-keys"] == [EVENT] and death["count"] == 1
    assert datetime.fromisoformat(broker_dead["dead_lettered_at"]).tzinfo is not None

    text = tandem("list", "matching")
    assert text.exit_code == 0 and "matching.events.dlq: 2 message(s)" in text.output
    assert "x-death: rejected from matching.events x1" in text.output
    eventually_depth(broker, "matching.events.dlq", 2)
    assert listed()["messages_total"] == 2


def test_replay_one_republishes_it_with_its_routing_key_and_keeps_the_others(broker):
    dead_lettered_by_the_consumer(broker, "e-1", "saco")
    dead_lettered_by_the_broker(broker, "e-2", "saco")
    eventually_depth(broker, "matching.events.dlq", 2)

    result = tandem("replay", "matching", "--id", "e-1")
    assert result.exit_code == 0, result.output
    assert "replayed 1 message(s) from matching.events.dlq" in result.output
    eventually_depth(broker, "matching.events.dlq", 1)
    assert [m["message_id"] for m in listed()["messages"]] == ["e-2"]

    method, properties, _body = broker.basic_get("matching.events", auto_ack=True)
    assert properties.message_id == "e-1"
    assert method.exchange == "tandem.events" and method.routing_key == EVENT
    assert properties.headers["tenant"] == "saco"
    assert properties.headers["x-tandem-replayed-from"] == "matching.events.dlq"
    for stale in ("x-tandem-reason", "x-tandem-routing-key", "x-death"):
        assert stale not in properties.headers, f"{stale} would follow the event into its new life"
    # the consumer counts attempts from x-delivery-count: the old 4 must not come back (the
    # quorum queue adds its own, from 0)
    assert properties.headers.get("x-delivery-count", 0) == 0

    # the broker-dead-lettered one goes back too, with the routing key x-death remembers; --direct
    # sends it to matching's queue only
    result = tandem("replay", "matching", "--id", "e-2", "--direct")
    assert result.exit_code == 0, result.output
    method, properties, _body = broker.basic_get("matching.events", auto_ack=True)
    assert properties.message_id == "e-2" and method.exchange == "" and method.routing_key == "matching.events"
    eventually_depth(broker, "matching.events.dlq", 0)


def test_replay_all_and_unknown_ids(broker):
    for i in range(3):
        dead_lettered_by_the_consumer(broker, f"e-{i}", "saco")
    eventually_depth(broker, "matching.events.dlq", 3)

    missing = tandem("replay", "matching", "--id", "e-1", "--id", "nope")
    assert missing.exit_code == 1 and "not in matching.events.dlq: nope" in missing.output
    eventually_depth(broker, "matching.events.dlq", 2)

    assert tandem("replay", "matching", "--all").exit_code == 0
    eventually_depth(broker, "matching.events.dlq", 0)
    eventually_depth(broker, "matching.events", 3)


def test_discard(broker):
    for i in range(3):
        dead_lettered_by_the_consumer(broker, f"e-{i}", "saco")
    eventually_depth(broker, "matching.events.dlq", 3)

    assert tandem("discard", "matching", "--id", "e-0").exit_code == 0
    eventually_depth(broker, "matching.events.dlq", 2)
    assert tandem("discard", "matching", "--all", input="n\n").exit_code == 1, "asks first"
    eventually_depth(broker, "matching.events.dlq", 2)
    result = tandem("discard", "matching", "--all", "--yes")
    assert result.exit_code == 0 and "discarded 2 message(s)" in result.output
    eventually_depth(broker, "matching.events.dlq", 0)
    assert depth(broker, "matching.events") == 0, "discarded, not replayed"


def test_it_says_what_is_wrong(broker, monkeypatch):
    assert tandem("replay", "matching").exit_code == 2, "--id or --all"
    assert tandem("replay", "matching", "--all", "--id", "x").exit_code == 2
    missing = tandem("list", "notify")
    assert missing.exit_code == 1 and "there is no queue notify.events.dlq" in missing.output
    monkeypatch.setenv("AMQP_URL", "memory://")
    embedded = tandem("list", "matching")
    assert embedded.exit_code == 1 and "RabbitMQ" in embedded.output

