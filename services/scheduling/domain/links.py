"""Personal links that scheduling puts in its events (signing the agreement, the meeting plan, the
surveys): the same participant token intake gives every applicant, scoped to the person's
application. The pair's agreement and meeting plan open as pages of the web front (``web_url``).

Event handlers and the worker's timers make links too, outside any request, so the service's
settings are kept here when its API or worker is built.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.shared.config import Settings, settings_for
from services.shared.tenancy import participant_token

_settings: Settings | None = None

# links stay usable this long after the cohort's end (late surveys, a last look at the plan)
AFTER_THE_END = timedelta(days=60)


def configure(settings: Settings) -> None:
    global _settings
    _settings = settings


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = settings_for("scheduling")
    return _settings


def _ttl(ends_on: date | None, time_zone: str, now: datetime) -> int:
    until = datetime.combine(ends_on, time(23, 59), tzinfo=ZoneInfo(time_zone)) + AFTER_THE_END if ends_on else now + AFTER_THE_END
    return max(int((until - now).total_seconds()), 14 * 24 * 3600)


def _token(tenant: str, application_id: str, ends_on: date | None, time_zone: str, now: datetime) -> str:
    return participant_token(settings().signing_key, tenant=tenant, sub=application_id, scope="application",
                             ttl=_ttl(ends_on, time_zone, now))


def personal(tenant: str, application_id: str, path: str, *, ends_on: date | None, time_zone: str, now: datetime) -> str:
    """``{public_url}{path}?token=...`` for this person; ``path`` starts with the service prefix."""
    return f"{settings().public_url}{path}?token={_token(tenant, application_id, ends_on, time_zone, now)}"


def page(tenant: str, application_id: str, path: str, *, ends_on: date | None, time_zone: str, now: datetime) -> str:
    """``{web_url}{path}?token=...``: a page of the web front, opened with this person's own link."""
    return f"{settings().web_url}{path}?token={_token(tenant, application_id, ends_on, time_zone, now)}"
