"""A coordinator's message to a cohort's participants, each reading it in their own language:
sent (queued for each of them, through the delivery log) or previewed (nothing sent)."""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy.engine import Engine

from services.shared import clock

from .. import store
from ..domain.deliveries import email_hash, opted_out
from ..domain.messages import Recipient, announcement
from ..domain.rendering import LOCALES, locale_chain, render
from ..settings import NotifySettings
from ..store import people, tenant_setup
from .queueing import queue_messages


def _audience(conn, tenant: str, cohort_id: str, body: dict) -> list:
    return people.audience(conn, tenant, cohort_id, body["roles"], body["statuses"], body["paired"])


def announcements(engine: Engine, tenant: str, cohort_id: str, limit: int | None, offset: int):
    with engine.connect() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id, "cohort")
        return tenant_setup.cohort_announcements(conn, tenant, cohort_id, limit, offset)


def count(engine: Engine, tenant: str, cohort_id: str) -> int:
    with engine.connect() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id, "cohort")
        return tenant_setup.count_announcements(conn, tenant, cohort_id)


def announce(engine: Engine, tenant: str, cohort_id: str, body: dict, by: str, settings: NotifySettings) -> dict:
    """Record the announcement and queue it for each person of its audience."""
    now = clock.now()
    audience = {"roles": body["roles"], "statuses": body["statuses"], "paired": body["paired"]}
    with engine.begin() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id, "cohort")
        cohort = people.cohort_info(conn, tenant, cohort_id)
        readers = _audience(conn, tenant, cohort_id, body)
        row = {"id": str(uuid.uuid4()), "tenant": tenant, "cohort_id": cohort_id, "subject": body["subject"],
               "body": body["body"], "audience": audience, "essential": body["essential"],
               "recipients": len(readers), "created_at": now, "created_by": by}
        tenant_setup.add_announcement(conn, row)
        outgoing = [announcement(Recipient(p["name"], p["email"], p["locale"], p["time_zone"], p["id"], p["role"]),
                                 body["subject"], body["body"], cohort, essential=body["essential"])
                    for p in readers]
        queue_messages(conn, tenant=tenant, event_id=row["id"], event_type="notify.announcement", outgoing=outgoing,
                       cohort=cohort, now=now, cohort_id=cohort_id, settings=settings)
        return row


def preview(engine: Engine, tenant: str, cohort_id: str, body: dict, settings: NotifySettings) -> dict:
    """The announcement as it would be sent, nothing sent: to how many people (per role, and how
    many of them opted out), and the message in each language (the tenant's own wording included)."""
    with engine.connect() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id, "cohort")
        cohort = people.cohort_info(conn, tenant, cohort_id)
        readers = _audience(conn, tenant, cohort_id, body)
        refused = 0 if body["essential"] else sum(
            1 for p in readers
            if opted_out(people.preference(conn, tenant, email_hash(p["email"].strip().lower())), "announcement"))
        overrides = tenant_setup.overrides_of(conn, tenant, "announcement").get
    previews = []
    for locale in LOCALES:
        reader = Recipient("", "", locale, cohort.time_zone, None, "mentee")
        message = announcement(reader, body["subject"], body["body"], cohort, essential=body["essential"])
        context = {**message.context, "name": "", "time_zone": cohort.time_zone, "contacts": cohort.contacts,
                   "unsubscribe_url": None if body["essential"] else f"{settings.base.web_url}/unsubscribe?lang={locale}"}
        rendered = render("announcement", context, locale_chain(locale, cohort.programme_locale), overrides)
        previews.append({"locale": locale, "subject": rendered.subject, "text": rendered.text, "html": rendered.html})
    return {"recipients": len(readers), "roles": dict(Counter(p["role"] for p in readers)), "opted_out": refused,
            "previews": previews}
