"""Notify's own configuration: the platform's settings plus how it retries, batches and reaches
tenants' webhooks, read from the environment in this one place (defaults run the embedded mode)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from services.shared.config import Settings, settings_for


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class NotifySettings:
    """How notify sends: ``base`` is the platform's settings (SMTP, public URL, signing key)."""

    base: Settings
    max_attempts: int = 8  # tries of one delivery before it is failed
    retry_base_seconds: float = 30.0  # the first retry waits between half of this and this long
    retry_max_seconds: float = 3600.0  # no wait between tries is longer than this
    outage_max_seconds: float = 60.0  # while the SMTP server is unreachable, probe at least this often
    batch: int = 200  # deliveries one dispatcher claims at a time
    # A claim of a dispatcher that runs but has not renewed it for this long is taken again (a dead
    # dispatcher's claims are taken over at once: they are tied to its life, see store.ClaimOwner).
    lease_seconds: float = 300.0
    smtp_timeout: float = 15.0
    webhook_timeout: float = 5.0
    # Plain http:// webhooks only to a loopback address, for tests and development; never in
    # production, where every webhook is HTTPS to a public address.
    webhook_allow_http_loopback: bool = False
    dispatch_interval: float = 0.5
    unsubscribe_ttl: int = 400 * 24 * 3600  # the one-click link in a message keeps working this long
    previous_secret_hours: float = 24.0  # after a rotation the old webhook secret still signs this long
    # a tenant's own template renders in a limited subprocess: this long (wall clock and CPU), this
    # much memory, in a pool of this many processes
    template_seconds: float = 2.0
    template_memory_mb: int = 256
    template_workers: int = 2

    @property
    def smtp_configured(self) -> bool:
        return bool(self.base.smtp_host)


def notify_settings(base: Settings | None = None, **overrides) -> NotifySettings:
    """Read notify's settings from ``NOTIFY_*`` variables; ``overrides`` win (tests)."""
    values = dict(
        base=base or settings_for("notify"),
        max_attempts=int(_env("NOTIFY_MAX_ATTEMPTS", "8")),
        retry_base_seconds=float(_env("NOTIFY_RETRY_BASE_SECONDS", "30")),
        retry_max_seconds=float(_env("NOTIFY_RETRY_MAX_SECONDS", "3600")),
        outage_max_seconds=float(_env("NOTIFY_OUTAGE_MAX_SECONDS", "60")),
        batch=int(_env("NOTIFY_BATCH", "200")),
        lease_seconds=float(_env("NOTIFY_LEASE_SECONDS", "300")),
        smtp_timeout=float(_env("NOTIFY_SMTP_TIMEOUT", "15")),
        webhook_timeout=float(_env("NOTIFY_WEBHOOK_TIMEOUT", "5")),
        webhook_allow_http_loopback=_env("NOTIFY_WEBHOOK_ALLOW_HTTP_LOOPBACK", "false").lower() in ("1", "true", "yes"),
        dispatch_interval=float(_env("NOTIFY_DISPATCH_INTERVAL", "0.5")),
        previous_secret_hours=float(_env("NOTIFY_WEBHOOK_PREVIOUS_SECRET_HOURS", "24")),
        template_seconds=float(_env("NOTIFY_TEMPLATE_SECONDS", "2")),
        template_memory_mb=int(_env("NOTIFY_TEMPLATE_MEMORY_MB", "256")),
        template_workers=int(_env("NOTIFY_TEMPLATE_WORKERS", "2")),
    )
    values.update(overrides)
    return NotifySettings(**values)


# The handlers run inside the consumer with (connection, event) only; what they need of the
# configuration (public URL, signing key for personal links) is set here by create_app and
# create_worker, once per process.
_current: NotifySettings | None = None


def configure(settings: NotifySettings) -> NotifySettings:
    global _current
    _current = settings
    return settings


def current() -> NotifySettings:
    global _current
    if _current is None:
        _current = notify_settings()
    return _current


def with_base(settings: NotifySettings, **base_overrides) -> NotifySettings:
    return replace(settings, base=replace(settings.base, **base_overrides))
