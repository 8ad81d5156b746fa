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
            # an event of the contract that no service of this process is bound for
            assert publisher.publish_batch([("application.submitted.v1", "acme", "e-1", "{}")]) == [True]
    finally:
        publisher.close()
    assert queue_depths(settings)[PARKING_QUEUE] == before + 1


def test_an_embedded_event_for_the_record_is_left_in_the_outbox_not_parked():
    # nobody consumes notification.sent yet: every e-mail would otherwise grow the parking queue
    settings = Settings(service="recordtest", database_url="sqlite://", amqp_url="memory://", signing_key="x")
    before = queue_depths(settings)[PARKING_QUEUE]
    publisher = KombuPublisher(settings)
    try:
        assert publisher.publish_batch([("notification.sent.v1", "acme", "e-2", "{}")]) == [True]
    finally:
        publisher.close()
    assert queue_depths(settings)[PARKING_QUEUE] == before
