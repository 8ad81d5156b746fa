"""The delivery log: a message queued once per (event, recipient, channel), claimed by one
dispatcher at a time, sent, retried with backoff, and finally sent or failed — visibly.

Queueing happens in the consumer's transaction (with the inbox row), so a redelivered event finds
its deliveries already there and adds none. A claim belongs to a dispatcher that is alive
(``store.ClaimOwner``): what a dead one held is taken over by the next claim of another, within
a dispatch interval; a lease, renewed while a batch goes out, also bounds a claim of a dispatcher
that lives but no longer gets on.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import cache, cached_property

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from tenacity import RetryCallState, wait_exponential, wait_random_exponential

from services.shared.contract import Event, new_event
from services.shared.tenancy import participant_token

from .. import store
from ..settings import NotifySettings, current
from ..store.people import preference
from ..store.tenant_setup import overrides_of
from .calendar import invitation_ics
from .messages import KINDS, CohortInfo, Outgoing
from .rendering import Override, locale_chain, localize, render

UNSUBSCRIBE_SCOPE = "notify.preferences"


def email_hash(address: str) -> str:
    """How intake names a person in an erasure request: sha256 of the trimmed, lower-case address."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def unsubscribe_url(settings: NotifySettings, tenant: str, digest: str, locale: str) -> tuple[str, str]:
    """The two ways out of what is not essential, with one personal token: the page of the web front
    the message's link opens (it asks first), and notify's own endpoint a mail client posts its
    one click to (``List-Unsubscribe``, RFC 8058), which needs no page."""
    token = participant_token(settings.base.signing_key, tenant=tenant, sub=digest, scope=UNSUBSCRIBE_SCOPE,
                              ttl=settings.unsubscribe_ttl)
    return (f"{settings.base.web_url}/unsubscribe?token={token}&lang={locale}",
            f"{settings.base.public_url}/notify/unsubscribe?token={token}&lang={locale}")


# --- what notify knows, as plain values ----------------------------------------------------------


def opted_out(pref, kind: str) -> bool:
    chosen = (pref or {}).get("opted_out") or []
    return "*" in chosen or kind in chosen


# --- queueing -----------------------------------------------------------------------------------


def _exists(conn: Connection, event_id: str, recipient: str, channel: str) -> bool:
    t = store.deliveries
    return conn.execute(sa.select(t.c.id).where(
        t.c.event_id == event_id, t.c.recipient == recipient, t.c.channel == channel)).first() is not None


def queue_messages(
    conn: Connection,
    *,
    tenant: str,
    event_id: str,
    event_type: str,
    outgoing: Sequence[Outgoing],
    cohort: CohortInfo | None,
    now: datetime,
    cohort_id: str | None = None,
    settings: NotifySettings | None = None,
) -> list[str]:
    """Render and queue each message; return the ids of the new deliveries.

    A message the programme does not send, or that its reader opted out of, is logged as
    ``suppressed`` (so a coordinator can see why nothing went) and never sent.
    """
    settings = settings or current()
    overrides: dict[str, Callable[[str], Override | None]] = {}
    queued = []
    for message in outgoing:
        kind = KINDS[message.kind]
        recipient = message.recipient
        address = recipient.email.strip().lower()
        if _exists(conn, event_id, address, "email"):
            continue  # this event already produced it (the same person twice in one event, or a replay)
        digest = email_hash(address)
        pref = preference(conn, tenant, digest)
        time_zone = (pref or {}).get("time_zone") or recipient.time_zone
        reason = None
        if cohort is not None and not cohort.sends(kind.name):
            reason = f"the programme does not send {kind.name}"
        elif not message.is_essential and opted_out(pref, kind.name):
            reason = "the recipient opted out of this kind of message"
        chain = locale_chain(recipient.locale, cohort.programme_locale if cohort else None)
        unsubscribe, one_click = (None, None) if message.is_essential else unsubscribe_url(
            settings, tenant, digest, recipient.locale)
        context = {
            **message.context, "name": recipient.name, "time_zone": time_zone, "unsubscribe_url": unsubscribe,
            "contacts": cohort.contacts if cohort else [], "role": message.context.get("role") or recipient.role,
        }
        if kind.name not in overrides:
            overrides[kind.name] = overrides_of(conn, tenant, kind.name).get
        rendered = render(kind.name, context, chain, overrides[kind.name])
        sender_name = localize(context.get("programme"), locale_chain(rendered.locale, *chain))
        sender_name = " ".join(sender_name.split()) if isinstance(sender_name, str) else None  # one line, for a header
        calendar, method = None, None
        if message.invitation is not None and reason is None:
            method = message.invitation.method
            calendar = invitation_ics(
                message.invitation, summary=rendered.calendar or rendered.subject, description=rendered.subject,
                time_zone=recipient.time_zone, organizer=(str(sender_name or "Tandem"), _mail_address(settings)),
                attendee=(recipient.name, address), uid_domain=_mail_address(settings).rpartition("@")[2], now=now)
        delivery_id = str(uuid.uuid4())
        conn.execute(store.deliveries.insert().values(
            id=delivery_id, tenant=tenant, event_id=event_id, event_type=event_type, message=kind.name, channel="email",
            recipient=address, recipient_hash=digest, person_id=recipient.person_id,
            cohort_id=cohort.id if cohort else cohort_id, locale=rendered.locale,
            essential=message.is_essential, subject=rendered.subject,
            body_text=None if reason else rendered.text, body_html=None if reason else rendered.html,
            calendar=calendar, payload=None,
            headers=None if reason else {
                "sender_name": sender_name,
                "reply_to": _reply_to(cohort), "unsubscribe_url": one_click, "calendar_method": method,
                # the body is kept with a placeholder; the link itself goes only into the e-mail
                # as sent, and goes from here once it is (see ``settle``)
                **({"secret_link": message.secret_link} if message.secret_link else {}),
            },
            status="suppressed" if reason else "pending", attempts=0, last_error=reason or rendered.fallback,
            created_at=now, updated_at=now, next_attempt_at=now,
        ))
        queued.append(delivery_id)
    return queued


def _mail_address(settings: NotifySettings) -> str:
    return parseaddr(settings.base.mail_from)[1] or "no-reply@tandem.invalid"


def _reply_to(cohort: CohortInfo | None) -> str | None:
    """Replies reach the programme's first contact person, not a no-reply box."""
    for contact in (cohort.contacts if cohort else []):
        if contact.get("email"):
            return contact["email"]
    return None


def queue_webhooks(conn: Connection, event: Event, now: datetime) -> list[str]:
    """The event, once per active endpoint of its tenant that wants its type."""
    e = store.webhook_endpoints
    queued = []
    for endpoint in conn.execute(sa.select(e).where(e.c.tenant == event.tenant, e.c.active.is_(True))).mappings():
        wanted = endpoint["event_types"] or []
        if wanted and event.type not in wanted:
            continue
        if _exists(conn, event.id, endpoint["id"], "webhook"):
            continue
        delivery_id = str(uuid.uuid4())
        conn.execute(store.deliveries.insert().values(
            id=delivery_id, tenant=event.tenant, event_id=event.id, event_type=event.type, message="webhook",
            channel="webhook", recipient=endpoint["id"], locale="", essential=True, subject=event.type,
            payload=event.to_json(), status="pending", attempts=0, created_at=now, updated_at=now, next_attempt_at=now,
        ))
        queued.append(delivery_id)
    return queued


# --- claiming: several dispatchers, each delivery to one of them ---------------------------------


def claim(conn: Connection, channel: str, now: datetime, limit: int, worker: str, lease: timedelta) -> list[dict]:
    """Claim up to ``limit`` due deliveries of ``channel``, fairly across tenants: each tenant with
    work gets an equal share first, so one tenant's backlog never keeps another's messages
    waiting. On PostgreSQL rows another dispatcher is claiming are skipped (SKIP LOCKED).

    A delivery is free when nobody claimed it, when its lease ran out, when its owner no longer
    runs (``store.abandoned``: taken over at once, not after the lease) or when it is this
    dispatcher's own, left by a batch that broke off (one dispatcher claims a channel's
    deliveries one batch at a time)."""
    t = store.deliveries
    owners = list(conn.execute(sa.select(t.c.claimed_by).where(
        t.c.claimed_by.is_not(None), t.c.claimed_by != worker, t.c.status == "pending", t.c.channel == channel,
    ).distinct()).scalars())
    free = [t.c.claimed_until.is_(None), t.c.claimed_until < now, t.c.claimed_by == worker]
    gone = store.abandoned(conn, owners) if owners else []
    if gone:
        free.append(t.c.claimed_by.in_(gone))
    due = sa.and_(t.c.channel == channel, t.c.status == "pending", t.c.next_attempt_at <= now, sa.or_(*free))
    tenants = [r[0] for r in conn.execute(
        sa.select(t.c.tenant).where(due).group_by(t.c.tenant).order_by(sa.func.min(t.c.next_attempt_at)))]
    if not tenants:
        return []
    postgres = conn.dialect.name == "postgresql"

    def take(tenant: str, n: int, skip: set[str]) -> list[str]:
        query = sa.select(t.c.id).where(due, t.c.tenant == tenant)
        if skip:
            query = query.where(t.c.id.not_in(skip))
        query = query.order_by(t.c.next_attempt_at, t.c.created_at).limit(n)
        if postgres:
            query = query.with_for_update(skip_locked=True)
        return list(conn.execute(query).scalars())

    share = max(1, math.ceil(limit / len(tenants)))
    picked: dict[str, list[str]] = {tenant: take(tenant, share, set()) for tenant in tenants}
    room = limit - sum(map(len, picked.values()))
    for tenant in tenants:  # what the quiet tenants left goes to the busy ones
        if room <= 0:
            break
        if len(picked[tenant]) == share:
            more = take(tenant, room, set(picked[tenant]))
            picked[tenant] += more
            room -= len(more)
    # interleave the tenants, so a slow or failing message of one does not hold up the others
    ids = [i for group in _round_robin(list(picked.values())) for i in group][:limit]
    if not ids:
        return []
    conn.execute(t.update().where(t.c.id.in_(ids)).values(claimed_by=worker, claimed_until=now + lease))
    rows = {r["id"]: dict(r) for r in conn.execute(sa.select(t).where(t.c.id.in_(ids))).mappings()}
    return [rows[i] for i in ids if i in rows]


def _round_robin(groups: list[list[str]]):
    for i in range(max(map(len, groups), default=0)):
        yield [g[i] for g in groups if i < len(g)]


# --- outcomes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    max_seconds: float

    @cached_property
    def _strategy(self):
        # tenacity's strategies, added up: half the ceiling for sure plus a random part of the other
        # half, so messages that failed together do not all come back together, and none comes
        # back at once (full jitter alone may draw a wait of nothing)
        half = {"multiplier": self.base_seconds / 2, "max": self.max_seconds / 2}
        return wait_exponential(**half) + wait_random_exponential(**half)

    def wait(self, attempts: int) -> timedelta:
        """Exponential backoff with jitter: the ceiling (``base_seconds`` after the first
        attempt) doubles with every attempt up to ``max_seconds``; the wait lies between half
        the ceiling and the ceiling."""
        state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})
        state.attempt_number = max(1, attempts)
        return timedelta(seconds=self._strategy(state))


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed delivery: ``sent``, ``retry`` (transient), ``failed``
    (permanent), ``deferred`` (the SMTP server was down: no attempt is charged) or ``later``
    (not tried: its webhook endpoint had just failed to answer)."""

    delivery: dict
    result: str
    error: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True)
class Settled:
    delivery: dict
    status: str  # sent, failed or pending again
    attempts: int
    error: str | None


def _scrubbed(error: str | None, delivery: dict) -> str | None:
    """An error as the log and events may carry it: without the recipient's address."""
    if error is None:
        return None
    return error.replace(delivery["recipient"], "<recipient>")[:2000]


def renew(conn: Connection, ids: Sequence[str], now: datetime, lease: timedelta, worker: str) -> None:
    """Hold on to the deliveries still to be sent in a long batch (a slow server must not let
    the lease run out under them, or another dispatcher would send them too)."""
    if ids:
        t = store.deliveries
        conn.execute(t.update().where(t.c.id.in_(list(ids)), t.c.claimed_by == worker).values(claimed_until=now + lease))


def settle(conn: Connection, outcomes: Sequence[Outcome], now: datetime, policy: RetryPolicy, worker: str) -> list[Settled]:
    """Record outcomes in one transaction; publish notification.sent/failed through the outbox.

    Only deliveries this dispatcher still holds are touched (a lease that ran out belongs to
    whoever claimed the delivery since).
    """
    t = store.deliveries
    settled: list[Settled] = []
    updates: list[dict] = []
    delivered: list[str] = []
    for outcome in outcomes:
        row = outcome.delivery
        attempts = row["attempts"]
        values: dict = {"claimed_by": None, "claimed_until": None, "updated_at": now}
        error = _scrubbed(outcome.error, row)
        if outcome.result == "sent":
            delivered.append(row["id"])
            settled.append(Settled(row, "sent", attempts + 1, None))
            continue
        elif outcome.result == "failed" or (outcome.result == "retry" and attempts + 1 >= policy.max_attempts):
            attempts += 1
            if outcome.result == "retry":
                error = f"gave up after {attempts} attempts; last: {error}"
            values.update(status="failed", attempts=attempts, last_error=error)
            if (row.get("headers") or {}).get("secret_link"):
                # a sign-in link is not kept for a retry: it expires within minutes, and the
                # person asks for a fresh one
                values.update(body_text=None, body_html=None, headers=None)
            status = "failed"
        elif outcome.result == "retry":
            attempts += 1
            wait = policy.wait(attempts)
            if outcome.retry_after:
                wait = max(wait, timedelta(seconds=min(outcome.retry_after, policy.max_seconds)))
            values.update(attempts=attempts, last_error=error, next_attempt_at=now + wait)
            status = "pending"
        elif outcome.result == "later":  # not tried: its endpoint just failed to answer another
            values.update(last_error=error, next_attempt_at=now + policy.wait(attempts + 1))
            status = "pending"
        else:  # deferred: the channel was down; the delivery waits, with no attempt charged
            values.update(last_error=error)
            status = "pending"
        updates.append({"_id": row["id"], **values})
        settled.append(Settled(row, status, attempts, error))
    recorded: set[str] = set()
    if delivered:
        # the common case in one statement; what the message said is not kept once delivered
        recorded |= set(conn.execute(t.update().where(t.c.id.in_(delivered), t.c.claimed_by == worker).values(
            status="sent", sent_at=now, attempts=t.c.attempts + 1, last_error=None, body_text=None, body_html=None,
            calendar=None, payload=None, headers=None, claimed_by=None, claimed_until=None, updated_at=now,
        ).returning(t.c.id)).scalars())
    for values in updates:  # retries and failures: few, one statement each
        changed = conn.execute(t.update().where(t.c.id == values["_id"], t.c.claimed_by == worker).values(
            {k: v for k, v in values.items() if k != "_id"})).rowcount
        if changed:
            recorded.add(values["_id"])
    # Only what this dispatcher still held is recorded (and announced): a delivery whose lease ran
    # out belongs to whoever claimed it since.
    settled = [s for s in settled if s.delivery["id"] in recorded]
    store.publish_many(conn, [_outcome_event(s) for s in settled if s.status in ("sent", "failed")])
    return settled


def record_sent(conn: Connection, delivery: dict, now: datetime, policy: RetryPolicy, worker: str) -> Settled | None:
    """Record one delivery as sent, with its notification.sent event; None if this dispatcher no
    longer holds it.

    On PostgreSQL this is one statement (the update and the outbox row, in autocommit one
    transaction and one round trip): it runs once per e-mail, between two messages."""
    if conn.dialect.name != "postgresql":
        return next(iter(settle(conn, [Outcome(delivery, "sent")], now, policy, worker)), None)
    sent = Settled(delivery, "sent", delivery["attempts"] + 1, None)
    event = _outcome_event(sent)
    found = conn.execute(_recording_sent(), {
        "p_delivery": delivery["id"], "p_worker": worker, "p_now": now, "p_event": event.id, "p_type": event.type,
        "p_tenant": event.tenant, "p_aggregate": event.subject, "p_body": event.to_json(),
    }).first()
    return sent if found is not None else None


@cache
def _recording_sent() -> sa.Insert:
    """``record_sent``'s statement, built once (building it costs more than running it)."""
    t, o = store.deliveries, store.OUTBOX
    now = sa.bindparam("p_now", type_=t.c.updated_at.type)
    done = t.update().where(t.c.id == sa.bindparam("p_delivery"), t.c.claimed_by == sa.bindparam("p_worker")).values(
        status="sent", sent_at=now, attempts=t.c.attempts + 1, last_error=None, body_text=None, body_html=None,
        calendar=None, payload=None, headers=None, claimed_by=None, claimed_until=None, updated_at=now,
    ).returning(t.c.id).cte("done")
    return o.insert().from_select(
        ["event_id", "type", "tenant", "aggregate", "body", "created_at"],
        sa.select(*(sa.bindparam(name, type_=sa.String) for name in ("p_event", "p_type", "p_tenant", "p_aggregate", "p_body")),
                  now).select_from(done),
    ).returning(o.c.event_id)


def _outcome_event(s: Settled) -> Event:
    row = s.delivery
    data = {
        "delivery_id": row["id"], "cause_event_id": row["event_id"], "cause_event_type": row["event_type"],
        "message": row["message"], "channel": row["channel"], "recipient_id": row["person_id"],
        "cohort_id": row["cohort_id"], "attempts": s.attempts,
    }
    if s.status == "failed":
        data["error"] = s.error or "failed"
        data["permanent"] = not (s.error or "").startswith("gave up after")
    return new_event(f"notification.{s.status}.v1", source="notify", tenant=row["tenant"],
                     subject=f"delivery/{row['id']}", data=data, causation_id=row["event_id"])
