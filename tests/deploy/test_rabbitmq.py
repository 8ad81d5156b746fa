"""The broker topology of deploy/ against the real RabbitMQ, in a scratch vhost: the definitions
file imports and gives the queues the services declare, and the per-service permissions of the
Kubernetes topology let a service do its work and nothing of the others'."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pika
import pytest

from services.ops import permission_pattern, rabbitmq_definitions, routing_keys
from services.shared.bus import (
    PARKING_EXCHANGE,
    PARKING_QUEUE,
    REDELIVERY_GUARD,
    PikaConfirmPublisher,
    connection,
    declare,
    queue_depths,
    service_queues,
)
from services.shared.config import SERVICES, Settings
from tests.conftest import rabbitmqctl

from .conftest import DEPLOY

pytestmark = pytest.mark.services


def vhost_of(amqp_url: str) -> str:
    return urlsplit(amqp_url).path.lstrip("/")


def settings(service: str, amqp_url: str) -> Settings:
    return Settings(service=service, database_url="sqlite://", amqp_url=amqp_url, signing_key="x")


def rabbitmqctl_path() -> str:
    rabbitmqctl("version")  # skips, or fails in CI, without it
    return shutil.which("rabbitmqctl")


def table(*args: str) -> list[list[str]]:
    out = rabbitmqctl(*args, "--formatter", "json").stdout
    return json.loads(out[out.index("["):])


def eventually(check, what: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_the_definitions_file_imports_and_matches_what_the_services_declare(amqp_url):
    vhost = vhost_of(amqp_url)
    definitions = json.loads((DEPLOY / "rabbitmq" / "definitions.json").read_text())
    # RabbitMQ 3.10 imports definitions for the whole cluster: the copy names the scratch vhost.
    for section, items in definitions.items():
        for item in items:
            if section == "vhosts":
                item["name"] = vhost
            else:
                item["vhost"] = vhost
    # on standard input: rabbitmqctl may run as another user, who cannot read pytest's tmp_path
    imported = subprocess.run([rabbitmqctl_path(), "import_definitions"], input=json.dumps(definitions),
                              capture_output=True, text=True, timeout=60)
    assert imported.returncode == 0, imported.stdout + imported.stderr

    expected = rabbitmq_definitions()
    wanted_queues = {q["name"] for q in expected["queues"]}
    queues = eventually(
        lambda: (q := {r["name"]: {key: value for key, _type, value in r["arguments"]} for r in table("list_queues", "-p", vhost, "name", "arguments")})
        and set(q) == wanted_queues and q,
        "the imported queues",
    )
    exchanges = {r["name"]: r["type"] for r in table("list_exchanges", "-p", vhost, "name", "type")}
    assert exchanges["tandem.events"] == "topic" and exchanges["tandem.dlx"] == "direct"
    bindings = {
        (b["source_name"], b["destination_name"], b["routing_key"])
        for b in table("list_bindings", "-p", vhost, "source_name", "destination_name", "routing_key")
        if b["source_name"]
    }
    policies = {p["name"]: p for p in table("list_policies", "-p", vhost)}

    for service in SERVICES:
        keys = routing_keys(service)
        if not keys:
            continue
        queue, dead = service_queues(settings(service, amqp_url), keys)
        assert queues[queue.name] == queue.queue_arguments
        assert queues[dead.name] == dead.queue_arguments
        assert {(b.exchange.name, queue.name, b.routing_key) for b in queue.bindings} <= bindings
        assert (dead.exchange.name, dead.name, dead.routing_key) in bindings
        definition = policies[f"tandem-{service}-events"]["definition"]
        definition = json.loads(definition) if isinstance(definition, str) else definition
        # the broker's delivery limit is a policy only (a queue argument could never change again),
        # a last-resort guard far above any number of crashes
        assert "x-delivery-limit" not in queue.queue_arguments
        assert definition["delivery-limit"] == REDELIVERY_GUARD >= 100
        assert definition["dead-letter-exchange"] == queue.queue_arguments["x-dead-letter-exchange"]
    assert PARKING_QUEUE in queues and (PARKING_EXCHANGE, PARKING_QUEUE, "") in bindings

    # and the services' own declarations agree with it (no PRECONDITION_FAILED)
    for service in SERVICES:
        if routing_keys(service):
            s = settings(service, amqp_url)
            with connection(s, "deploy-test") as conn:
                declare(s, routing_keys(service), conn.channel())

    # an event no service is bound for is parked by the alternate exchange, not dropped
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        channel = conn.channel()
        channel.confirm_delivery()
        channel.basic_publish("tandem.events", "cohort.renamed.v9", b"{}", mandatory=True)
        method, _props, _body = channel.basic_get(PARKING_QUEUE, auto_ack=True)
        assert method is not None and method.routing_key == "cohort.renamed.v9"


def test_a_queue_declared_by_an_older_tandem_still_takes_its_consumer(amqp_url):
    """Before the delivery limit became a policy, queues carried x-delivery-limit=5 as an argument;
    that cannot change on a live queue, so the worker attaches to it as it is."""
    notify = settings("notify", amqp_url)
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        conn.channel().queue_declare("notify.events", durable=True, arguments={
            "x-queue-type": "quorum", "x-delivery-limit": 5,
            "x-dead-letter-exchange": "tandem.dlx", "x-dead-letter-routing-key": "notify.events"})
    with connection(notify, "deploy-test") as conn:
        queue, _dead = declare(notify, routing_keys("notify"), conn.channel())
    bound = {(b["source_name"], b["routing_key"]) for b in table("list_bindings", "-p", vhost_of(amqp_url),
             "source_name", "destination_name", "routing_key") if b["destination_name"] == queue.name}
    assert {("tandem.events", key) for key in routing_keys("notify")} <= bound


def test_a_service_user_with_the_kubernetes_permissions_does_its_work_and_no_more(amqp_url):
    vhost = vhost_of(amqp_url)
    user, password = f"tandem-test-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    rabbitmqctl("add_user", user, password)
    try:
        pattern = permission_pattern("matching")
        rabbitmqctl("set_permissions", "-p", vhost, user, pattern, pattern, pattern)
        parts = urlsplit(amqp_url)
        url = urlunsplit(parts._replace(netloc=f"{user}:{password}@{parts.hostname}:{parts.port}"))
        matching = settings("matching", url)

        # the consumer declares its topology, the relay publishes, the monitor counts
        with connection(matching, "deploy-test") as conn:
            declare(matching, routing_keys("matching"), conn.channel())
        publisher = PikaConfirmPublisher(matching)
        try:
            assert publisher.publish_batch([("application.submitted.v1", "acme", str(uuid.uuid4()), "{}")]) == [True]
        finally:
            publisher.close()
        assert eventually(lambda: queue_depths(matching)["matching.events"] == 1, "the published event")

        params = pika.URLParameters(url)
        with pika.BlockingConnection(params) as conn:
            channel = conn.channel()
            method, _props, body = channel.basic_get("matching.events")
            assert method is not None
            # dead-lettering by the consumer: a publish to tandem.dlx
            channel.basic_publish("tandem.dlx", "matching.events", body)
            channel.basic_ack(method.delivery_tag)
        assert eventually(lambda: queue_depths(matching)["matching.events.dlq"] == 1, "the dead letter")

        # another service's queue is out of reach
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        with pika.BlockingConnection(pika.URLParameters(amqp_url)) as admin:
            admin.channel().queue_declare("notify.events", durable=True, arguments={"x-queue-type": "quorum"})
        with pika.BlockingConnection(params) as conn:
            with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
                conn.channel().basic_get("notify.events")
            assert refused.value.reply_code == 403
    finally:
        rabbitmqctl("delete_user", user)
