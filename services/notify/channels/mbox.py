"""The embedded default, no SMTP configured: every message appended to an mbox file in the data
directory, its HTML version and any invitation beside it."""

from __future__ import annotations

import contextlib
import mailbox
import threading
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from pathlib import Path

from ..settings import NotifySettings
from .failures import Ready, ask


class MboxSession:
    _lock = threading.Lock()

    def __init__(self, path: Path):
        self.path = path

    def send(self, msg: Message, ready: Ready | None = None) -> None:
        """Append the message as a reader of the mbox sees it best: the text as the message
        (readable with ``cat``), the HTML version and any invitation beside it in
        ``mail/parts/<delivery id>.html`` and ``.ics``."""
        delivery_id = msg["X-Tandem-Delivery"] or "message"
        parts_dir = self.path.parent / "parts"
        parts = {part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                 for part in msg.walk() if not part.is_multipart()}
        out = EmailMessage()
        for key, value in msg.items():
            if key.lower() not in ("content-type", "content-transfer-encoding", "mime-version"):
                out[key] = str(make_header(decode_header(value))) if isinstance(value, str) else str(value)
        out.set_content(parts.get("text/plain", ""), cte="8bit")
        out["Content-Language"] = msg["Content-Language"]
        ask(ready)
        with self._lock:
            if "text/html" in parts or "text/calendar" in parts:
                parts_dir.mkdir(parents=True, exist_ok=True)
            if "text/html" in parts:
                (parts_dir / f"{delivery_id}.html").write_text(parts["text/html"], encoding="utf-8")
                out["X-Tandem-Html"] = f"parts/{delivery_id}.html"
            if "text/calendar" in parts:
                (parts_dir / f"{delivery_id}.ics").write_text(parts["text/calendar"], encoding="utf-8")
                out["X-Tandem-Calendar"] = f"parts/{delivery_id}.ics"
            box = mailbox.mbox(self.path)
            box.lock()
            try:
                box.add(out)
                box.flush()
            finally:
                box.unlock()
                box.close()

    def close(self) -> None:
        pass


class MboxChannel:
    """The embedded default: every message appended to ``<data dir>/mail/outbox.mbox``."""

    name = "mbox"

    def __init__(self, settings: NotifySettings):
        self.path = settings.base.data_dir / "mail" / "outbox.mbox"
        self.path.parent.mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def session(self) -> Iterator[MboxSession]:
        yield MboxSession(self.path)
