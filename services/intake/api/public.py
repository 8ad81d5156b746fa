"""The public form of an open cohort: no token, anyone may apply."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared.api import service

from .. import store
from ..domain import application_refusal
from ..domain.applications import submit_application
from ..schemas import ApplicationIn, ApplicationOut, PublicCohortOut

blp = Blueprint("public", __name__, url_prefix="/public", description="Public application forms of open cohorts.")


def _cohort_and_programme(conn, cohort_id):
    c, p = store.cohorts, store.programmes
    row = conn.execute(
        sa.select(c, p.c.name.label("programme"), p.c.status.label("programme_status"), p.c.locale.label("programme_locale"))
        .join(p, p.c.id == c.c.programme_id)
        .where(c.c.id == cohort_id, c.c.status != "draft")
    ).mappings().first()
    if row is None:
        abort(404, message="No such cohort.")
    return row


@blp.route("/cohorts/<cohort_id>")
class PublicCohort(MethodView):
    @blp.response(200, PublicCohortOut)
    def get(self, cohort_id):
        """What an applicant sees of a cohort."""
        with service().engine.connect() as conn:
            return _cohort_and_programme(conn, cohort_id)


@blp.route("/cohorts/<cohort_id>/applications")
class PublicApplications(MethodView):
    @blp.arguments(ApplicationIn)
    @blp.response(201, ApplicationOut)
    @blp.alt_response(409, description="The same e-mail applied to this cohort in this role already.")
    def post(self, body, cohort_id):
        """Apply to an open cohort as a mentor or a mentee."""
        now = datetime.now(UTC)
        with service().engine.begin() as conn:
            cohort = _cohort_and_programme(conn, cohort_id)
            refusal = application_refusal(cohort["programme_status"], cohort["status"], cohort["application_deadline"], now)
            if refusal:
                abort(409 if cohort["status"] != "open" else 403, message=refusal.reason)
            existing = conn.execute(
                sa.select(store.applications.c.id).where(
                    store.applications.c.tenant == cohort["tenant"],
                    store.applications.c.cohort_id == cohort_id,
                    store.applications.c.role == body["role"],
                    store.applications.c.email == body["email"].lower(),
                )
            ).scalar()
            if existing:
                abort(409, message="This e-mail has applied to this cohort already.", errors={"email": ["already applied"], "existing_id": existing})
            return submit_application(conn, cohort, body, now)
