"""Every event someone publishes is either consumed by a service or declared for the record.

An event no queue is bound for is parked and alerted (``tandem.unroutable``); one published for
the record only is kept in the bounded ``tandem.record`` queue instead. Both lists follow from the
code, so a new event type with no consumer fails here until its author says which it is.
"""

from services.ops import rabbitmq_definitions, routing_keys
from services.shared.bus import RECORD_QUEUE
from services.shared.config import SERVICES
from services.shared.contract import EVENT_TYPES


def _consumed() -> set[str]:
    return {key for service in SERVICES for key in routing_keys(service)}


def test_every_event_type_has_a_consumer_or_is_declared_for_the_record():
    unheard = sorted(name for name, known in EVENT_TYPES.items() if not known.record and name not in _consumed())
    assert unheard == [], f"no service consumes {unheard}: bind a handler, or declare them record=True"


def test_an_event_declared_for_the_record_is_not_consumed_by_anyone():
    # record=True silences the unroutable alarm; it must not hide a consumer's missing binding
    both = sorted(name for name, known in EVENT_TYPES.items() if known.record and name in _consumed())
    assert both == []


def test_the_deployment_keeps_events_for_the_record_in_a_bounded_queue():
    definitions = rabbitmq_definitions()
    record = next(q for q in definitions["queues"] if q["name"] == RECORD_QUEUE)
    assert record["arguments"]["x-max-length"] > 0 and record["arguments"]["x-overflow"] == "drop-head"
    bound = {b["routing_key"] for b in definitions["bindings"] if b["destination"] == RECORD_QUEUE}
    assert bound == {name for name, known in EVENT_TYPES.items() if known.record}
    assert {"notification.sent.v1", "notification.failed.v1", "tenant.created.v1"} <= bound
