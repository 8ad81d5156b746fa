"""The embedded mode's in-memory transport keeps an event no queue is bound for, as RabbitMQ does."""

import warnings

from services.shared.bus import PARKING_QUEUE, KombuPublisher, queue_depths
from services.shared.config import Settings


def test_an_embedded_event_nobody_consumes_is_parked_not_dropped():
    settings = Settings(service="parktest", database_url="sqlite://", amqp_url="memory://", signing_key="x")
    before = queue_depths(settings)[PARKING_QUEUE]
    publisher = KombuPublisher(settings)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # kombu warns that it took the parking queue
            assert publisher.publish_batch([("notification.sent.v1", "acme", "e-1", "{}")]) == [True]
    finally:
        publisher.close()
    assert queue_depths(settings)[PARKING_QUEUE] == before + 1
