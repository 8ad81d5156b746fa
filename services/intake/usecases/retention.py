"""Retention: who is erased soon (coordinators' list), erasing those whose period has run out
(the worker's timer), and a person extending their consent (their personal link).

The timer is idempotent and safe with several replicas: each person is erased in a transaction
of their own, with their applications locked; a replica that cannot lock them all leaves the
person to the one that holds them, and an erased person has no address left to find.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection, Engine

from services.shared import clock
from services.shared.db import found
from services.shared.errors import Invalid

from .. import store
from ..domain import retention as rules
from .erasure import erase_person


def due(conn: Connection, tenant: str | None, before: datetime, cohort_id: str | None = None) -> list[rules.Person]:
    """The people whose data runs out by ``before``, soonest first (``tenant`` None: every tenant's)."""
    return rules.due(rules.people(store.retention_rows(conn, tenant)), before, cohort_id)


def due_asked(conn: Connection, principal, tenant: str | None, before: datetime,
              cohort_id: str | None = None) -> tuple[str, list[rules.Person]]:
    """The tenant asked about (the coordinator's own; an operator names one) and its people whose
    data runs out by ``before``, of the cohort ``cohort_id`` if one is named (refused as not found
    if the tenant has none such)."""
    if principal.is_operator and not tenant:
        raise Invalid("An operator names the tenant.", {"tenant": ["required for an operator"]}, location="query")
    tenant = tenant if principal.is_operator else principal.tenant
    if cohort_id:
        found(conn, store.cohorts, tenant, cohort_id)
    return tenant, due(conn, tenant, before, cohort_id)


def person_of(conn: Connection, tenant: str, email: str) -> rules.Person | None:
    """The person's retention date, or None while one of their applications has none."""
    found = rules.people(store.retention_rows_of_person(conn, tenant, email))
    return found[0] if found else None


def erase_expired(engine: Engine, now: datetime | None = None) -> list[dict]:
    """Erase everyone whose retention has run out; return the erasures' records."""
    now = now or clock.now()
    with engine.connect() as conn:
        candidates = [(p.tenant, p.email) for p in due(conn, None, now)]
    erased = []
    for tenant, email in candidates:
        with engine.begin() as conn:
            locked = store.retention_rows_of_person(conn, tenant, email, lock=True)
            if rules.expired(locked, store.unerased_count(conn, tenant, email), now):
                erased.append(erase_person(conn, tenant, email, rules.ERASED_BY, now))
    return erased


def extend_consent(conn: Connection, application, now: datetime, consent_version: str, *,
                   retention_months: int | None = None, extend_months: int | None = None) -> dict:
    """The person consents again, to a longer period: the application's ``retention_months``
    becomes ``retention_months`` or grows by ``extend_months``, with the consent version and when."""
    months = rules.extended_months(application["retention_months"], person_of(conn, application["tenant"], application["email"]),
                                   now, retention_months=retention_months, extend_months=extend_months)
    store.update(conn, store.applications, application["tenant"], application["id"],
                 retention_months=months, consent_version=consent_version, consent_at=now)
    return {**application, "retention_months": months, "consent_version": consent_version, "consent_at": now}


def retention_of(conn: Connection, application) -> dict:
    """What the person's own page shows: until when their data is kept, counted from what."""
    return rules.shown(person_of(conn, application["tenant"], application["email"]))
