"""A coordinator's message to a cohort's participants, each reading it in their own language
(the coordinator writes it in one or more), from notify's own record of who is in the cohort."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import clock
from services.shared.api import service
from services.shared.tenancy import current_principal, require

from .. import store
from ..domain.deliveries import cohort_info, queue_messages
from ..domain.messages import Recipient, announcement
from ..schemas import AnnouncementIn, AnnouncementOut
from .common import found, notify_settings, tenant_of

blp = Blueprint("announcements", __name__, url_prefix="/cohorts",
                description="Coordinators' announcements to a cohort's participants.")


@blp.route("/<cohort_id>/announcements")
class Announcements(MethodView):
    @require("coordinator")
    @blp.response(200, AnnouncementOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self, cohort_id):
        a = store.announcements
        with service().engine.connect() as conn:
            found(store.one(conn, store.cohorts, tenant_of(), cohort_id), "cohort")
            return store.rows(conn, a, tenant_of(), a.c.cohort_id == cohort_id, order_by=a.c.created_at.desc())

    @require("coordinator")
    @blp.arguments(AnnouncementIn)
    @blp.response(201, AnnouncementOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body, cohort_id):
        """Write to the cohort's participants (by default everyone accepted, mentees and mentors).
        It is not essential unless said so: those who opted out of such messages do not get it."""
        tenant, now = tenant_of(), clock.now()
        r = store.recipients
        audience = {"roles": body["roles"], "statuses": body["statuses"], "paired": body["paired"]}
        with service().engine.begin() as conn:
            found(store.one(conn, store.cohorts, tenant, cohort_id), "cohort")
            cohort = cohort_info(conn, tenant, cohort_id)
            where = [r.c.cohort_id == cohort_id, r.c.role.in_(body["roles"]), r.c.status.in_(body["statuses"])]
            if body["paired"] is not None:
                where.append(r.c.pair_id.is_not(None) if body["paired"] else r.c.pair_id.is_(None))
            people = store.rows(conn, r, tenant, *where, order_by=r.c.name)
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
