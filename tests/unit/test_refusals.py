"""One way to refuse: a ``Refused`` raised anywhere under a view is answered by its kind in the
platform's error shape, byte for byte as ``abort`` answers; an unexpected exception is a 500 that
tells nothing of it; ``found`` refuses another tenant's object as if it were not there."""

import pytest
import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared.api import create_service_app
from services.shared.config import Settings
from services.shared.db import add_messaging_tables, create_engine, found
from services.shared.errors import Conflict, Forbidden, Gone, Invalid, NotFound, Refused

metadata = sa.MetaData()
OUTBOX, _INBOX = add_messaging_tables(metadata)
cohorts = sa.Table("cohorts", metadata, sa.Column("id", sa.String, primary_key=True),
                   sa.Column("tenant", sa.String, nullable=False))

# each refusal beside the abort that answered it before there was one way to refuse
CASES = {
    "not-found": (NotFound("No such cohort."), lambda: abort(404, message="No such cohort.")),
    "conflict": (Conflict("the proposal is approved"), lambda: abort(409, message="the proposal is approved")),
    "conflict-fields": (Refused("Version 2 is the latest.", {"based_on_version": ["the latest version is 2"]}),
                        lambda: abort(409, message="Version 2 is the latest.",
                                      errors={"based_on_version": ["the latest version is 2"]})),
    "conflict-no-fields": (Refused("The pair has ended.", {}),
                           lambda: abort(409, message="The pair has ended.", errors={})),
    "invalid": (Invalid("The meeting's time does not fit.", {"starts_at": ["in the past"]}),
                lambda: abort(422, message="The meeting's time does not fit.", errors={"json": {"starts_at": ["in the past"]}})),
    "forbidden": (Forbidden("This link is not for an application."),
                  lambda: abort(403, message="This link is not for an application.")),
    "gone": (Gone("The programme has closed.", {"programme": ["closed"]}, ),
             lambda: abort(410, message="The programme has closed.", errors={"programme": ["closed"]})),
    "invalid-query": (Invalid("An operator names the tenant.", {"tenant": ["required for an operator"]}, location="query"),
                      lambda: abort(422, message="An operator names the tenant.",
                                    errors={"query": {"tenant": ["required for an operator"]}})),
    "kind-named": (Refused("name a mentee", {"mentee_id": ["name a mentee"]}, kind="invalid"),
                   lambda: abort(422, message="name a mentee", errors={"json": {"mentee_id": ["name a mentee"]}})),
}


@pytest.fixture
def app(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/refusals.db")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(cohorts.insert(), [{"id": "c1", "tenant": "ours"}, {"id": "c2", "tenant": "theirs"}])
    blp = Blueprint("probe", __name__, url_prefix="/")

    @blp.route("/refused/<case>")
    class Refusing(MethodView):
        def get(self, case):
            raise CASES[case][0]

    @blp.route("/aborted/<case>")
    class Aborting(MethodView):
        def get(self, case):
            CASES[case][1]()

    @blp.route("/cohorts/<cohort_id>")
    class Cohort(MethodView):
        def get(self, cohort_id):
            with engine.begin() as conn:
                return dict(found(conn, cohorts, "ours", cohort_id))

    @blp.route("/broken")
    class Broken(MethodView):
        def get(self):
            raise RuntimeError("password=hunter2 at /srv/tandem/secret.py")

    settings = Settings(service="probe", database_url=str(engine.url), amqp_url="memory://", signing_key="k" * 32)
    return create_service_app(settings, engine, OUTBOX, [blp], "A probe.")


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_refusal_is_answered_exactly_as_abort_answered_it(app, case):
    client = app.test_client()
    refused, aborted = client.get(f"/probe/refused/{case}"), client.get(f"/probe/aborted/{case}")
    assert (refused.status_code, refused.get_data()) == (aborted.status_code, aborted.get_data())
    assert refused.status_code == {"not_found": 404, "conflict": 409, "invalid": 422, "forbidden": 403,
                                   "gone": 410}[CASES[case][0].kind]


def test_a_refusal_without_field_errors_has_no_errors_member(app):
    assert app.test_client().get("/probe/refused/conflict").get_json() == {
        "code": 409, "status": "Conflict", "message": "the proposal is approved"}


def test_found_refuses_another_tenants_object_as_if_it_were_not_there(app):
    client = app.test_client()
    assert client.get("/probe/cohorts/c1").get_json() == {"id": "c1", "tenant": "ours"}
    theirs, none = client.get("/probe/cohorts/c2"), client.get("/probe/cohorts/c3")
    assert theirs.status_code == none.status_code == 404
    assert theirs.get_data() == none.get_data()
    assert theirs.get_json()["message"] == "No such cohort."


def test_an_unexpected_exception_is_a_500_that_tells_nothing(app, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the handler answers
    answer = app.test_client().get("/probe/broken")
    assert answer.status_code == 500
    assert answer.get_json() == {"code": 500, "status": "Internal Server Error"}
    assert "hunter2" not in answer.get_data(as_text=True)
    assert "hunter2" in caplog.text  # the log has it, for the operator


def test_a_refusal_names_its_kind_not_a_status():
    assert Refused("no").kind == "conflict"
    assert Refused("no", kind="gone").kind == "gone"
    assert NotFound("no").errors == {}
    assert Invalid("no", {"a": ["b"]}).errors == {"a": ["b"]}
    with pytest.raises(ValueError):
        Refused("no", kind="teapot")


def test_every_domain_refusal_is_a_refused_with_its_kind():
    from services.intake.domain.applications import AlreadyApplied, DecisionRefused
    from services.intake.domain.cohorts import TransitionRefused
    from services.intake.domain.nominations import NominationRefused
    from services.matching.domain.runs import ReviewRefused, RunInProgress
    from services.scheduling.domain.meetings import MeetingRefused
    from services.scheduling.domain.terms import AgreementRefused

    for kind in (AlreadyApplied, DecisionRefused, TransitionRefused, NominationRefused, ReviewRefused, RunInProgress,
                 MeetingRefused, AgreementRefused):
        assert issubclass(kind, Refused), kind
    assert not hasattr(MeetingRefused("no"), "status")  # the domain says what kind of no, not which HTTP answer
    assert MeetingRefused("no", {"starts_at": ["in the past"]}, "invalid").kind == "invalid"
    assert AlreadyApplied("mentor", "a1").field_errors == {"email": ["already applied"], "existing_id": "a1"}


def test_no_view_catches_a_refusal_to_answer_it():
    from pathlib import Path

    import services

    catching = [f"{path.relative_to(Path(services.__file__).parent)}:{number}"
                for path in Path(services.__file__).parent.glob("*/api/*.py")
                for number, line in enumerate(path.read_text().splitlines(), 1)
                if line.strip().startswith("except") and ("Refused" in line or "AlreadyApplied" in line
                                                           or "RunInProgress" in line)]
    assert catching == []
