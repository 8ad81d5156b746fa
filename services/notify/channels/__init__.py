"""Where messages go: an SMTP server (one connection for a whole batch), or — embedded, no SMTP
configured — an mbox file in the data directory; and tenants' webhooks over HTTPS.

Each failure is classified where it happens: ``TransientFailure`` (try again later: SMTP 4xx,
HTTP 5xx and 429, timeouts, refused connections to a webhook), ``PermanentFailure`` (will never
succeed: SMTP 5xx, HTTP 4xx) or ``ChannelDown`` (the SMTP server itself cannot be reached: no
message is at fault, so none is charged an attempt and all wait for the server to come back).

``failures`` names those, ``letters`` builds the e-mail, ``smtp``, ``mbox`` and ``webhook`` are the
channels; the names the dispatcher uses are all here.
"""

from ..settings import NotifySettings
from .failures import ChannelDown, PermanentFailure, Ready, TransientFailure, Withheld  # noqa: F401
from .letters import Letter, build_email, mail_domain  # noqa: F401
from .mbox import MboxChannel, MboxSession  # noqa: F401
from .smtp import SmtpChannel, SmtpSession  # noqa: F401
from .webhook import WebhookChannel  # noqa: F401


def email_channel(settings: NotifySettings) -> SmtpChannel | MboxChannel:
    return SmtpChannel(settings) if settings.smtp_configured else MboxChannel(settings)
