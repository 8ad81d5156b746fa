"""Retention: whom the worker erases soon, and why (coordinators), and a person extending their
consent from their personal link."""

from dataclasses import asdict
from datetime import timedelta

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared import audit, clock
from services.shared.api import service
from services.shared.db import found
from services.shared.tenancy import current_principal, current_tenant, require

from .. import store
from ..domain.retention import Person
from ..schemas import ApplicationOut, ConsentExtensionIn, RetentionOut, RetentionQuery
from ..usecases import retention
from .participants import own_application
from .public import CONSENT_VERSION

blp = Blueprint("retention", __name__, url_prefix="/", description="How long a person's data is kept, and extending it.")
SECURITY = [{"bearer": []}]


def _person(person: Person) -> dict:
    latest = person.latest
    return {"email": person.email, "name": person.name, "expires_at": person.expires_at, "reason": latest.reason,
            "applications": [{**asdict(e), "id": e.application_id} for e in person.applications]}


@blp.route("/retention")
class Retention(MethodView):
    @require("coordinator", "operator")
    @blp.arguments(RetentionQuery, location="query")
    @blp.response(200, RetentionOut(many=True))
    @blp.paginate(page_size=100, max_page_size=1000)
    @blp.doc(security=SECURITY)
    def get(self, query, pagination_parameters):
        """The people the worker erases within ``within_days`` days (30 unless said), and those
        overdue, soonest first, a page at a time (the total is in the X-Pagination header). A
        person is erased when every application of theirs in the tenant has run out; each
        application says what its period is counted from."""
        principal = current_principal()
        tenant = (query["tenant"] or None) if principal.is_operator else current_tenant()
        if principal.is_operator and not tenant:
            abort(422, message="An operator names the tenant.", errors={"query": {"tenant": ["required for an operator"]}})
        with service().engine.connect() as conn:
            if query["cohort_id"]:
                found(conn, store.cohorts, tenant, query["cohort_id"])
            people = retention.due(conn, tenant, clock.now() + timedelta(days=query["within_days"]), query["cohort_id"])
        pagination_parameters.item_count = len(people)
        first = pagination_parameters.first_item
        shown = people[first:first + pagination_parameters.page_size]
        audit.note_many(audit.READ, "retention", [(p.latest.application_id, p.email, None) for p in shown], tenant=tenant)
        return [_person(p) for p in shown]


@blp.route("/applications/mine/consent")
class MyConsent(MethodView):
    @require("participant")
    @blp.arguments(ConsentExtensionIn)
    @blp.response(200, ApplicationOut)
    @blp.alt_response(409, description="The retention period has run out already.")
    @blp.doc(security=SECURITY)
    def post(self, body):
        """Extend my consent: my data is kept longer (``retention_months``, or ``extend_months``
        more; 12 more when neither is given). The consent version and the moment are recorded.
        Only before my retention date."""
        if body["text_version"] != CONSENT_VERSION:
            abort(422, message="Please agree to the current consent text.",
                  errors={"json": {"text_version": [f"the current version is {CONSENT_VERSION}"]}})
        with service().engine.begin() as conn:
            application = own_application(conn)
            row = retention.extend_consent(conn, application, clock.now(), CONSENT_VERSION,
                                           retention_months=body["retention_months"], extend_months=body["extend_months"])
            return {**row, "waitlist_position": store.waitlist_position(conn, row), **retention.retention_of(conn, row)}
