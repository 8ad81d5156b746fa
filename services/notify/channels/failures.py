"""How a channel fails, each failure classified where it happens: ``TransientFailure`` (try again
later), ``PermanentFailure`` (will never succeed), ``ChannelDown`` (the SMTP server itself cannot
be reached: no message is at fault) or ``Withheld`` (the sender said no at the last moment); and
``ready``, the sender's last word before a message counts as sent."""

from __future__ import annotations

from collections.abc import Callable


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


def ask(ready: Ready | None) -> None:
    if ready is None:
        return
    try:
        go = ready()
    except Exception as exc:
        raise Withheld(f"{type(exc).__name__}: {exc}") from exc
    if not go:
        raise Withheld("the sender withdrew the message")
