"""A coordinator's message to a cohort's participants, each reading it in their own language
(the coordinator writes it in one or more), from notify's own record of who is in the cohort."""

from __future__ import annotations

import uuid
from collections import Counter

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import clock
from services.shared.api import service
from services.shared.db import found
from services.shared.tenancy import current_principal, require

from .. import store
from ..domain.deliveries import cohort_info, email_hash, opted_out, overrides_for, preference, queue_messages
from ..domain.messages import Recipient, announcement
from ..domain.rendering import LOCALES, locale_chain, render
from ..schemas import AnnouncementIn, AnnouncementOut, AnnouncementPreviewOut, AnnouncementQuery, CountOut
from .common import notify_settings, tenant_of

blp = Blueprint("announcements", __name__, url_prefix="/cohorts",
                description="Coordinators' announcements to a cohort's participants.")


def _audience(conn, tenant: str, cohort_id: str, body: dict) -> list:
    """The people of the cohort an announcement with ``body``'s roles, statuses and pairing goes to."""
    r = store.recipients
    where = [r.c.cohort_id == cohort_id, r.c.role.in_(body["roles"]), r.c.status.in_(body["statuses"])]
    if body["paired"] is not None:
        where.append(r.c.pair_id.is_not(None) if body["paired"] else r.c.pair_id.is_(None))
    return store.rows(conn, r, tenant, *where, order_by=r.c.name)


@blp.route("/<cohort_id>/announcements")
class Announcements(MethodView):
    @require("coordinator")
    @blp.arguments(AnnouncementQuery, location="query")
    @blp.response(200, AnnouncementOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self, query, cohort_id):
        """The cohort's announcements, newest first (``limit``/``offset`` for a page of them;
        ``GET .../announcements/count`` says how many there are)."""
        a = store.announcements
        with service().engine.connect() as conn:
            found(conn, store.cohorts, tenant_of(), cohort_id, "cohort")
            select = (sa.select(a).where(a.c.tenant == tenant_of(), a.c.cohort_id == cohort_id)
                      .order_by(a.c.created_at.desc(), a.c.id).offset(query["offset"]))
            if query["limit"]:
                select = select.limit(query["limit"])
            return conn.execute(select).mappings().all()

    @require("coordinator")
    @blp.arguments(AnnouncementIn)
    @blp.response(201, AnnouncementOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body, cohort_id):
        """Write to the cohort's participants (by default everyone accepted, mentees and mentors).
        It is not essential unless said so: those who opted out of such messages do not get it."""
        tenant, now = tenant_of(), clock.now()
        audience = {"roles": body["roles"], "statuses": body["statuses"], "paired": body["paired"]}
        with service().engine.begin() as conn:
            found(conn, store.cohorts, tenant, cohort_id, "cohort")
            cohort = cohort_info(conn, tenant, cohort_id)
            people = _audience(conn, tenant, cohort_id, body)
            row = {"id": str(uuid.uuid4()), "tenant": tenant, "cohort_id": cohort_id, "subject": body["subject"],
                   "body": body["body"], "audience": audience, "essential": body["essential"],
                   "recipients": len(people), "created_at": now, "created_by": current_principal().sub}
            conn.execute(store.announcements.insert().values(**row))
            outgoing = [announcement(Recipient(p["name"], p["email"], p["locale"], p["time_zone"], p["id"], p["role"]),
                                     body["subject"], body["body"], cohort, essential=body["essential"])
                        for p in people]
            queue_messages(conn, tenant=tenant, event_id=row["id"], event_type="notify.announcement", outgoing=outgoing,
                           cohort=cohort, now=now, cohort_id=cohort_id, settings=notify_settings())
            return row


@blp.route("/<cohort_id>/announcements/count")
class AnnouncementCount(MethodView):
    @require("coordinator")
    @blp.response(200, CountOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, cohort_id):
        """How many announcements the cohort has had."""
        a = store.announcements
        with service().engine.connect() as conn:
            found(conn, store.cohorts, tenant_of(), cohort_id, "cohort")
            return {"total": conn.execute(sa.select(sa.func.count()).select_from(a).where(
                a.c.tenant == tenant_of(), a.c.cohort_id == cohort_id)).scalar_one()}


@blp.route("/<cohort_id>/announcements/preview")
class AnnouncementPreview(MethodView):
    @require("coordinator")
    @blp.arguments(AnnouncementIn)
    @blp.response(200, AnnouncementPreviewOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body, cohort_id):
        """The announcement as it would be sent, nothing sent: to how many people (per role, and
        how many of them opted out), and the message in each language as a reader in that
        language would get it (the tenant's own wording of the announcement included)."""
        tenant = tenant_of()
        with service().engine.connect() as conn:
            found(conn, store.cohorts, tenant, cohort_id, "cohort")
            cohort = cohort_info(conn, tenant, cohort_id)
            people = _audience(conn, tenant, cohort_id, body)
            refused = 0 if body["essential"] else sum(
                1 for p in people if opted_out(preference(conn, tenant, email_hash(p["email"].strip().lower())), "announcement"))
            overrides = overrides_for(conn, tenant, "announcement")
        previews = []
        for locale in LOCALES:
            reader = Recipient("", "", locale, cohort.time_zone, None, "mentee")
            message = announcement(reader, body["subject"], body["body"], cohort, essential=body["essential"])
            context = {**message.context, "name": "", "time_zone": cohort.time_zone, "contacts": cohort.contacts,
                       "unsubscribe_url": None if body["essential"] else f"{notify_settings().base.web_url}/unsubscribe?lang={locale}"}
            rendered = render("announcement", context, locale_chain(locale, cohort.programme_locale), overrides)
            previews.append({"locale": locale, "subject": rendered.subject, "text": rendered.text, "html": rendered.html})
        return {"recipients": len(people), "roles": dict(Counter(p["role"] for p in people)), "opted_out": refused,
                "previews": previews}
