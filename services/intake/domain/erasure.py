"""Erasure: anonymise every row intake holds of a person and tell the other services."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared import outbox
from services.shared.contract import new_event

from .. import store

ERASED = "erased"


def email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def erase_person(conn: Connection, tenant: str, email: str, by: str, now: datetime) -> dict:
    email = email.strip().lower()
    digest = email_hash(email)
    a, n, s = store.applications, store.nominations, store.survey_responses
    apps = conn.execute(sa.select(a.c.id, a.c.name).where(a.c.tenant == tenant, a.c.email == email)).all()
    noms = conn.execute(sa.select(n.c.id, n.c.name).where(n.c.tenant == tenant, n.c.email == email)).all()
    app_ids, nom_ids = [r.id for r in apps], [r.id for r in noms]
    names = {r.name for r in [*apps, *noms] if r.name and r.name != ERASED}
    placeholder = f"erased-{digest[:16]}@erased.invalid"
    if app_ids:
        conn.execute(a.update().where(a.c.tenant == tenant, a.c.id.in_(app_ids)).values(
            name=ERASED, email=f"{placeholder}", phone=None, languages=[], profession=None, wished_profession=None,
            education_field=None, education_country=None, employer=None, excluded_employers=[], city=None,
            interests="", referral_note=None,
        ))
        # free-text answers could name the person; the closed answers stay for the figures
        for response in conn.execute(sa.select(s.c.id, s.c.answers).where(s.c.tenant == tenant, s.c.application_id.in_(app_ids))).all():
            kept = {k: v for k, v in (response.answers or {}).items() if not isinstance(v, str) or k == "job_when"}
            conn.execute(s.update().where(s.c.id == response.id).values(answers=kept))
    if nom_ids:
        conn.execute(n.update().where(n.c.tenant == tenant, n.c.id.in_(nom_ids)).values(name=ERASED, email=placeholder, note=""))
    outbox.scrub(conn, store.OUTBOX, tenant, [email, *app_ids, *nom_ids], {email: placeholder, **{name: ERASED for name in names}})
    row = {"id": str(uuid.uuid4()), "tenant": tenant, "email_sha256": digest, "requested_by": by, "requested_at": now,
           "applications": len(app_ids), "nominations": len(nom_ids)}
    conn.execute(store.erasures.insert().values(**row))
    store.publish(conn, new_event("person.erasure_requested.v1", source="intake", tenant=tenant, subject=f"person/{digest[:16]}",
                                  data={"erasure_id": row["id"], "email_sha256": digest, "application_ids": app_ids, "nomination_ids": nom_ids}))
    return row
