"""Dead-lettering with a reason: where the consumer parks an event it cannot apply.

A message that cannot be read, that no handler takes, or whose handler kept failing is copied to
the service's dead-letter queue with ``x-tandem-*`` headers saying why, from where and when; the
consumer acknowledges the original only once the broker has confirmed the copy.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from kombu import Connection, Producer

from .. import metrics
from ..config import Settings
from .topology import connection, dead_letter_exchange

log = logging.getLogger(__name__)


class DeadLetters:
    """The service's dead-letter queue, as the consumer writes to it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._conn: Connection | None = None
        self._producer: Producer | None = None

    def park(self, message, reason: str, event_type: str) -> None:
        """Park the message in this service's dead-letter queue with its reason (the caller then
        acknowledges the original)."""
        headers = dict(message.headers or {})
        headers.update({
            "x-tandem-reason": reason[:2000],
            "x-tandem-queue": self.settings.queue,
            "x-tandem-routing-key": message.delivery_info.get("routing_key") or event_type,
            "x-tandem-dead-lettered-at": datetime.now(UTC).isoformat(),
        })
        if self._conn is None:
            # A confirming connection of its own: the original is acked only once the copy is safe.
            self._conn = connection(self.settings, "dead-letter", confirm=True)
            self._producer = Producer(self._conn.channel())
        self._producer.publish(
            message.body,
            exchange=dead_letter_exchange(self.settings),
            routing_key=self.settings.queue,
            headers=headers,
            message_id=message.properties.get("message_id"),
            delivery_mode=2,
            content_type=message.content_type or "application/json",
            content_encoding=message.content_encoding or "utf-8",
            retry=True,
        )
        metrics.EVENTS_DEAD_LETTERED.labels(self.settings.service, event_type).inc()
        log.error("dead-lettered %s: %s", message.properties.get("message_id"), reason)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.release()
            except Exception:
                pass
            self._conn = None
