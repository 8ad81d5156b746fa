"""The deployment files generated from the code are fresh, and say what the services declare."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from services.ops import generated_files, rabbitmq_definitions, routing_keys
from services.shared.bus import (
    PARKING_EXCHANGE,
    PARKING_QUEUE,
    RECORD_LENGTH,
    RECORD_QUEUE,
    service_queues,
)
from services.shared.config import SERVICES, Settings
from services.shared.contract import EVENT_TYPES

from .conftest import DEPLOY, ROOT

GENERATED = generated_files()


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_the_committed_file_is_fresh(name):
    committed = ROOT / name
    assert committed.exists(), f"{name} is missing: run `python -m services.ops`"
    assert committed.read_text() == GENERATED[name], f"{name} is stale: run `python -m services.ops` and commit"


def test_the_definitions_are_what_the_services_declare():
    definitions = rabbitmq_definitions()
    queues = {q["name"]: q["arguments"] for q in definitions["queues"]}
    bindings = {(b["source"], b["destination"], b["routing_key"]) for b in definitions["bindings"]}
    # and the parking queue of events no queue is bound for, behind its alternate exchange
    expected_queues = {PARKING_QUEUE: {"x-queue-type": "quorum"},
                       RECORD_QUEUE: {"x-queue-type": "quorum", "x-max-length": RECORD_LENGTH, "x-overflow": "drop-head"}}
    expected_bindings = {(PARKING_EXCHANGE, PARKING_QUEUE, "")}
    # and the bounded record queue of events no service consumes yet
    expected_bindings |= {("tandem.events", RECORD_QUEUE, name) for name, known in EVENT_TYPES.items() if known.record}
    for service in SERVICES:
        keys = routing_keys(service)
        if not keys:
            continue
        settings = Settings(service=service, database_url="", amqp_url="", signing_key="")
        for queue in service_queues(settings, keys):
            expected_queues[queue.name] = queue.queue_arguments
            for b in queue.bindings:
                expected_bindings.add((b.exchange.name, queue.name, b.routing_key))
            if queue.exchange and queue.exchange.name:
                expected_bindings.add((queue.exchange.name, queue.name, queue.routing_key))
    assert queues == expected_queues
    assert bindings == expected_bindings
    assert {(x["name"], x["type"]) for x in definitions["exchanges"]} == {
        ("tandem.events", "topic"), ("tandem.dlx", "direct"), (PARKING_EXCHANGE, "fanout")}
    assert "users" not in definitions, "no credentials in the repository"


def test_the_consumer_absent_alert_names_every_consuming_service():
    rules = yaml.safe_load((DEPLOY / "prometheus" / "rules" / "tandem.yml").read_text())
    (rule,) = [r for g in rules["groups"] for r in g["rules"] if r.get("alert") == "TandemConsumerAbsent"]
    named = set(re.findall(r'absent\(tandem_consumer_up\{service="(\w+)"\}\)', rule["expr"]))
    consuming = {s for s in SERVICES if routing_keys(s)}
    assert named == consuming, "update TandemConsumerAbsent (deploy/prometheus/rules/tandem.yml) to the services that consume"


def test_the_compose_broker_gets_the_definitions():
    conf = (DEPLOY / "rabbitmq" / "rabbitmq.conf").read_text()
    (path,) = re.findall(r"^load_definitions\s*=\s*(\S+)", conf, re.M)
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    mounts = compose["services"]["rabbitmq"]["volumes"]
    assert f"./rabbitmq/definitions.json:{path}/10-topology.json:ro" in mounts
    json.loads((DEPLOY / "rabbitmq" / "definitions.json").read_text())
