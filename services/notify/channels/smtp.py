"""An SMTP server, over one connection for a whole batch: SMTP 4xx is a ``TransientFailure``, 5xx a
``PermanentFailure``, and a server that cannot be reached a ``ChannelDown``."""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
from collections.abc import Iterator
from email.message import Message

from ..settings import NotifySettings
from .failures import ChannelDown, PermanentFailure, Ready, TransientFailure, Withheld, ask


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
        ask(self.ready)
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
