"""The event bus: topology, confirming publishers and the idempotent consumer.

One durable topic exchange carries every event, routed by its versioned type. Each service
consumes from its own durable quorum queue with a dead-letter queue. The embedded mode runs the
same code on kombu's in-memory transport.

The package, in the order an event meets it:

- ``handlers``: the handler table, which events a service consumes and what applies each;
- ``topology``: the exchanges, the service's queue and its dead-letter queue, connections;
- ``publishers``: confirmed publishing for the outbox relay, and parking of unroutable events;
- ``consumer``: the consuming loop, acknowledging after commit and retrying in place;
- ``applying``: one transaction per event or batch, with its inbox row;
- ``dead_letters``: parking an event the consumer cannot apply, with its reason.

Who decides that an event is dead. A quorum queue counts a delivery every time a message comes
back unacknowledged — also when the consumer crashed or lost its connection while holding it —
and with a prefetch of hundreds a crash-looping worker charges every held event at once. So the
broker's count cannot tell a bad event from a bad moment, and the consumer does not use it. The
consumer counts handler failures itself: a failing handler is retried in place, holding its
message (so the next events of its aggregate cannot overtake it), ``delivery_limit`` times
within one delivery, and is then dead-lettered with its reason (``x-tandem-reason``). A crash
costs no attempt: the event simply comes again and the inbox skips it if it was applied. The
broker's delivery limit stays only as a last-resort guard against a message that kills the
worker itself: ``REDELIVERY_GUARD``, far above any crash count, set by policy (deploy/, generated
by services.ops) and not as a queue argument, because an argument can never change on an
existing queue (a redeclare with another value fails) while a policy can change at any time.
A queue declared by an older Tandem with ``x-delivery-limit`` keeps that argument (the broker
applies the lower of argument and policy); the consumer still attaches to it, and warns, until
it is re-created.

An event no queue is bound for is not lost: the events exchange has an alternate exchange (set
by policy) that parks it in ``tandem.unroutable``; where no such policy exists the publisher gets
it back (``mandatory``) and parks it there itself before the relay marks it sent. The embedded
transport parks it in the same (in-memory) queue.
"""

from .consumer import EventConsumer
from .handlers import BatchHandler, Handler, HandlerTable
from .publishers import Item, KombuPublisher, PikaConfirmPublisher, PublishError, publisher_factory
from .topology import (
    PARKING_EXCHANGE,
    PARKING_QUEUE,
    RECORD_LENGTH,
    RECORD_QUEUE,
    REDELIVERY_GUARD,
    broker_reachable,
    connection,
    dead_letter_exchange,
    declare,
    events_exchange,
    queue_depths,
    service_queues,
)

__all__ = [
    "PARKING_EXCHANGE",
    "PARKING_QUEUE",
    "RECORD_LENGTH",
    "RECORD_QUEUE",
    "REDELIVERY_GUARD",
    "BatchHandler",
    "EventConsumer",
    "Handler",
    "HandlerTable",
    "Item",
    "KombuPublisher",
    "PikaConfirmPublisher",
    "PublishError",
    "broker_reachable",
    "connection",
    "dead_letter_exchange",
    "declare",
    "events_exchange",
    "publisher_factory",
    "queue_depths",
    "service_queues",
]
