"""Where messages go: an SMTP server, or (embedded, no SMTP configured) an mbox file."""

from __future__ import annotations

import mailbox
import smtplib
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from services.shared.config import Settings


class TransientFailure(Exception):
    """Worth trying again later (server down, 4xx)."""


class PermanentFailure(Exception):
    """Will never succeed (5xx: no such mailbox, refused)."""


def build_email(settings: Settings, to: str, subject: str, text: str, delivery_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(idstring=delivery_id, domain="tandem.example.org")
    msg["X-Tandem-Delivery"] = delivery_id
    msg.set_content(text)
    return msg


class SmtpChannel:
    def __init__(self, settings: Settings):
        self.settings = settings

    def send(self, msg: EmailMessage) -> None:
        s = self.settings
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=10) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password or "")
                smtp.send_message(msg)
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise TransientFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise PermanentFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(400 <= c < 500 for c in codes):
                raise TransientFailure(f"recipients refused: {exc.recipients!r}") from exc
            raise PermanentFailure(f"recipients refused: {exc.recipients!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientFailure(f"{type(exc).__name__}: {exc}") from exc


class MboxChannel:
    """The embedded default: every message appended to ``<data dir>/mail/outbox.mbox``."""

    _lock = threading.Lock()

    def __init__(self, settings: Settings):
        self.path = settings.data_dir / "mail" / "outbox.mbox"
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def send(self, msg: EmailMessage) -> None:
        with self._lock:
            box = mailbox.mbox(self.path)
            box.lock()
            try:
                box.add(msg)
                box.flush()
            finally:
                box.unlock()
                box.close()


def email_channel(settings: Settings):
    return SmtpChannel(settings) if settings.smtp_host else MboxChannel(settings)
