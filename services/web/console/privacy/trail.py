"""A person's audit trail across the four services: who read or changed their data, newest first.

Each service keeps its own log and cuts it in pages (``GET /<service>/audit?email=``, newest
first). One page of the merged trail needs, from each service, at most as many of its newest rows
as the merged trail has up to the end of that page; those are read, merged by time, and the page
cut from them. The total is the four totals added.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ...backends import ApiError
from ...personal_data import SERVICES
from ..access import Page, call

MOST_PER_CALL = 500  # the audit readers' largest page
DEEPEST = 10_000  # rows read from each service for one page at most: a page further on shows the last it reaches


class Unread(Exception):
    """The log of one or more services could not be read; no trail is shown rather than part of one."""

    def __init__(self, services: list[str]):
        super().__init__(", ".join(services))
        self.services = services


def newest(service: str, email: str, count: int) -> tuple[list[dict], int]:
    """The service's ``count`` newest rows about the person (each naming its service), and how many it holds."""
    rows: list[dict] = []
    size = min(count, MOST_PER_CALL)
    number, total = 1, 0
    while len(rows) < count:
        answer = call(service, "GET", "/audit", params={"email": email, "page": number, "per_page": size})
        items = answer.get("items") or []
        total = int(answer.get("total") or 0)
        rows += [{**item, "service": service} for item in items]
        if len(items) < size or len(rows) >= total:
            break
        number += 1
    return rows[:count], total


def _instant(row: dict) -> datetime:
    at = datetime.fromisoformat(str(row.get("at")))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def page(email: str, number: int, size: int) -> Page:
    """Page ``number`` (from 1) of the person's trail in every service; ``Unread`` names the services
    that did not answer."""
    number = max(1, min(number, DEEPEST // size))
    wanted = number * size
    found, totals, unread = [], 0, []
    for service in SERVICES:
        try:
            rows, total = newest(service, email, wanted)
        except ApiError as refused:
            if refused.status == 422:
                raise  # the address itself: the page shows it beside the field
            unread.append(service)
            continue
        found += rows
        totals += total
    if unread:
        raise Unread(unread)
    found.sort(key=lambda row: (_instant(row), row.get("id") or ""), reverse=True)
    return Page(rows=found[(number - 1) * size:wanted], number=number, size=size, total=totals)
