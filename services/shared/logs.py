"""JSON-lines logging with the correlation id and tenant of the work in hand."""

from __future__ import annotations

import contextvars
import logging
import os
import sys

from pythonjsonlogger.json import JsonFormatter

correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)
tenant: contextvars.ContextVar[str | None] = contextvars.ContextVar("tenant", default=None)
# the event being handled, so that the events its handler writes name it as their cause
causation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("causation_id", default=None)


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation_id.get()
        record.tenant = tenant.get()
        return True


_configured = False


def configure(service: str | None = None) -> None:
    """Send every log record to stderr as one JSON object per line (once per process)."""
    global _configured
    if _configured:
        return
    _configured = True
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ContextFilter())
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s %(tenant)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            static_fields={"service": service} if service else None,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("TANDEM_LOG_LEVEL", "INFO"))
    for noisy in ("pika", "amqp", "kombu", "werkzeug", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
