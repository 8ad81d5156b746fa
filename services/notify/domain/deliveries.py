"""The delivery log's rules, on plain values: a message queued once per (event, recipient,
channel) as a row built here, retried with backoff, and finally sent or failed — visibly.

What runs the queries — queueing in the consumer's transaction, claims that belong to a live
dispatcher, leases renewed while a batch goes out, outcomes recorded — is ``store.log`` and
``store.claims``, composed by ``usecases.queueing`` and ``usecases.sending``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import cached_property

from tenacity import RetryCallState, wait_exponential, wait_random_exponential

from services.shared.contract import Event, new_event
from services.shared.tenancy import participant_token

from ..settings import NotifySettings
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


# --- a delivery's row ----------------------------------------------------------------------------


def email_row(
    message: Outgoing,
    *,
    delivery_id: str,
    tenant: str,
    event_id: str,
    event_type: str,
    cohort: CohortInfo | None,
    cohort_id: str | None,
    pref: dict | None,
    override: Callable[[str], Override | None],
    settings: NotifySettings,
    now: datetime,
) -> dict:
    """One message rendered in its reader's language, as the row the log keeps of it.

    A message the programme does not send, or that its reader opted out of, is ``suppressed``
    (so a coordinator can see why nothing went) and never sent.
    """
    kind = KINDS[message.kind]
    recipient = message.recipient
    address = recipient.email.strip().lower()
    digest = email_hash(address)
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
    rendered = render(kind.name, context, chain, override)
    sender_name = localize(context.get("programme"), locale_chain(rendered.locale, *chain))
    sender_name = " ".join(sender_name.split()) if isinstance(sender_name, str) else None  # one line, for a header
    calendar, method = None, None
    if message.invitation is not None and reason is None:
        method = message.invitation.method
        calendar = invitation_ics(
            message.invitation, summary=rendered.calendar or rendered.subject, description=rendered.subject,
            time_zone=recipient.time_zone, organizer=(str(sender_name or "Tandem"), _mail_address(settings)),
            attendee=(recipient.name, address), uid_domain=_mail_address(settings).rpartition("@")[2], now=now)
    return dict(
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
            # as sent, and goes from here once it is (see ``outcome_of``)
            **({"secret_link": message.secret_link} if message.secret_link else {}),
        },
        status="suppressed" if reason else "pending", attempts=0, last_error=reason or rendered.fallback,
        created_at=now, updated_at=now, next_attempt_at=now,
    )


def _mail_address(settings: NotifySettings) -> str:
    return parseaddr(settings.base.mail_from)[1] or "no-reply@tandem.invalid"


def _reply_to(cohort: CohortInfo | None) -> str | None:
    """Replies reach the programme's first contact person, not a no-reply box."""
    for contact in (cohort.contacts if cohort else []):
        if contact.get("email"):
            return contact["email"]
    return None


def wants(endpoint: dict, event_type: str) -> bool:
    """An endpoint hears of every event, or only of the types it names."""
    wanted = endpoint["event_types"] or []
    return not wanted or event_type in wanted


def webhook_row(event: Event, endpoint_id: str, *, delivery_id: str, now: datetime) -> dict:
    """The event for one webhook endpoint, as the row the log keeps of it."""
    return dict(
        id=delivery_id, tenant=event.tenant, event_id=event.id, event_type=event.type, message="webhook",
        channel="webhook", recipient=endpoint_id, locale="", essential=True, subject=event.type,
        payload=event.to_json(), status="pending", attempts=0, created_at=now, updated_at=now, next_attempt_at=now,
    )


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


def outcome_of(outcome: Outcome, now: datetime, policy: RetryPolicy) -> tuple[Settled, dict | None]:
    """What an outcome makes of its delivery, and the values its row takes — None when it was
    sent (a delivered message is recorded the same way every time, see ``store.claims``)."""
    row = outcome.delivery
    attempts = row["attempts"]
    values: dict = {"claimed_by": None, "claimed_until": None, "updated_at": now}
    error = _scrubbed(outcome.error, row)
    if outcome.result == "sent":
        return Settled(row, "sent", attempts + 1, None), None
    if outcome.result == "failed" or (outcome.result == "retry" and attempts + 1 >= policy.max_attempts):
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
    return Settled(row, status, attempts, error), values


def outcome_event(s: Settled) -> Event:
    """notification.sent or notification.failed, for a delivery settled so."""
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
