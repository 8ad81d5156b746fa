"""Dates, times, numbers and languages as the reader writes them: Jinja filters formatting with
Babel for the reader's locale (``locale`` in the context) and time zone (``time_zone``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location
from babel.lists import format_list
from babel.numbers import format_decimal
from jinja2 import pass_context

from .words import FALLBACK

# English for readers in the Nordic countries: day-month order and a 24-hour clock.
BABEL_LOCALES = {"sv": "sv_SE", "fi": "fi_FI", "nb": "nb_NO", "en": "en_GB"}
# "Tuesday 2 February 2027 at 17:00–19:00" as each language writes it
_SAME_DAY = {"sv": "{date} kl. {times}", "fi": "{date} klo {times}", "nb": "{date} kl. {times}", "en": "{date}, {times}"}
_AT = {"sv": "{date} kl. {time}", "fi": "{date} klo {time}", "nb": "{date} kl. {time}", "en": "{date}, {time}"}


def babel_locale(locale: str) -> str:
    return BABEL_LOCALES.get(locale, BABEL_LOCALES[FALLBACK])


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _reader(ctx) -> tuple[str, ZoneInfo, str]:
    locale = ctx.get("locale") or FALLBACK
    return babel_locale(locale), _zone(ctx.get("time_zone")), locale


def _local(value: datetime | date, tz: ZoneInfo) -> datetime | date:
    return value.astimezone(tz) if isinstance(value, datetime) else value


@pass_context
def f_date(ctx, value: datetime | date | None, format: str = "full") -> str:  # noqa: A002 — Babel's word
    """A date (or the local date of a moment) as the reader writes it: "tisdag 2 februari 2027"."""
    if value is None:
        return ""
    babel, tz, _ = _reader(ctx)
    local = _local(value, tz)
    return format_date(local.date() if isinstance(local, datetime) else local, format, locale=babel)


@pass_context
def f_time(ctx, value: datetime | None) -> str:
    """A moment's local clock time: "17:00", in Finnish "17.00"."""
    if value is None:
        return ""
    babel, tz, _ = _reader(ctx)
    return format_time(value.astimezone(tz), "short", locale=babel)


@pass_context
def f_datetime(ctx, value: datetime | None, format: str = "full") -> str:  # noqa: A002
    if value is None:
        return ""
    babel, tz, locale = _reader(ctx)
    local = value.astimezone(tz)
    return _AT.get(locale, _AT[FALLBACK]).format(date=format_date(local.date(), format, locale=babel),
                                                 time=format_time(local, "short", locale=babel))


@pass_context
def f_span(ctx, start: datetime, end: datetime) -> str:
    """When something happens, in the reader's time zone: one day with its hours, or from a day
    and time to another (a two-day training)."""
    babel, tz, locale = _reader(ctx)
    start, end = start.astimezone(tz), end.astimezone(tz)
    if start.date() == end.date():
        times = f"{format_time(start, 'short', locale=babel)}–{format_time(end, 'short', locale=babel)}"
        return _SAME_DAY.get(locale, _SAME_DAY[FALLBACK]).format(date=format_date(start.date(), "full", locale=babel), times=times)
    at = _AT.get(locale, _AT[FALLBACK])
    return " – ".join(at.format(date=format_date(moment.date(), "full", locale=babel),
                                time=format_time(moment, "short", locale=babel)) for moment in (start, end))


@pass_context
def f_zone(ctx, name: str | None = None) -> str:
    """The reader's time zone by its place: "Finlandtid", "Finland Time"."""
    babel, tz, _ = _reader(ctx)
    return get_timezone_location(_zone(name) if name else tz, locale=babel)


@pass_context
def f_number(ctx, value: float | int) -> str:
    return format_decimal(value, locale=_reader(ctx)[0])


def _language_name(code: str, babel: str) -> str:
    names = Locale.parse(babel).languages
    return names.get({"nb": "no", "nn": "no"}.get(code, code)) or names.get(code) or code


@pass_context
def f_language(ctx, code: str) -> str:
    return _language_name(code, _reader(ctx)[0])


@pass_context
def f_languages(ctx, codes: Iterable[str]) -> str:
    """Languages by name, as a list in the reader's language: "svenska och engelska"."""
    babel = _reader(ctx)[0]
    names = [_language_name(code, babel) for code in codes]
    return format_list(names, locale=babel) if names else ""


FILTERS: dict[str, Callable] = {
    "date": f_date, "time": f_time, "datetime": f_datetime, "span": f_span, "zone": f_zone,
    "number": f_number, "language": f_language, "languages": f_languages,
}
