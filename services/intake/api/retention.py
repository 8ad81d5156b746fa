"""Retention: whom the worker erases soon, and why (coordinators), and a person extending their
consent from their personal link."""

from dataclasses import asdict
from datetime import timedelta

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import audit, clock
from services.shared.api import service
from services.shared.tenancy import current_principal, require

from ..domain.retention import Person
from ..schemas import ApplicationOut, ConsentExtensionIn, RetentionOut, RetentionQuery
from ..usecases import applications, retention

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
        with service().engine.connect() as conn:
            tenant, people = retention.due_asked(conn, current_principal(), query["tenant"] or None,
                                                 clock.now() + timedelta(days=query["within_days"]), query["cohort_id"])
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
        with service().engine.begin() as conn:
            return applications.extend_consent(conn, current_principal(), body["text_version"], clock.now(),
                                               retention_months=body["retention_months"],
                                               extend_months=body["extend_months"])
