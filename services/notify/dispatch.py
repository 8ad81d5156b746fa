"""The worker's sender: takes due deliveries from the log and sends them through their channel."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from services.shared.config import Settings

from . import store
from .channels import PermanentFailure, TransientFailure, build_email, email_channel
from .domain.deliveries import MAX_ATTEMPTS, backoff, due

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(self, settings: Settings, engine: Engine):
        self.settings = settings
        self.engine = engine
        self.channel = email_channel(settings)

    def tick(self) -> int:
        """Send what is due now; return how many went out."""
        with self.engine.connect() as conn:
            rows = due(conn, datetime.now(UTC))
        sent = 0
        for row in rows:
            sent += self._send(row)
        return sent

    def _send(self, row) -> int:
        t = store.deliveries
        msg = build_email(self.settings, row["recipient"], row["subject"], row["body_text"], row["id"])
        now = datetime.now(UTC)
        try:
            self.channel.send(msg)
        except TransientFailure as exc:
            attempts = row["attempts"] + 1
            status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
            values = dict(attempts=attempts, last_error=str(exc), status=status, next_attempt_at=now + backoff(attempts))
            log.warning("delivery %s: %s (attempt %d)", row["id"], exc, attempts)
        except PermanentFailure as exc:
            values = dict(attempts=row["attempts"] + 1, last_error=str(exc), status="failed")
            log.error("delivery %s failed: %s", row["id"], exc)
        else:
            values = dict(attempts=row["attempts"] + 1, status="sent", sent_at=now, last_error=None)
        with self.engine.begin() as conn:
            conn.execute(t.update().where(t.c.id == row["id"]).values(**values))
        return 1 if values["status"] == "sent" else 0
