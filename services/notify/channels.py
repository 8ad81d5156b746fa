"""Where messages go: an SMTP server (one connection for a whole batch), or — embedded, no SMTP
configured — an mbox file in the data directory; and tenants' webhooks over HTTPS.

Each failure is classified where it happens: ``TransientFailure`` (try again later: SMTP 4xx,
HTTP 5xx and 429, timeouts, refused connections to a webhook), ``PermanentFailure`` (will never
succeed: SMTP 5xx, HTTP 4xx) or ``ChannelDown`` (the SMTP server itself cannot be reached: no
message is at fault, so none is charged an attempt and all wait for the server to come back).
"""

from __future__ import annotations

import contextlib
import mailbox
import re
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header, decode_header, make_header
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

import requests

from .settings import NotifySettings


class TransientFailure(Exception):
    """Worth trying again later (4xx, 5xx from a webhook, a timeout)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentFailure(Exception):
    """Will never succeed (SMTP 5xx: no such mailbox; HTTP 4xx)."""


class ChannelDown(Exception):
    """The SMTP server cannot be reached or will not talk to us: nothing is sent, nothing is
    charged to the messages; everything waits for the server."""


class Withheld(Exception):
    """The sender said no (``ready``) just before the message's content would have gone out:
    nothing was sent."""


# ``ready`` is asked when all of a message but its end has gone to the server (envelope and
# content, not the final "."), which is when the message counts as sent: the dispatcher waits
# there for the previous message to be on record, so that wait overlaps the whole exchange with
# the server instead of adding to it. Said no, the connection is dropped and the server discards
# the unfinished message.
Ready = Callable[[], bool]


def _ask(ready: Ready | None) -> None:
    if ready is None:
        return
    try:
        go = ready()
    except Exception as exc:
        raise Withheld(f"{type(exc).__name__}: {exc}") from exc
    if not go:
        raise Withheld("the sender withdrew the message")


# --- building the e-mail ------------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """What a queued delivery needs to become an e-mail (the row, as plain values)."""

    delivery_id: str
    to: str
    subject: str
    text: str
    html: str | None
    locale: str
    sender_name: str | None = None
    reply_to: str | None = None
    unsubscribe_url: str | None = None
    calendar: str | None = None
    calendar_method: str | None = None


def mail_domain(settings: NotifySettings) -> str:
    address = parseaddr(settings.base.mail_from)[1]
    return address.rpartition("@")[2] or "tandem.invalid"


# Quoted-printable bodies: 7-bit safe for any server, and still readable in the raw message.
_UTF8 = Charset("utf-8")
_UTF8.header_encoding = QP
_UTF8.body_encoding = QP


def _header(value: str) -> str | Header:
    """A header value, encoded (RFC 2047) only where it is not plain ASCII."""
    return value if value.isascii() else Header(value, _UTF8)


def build_email(settings: NotifySettings, letter: Letter, now: datetime) -> Message:
    """A multipart (text and HTML) e-mail with the headers a careful sender sets.

    Built with the classic ``email.mime`` classes: the same message as ``EmailMessage`` would
    make, at a seventh of the cost (it is on the path of every e-mail)."""
    display, address = parseaddr(settings.base.mail_from)
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(letter.text, "plain", _UTF8))
    if letter.html:
        body.attach(MIMEText(letter.html, "html", _UTF8))
    msg = body
    if letter.calendar:
        msg = MIMEMultipart("mixed")
        msg.attach(body)
        invitation = MIMEText(letter.calendar, "calendar", _UTF8)
        invitation.set_param("method", letter.calendar_method or "REQUEST")
        invitation.add_header("Content-Disposition", "attachment", filename="invite.ics")
        msg.attach(invitation)
    msg["From"] = formataddr((letter.sender_name or display or "Tandem", address), charset="utf-8")
    msg["To"] = letter.to  # the address alone: the greeting names the person
    if letter.reply_to:
        msg["Reply-To"] = letter.reply_to
    msg["Subject"] = _header(letter.subject)
    msg["Date"] = format_datetime(now)
    # The same id on every attempt, so a receiver can drop a copy sent twice after a crash.
    msg["Message-ID"] = f"<{letter.delivery_id}@{mail_domain(settings)}>"
    msg["Content-Language"] = letter.locale
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to this
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-Tandem-Delivery"] = letter.delivery_id
    if letter.unsubscribe_url:
        # RFC 2369 and RFC 8058: the mail client's own "unsubscribe" button, one click, no login
        msg["List-Unsubscribe"] = f"<{letter.unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return msg


# --- SMTP ---------------------------------------------------------------------------------------


class _Client(smtplib.SMTP):
    """smtplib's client, asking ``ready`` before it ends each message's content."""

    ready: Ready | None = None

    def connect(self, *args, **kwargs):
        answer = super().connect(*args, **kwargs)
        # a message's end goes on its own, right after its content: with Nagle's algorithm it
        # would wait for the server's (delayed) acknowledgement of the content
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return answer

    def data(self, msg: bytes):
        """smtplib's DATA (RFC 5321 4.1.1.4), with ``ready`` asked before the final ".";
        ``send_message`` hands the message over as bytes with CRLF line ends."""
        if self.ready is None:
            return super().data(msg)
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        content = re.sub(rb"(?m)^\.", b"..", msg)  # a line that starts with a dot gets another
        self.send(content if content.endswith(b"\r\n") else content + b"\r\n")
        _ask(self.ready)
        self.send(b".\r\n")
        return self.getreply()


def _classify(code: int, text: str) -> Exception:
    return TransientFailure(text) if 400 <= code < 500 else PermanentFailure(text)


class SmtpSession:
    """One open connection to the SMTP server, used for a whole batch of messages."""

    def __init__(self, settings: NotifySettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        s = self.settings.base
        try:
            smtp = _Client(s.smtp_host, s.smtp_port, timeout=self.settings.smtp_timeout)
            try:
                smtp.ehlo()
                if s.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password or "")
            except BaseException:
                smtp.close()
                raise
        except (OSError, smtplib.SMTPException) as exc:
            # refused, timed out, 421 at the greeting, TLS or login refused: the server (or our
            # configuration of it) is the problem, not any one message
            raise ChannelDown(f"SMTP server {s.smtp_host}:{s.smtp_port}: {type(exc).__name__}: {exc}") from exc
        self.smtp = smtp

    def send(self, msg: Message, ready: Ready | None = None) -> None:
        for again in (False, True):
            if self.smtp is None:
                self.open()
            self.smtp.ready = ready
            try:
                refused = self.smtp.send_message(msg)
            except Withheld:
                # mid-message: the connection is dropped (no QUIT, which would go as content), and
                # the server discards what it had of the message
                with contextlib.suppress(Exception):
                    self.smtp.close()
                self.smtp = None
                raise
            except smtplib.SMTPRecipientsRefused as exc:
                (code, text), = exc.recipients.values()
                raise _classify(code, f"SMTP {code} recipient refused: {_text(text)}") from exc
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                raise _classify(exc.smtp_code, f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}") from exc
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code != 421 or again:
                    raise _classify(exc.smtp_code, f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}") from exc
                self._reconnect_or_down(exc)  # 421: the server is going away; a fresh connection
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                # The connection broke under this message: it may or may not have been taken.
                # It goes once more on a fresh connection (same Message-ID); if that breaks too,
                # the message is retried later like any transient failure.
                if again:
                    raise TransientFailure(f"connection lost while sending: {type(exc).__name__}: {exc}") from exc
                self._reconnect_or_down(exc)
            else:
                if refused:
                    (code, text), = refused.values()
                    raise _classify(code, f"SMTP {code} recipient refused: {_text(text)}")
                return

    def _reconnect_or_down(self, exc: Exception) -> None:
        self.close()
        try:
            self.open()
        except ChannelDown as down:
            raise ChannelDown(f"{down} (after {type(exc).__name__}: {exc})") from exc

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(Exception):
                self.smtp.quit()
            with contextlib.suppress(Exception):
                self.smtp.close()
            self.smtp = None


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class SmtpChannel:
    name = "smtp"

    def __init__(self, settings: NotifySettings):
        self.settings = settings

    @contextlib.contextmanager
    def session(self) -> Iterator[SmtpSession]:
        session = SmtpSession(self.settings)
        session.open()
        try:
            yield session
        finally:
            session.close()


# --- the embedded mailbox -----------------------------------------------------------------------


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
        _ask(ready)
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


def email_channel(settings: NotifySettings) -> SmtpChannel | MboxChannel:
    return SmtpChannel(settings) if settings.smtp_configured else MboxChannel(settings)


# --- webhooks -----------------------------------------------------------------------------------


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class WebhookChannel:
    """HTTPS POSTs to tenants' endpoints, over one keep-alive session."""

    name = "webhook"

    def __init__(self, settings: NotifySettings):
        self.settings = settings
        self.http = requests.Session()
        self.http.headers["User-Agent"] = "Tandem-Notify/1"

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        try:
            response = self.http.post(url, data=body, headers=headers, timeout=self.settings.webhook_timeout,
                                      allow_redirects=False)
        except requests.Timeout as exc:
            raise TransientFailure(f"timed out after {self.settings.webhook_timeout}s") from exc
        except requests.ConnectionError as exc:
            raise TransientFailure(f"cannot connect: {type(exc).__name__}") from exc
        except requests.RequestException as exc:
            raise PermanentFailure(f"cannot post: {exc}") from exc
        status = response.status_code
        response.close()
        if 200 <= status < 300:
            return status
        if status == 429 or status >= 500 or status == 408:
            raise TransientFailure(f"HTTP {status}", retry_after=_retry_after(response.headers.get("Retry-After")))
        raise PermanentFailure(f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else ""))

    def close(self) -> None:
        self.http.close()
