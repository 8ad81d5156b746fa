"""Every service's HTTP edge: input no view can use gets a 4xx in the platform's error shape, a body
over the limit 413, a database outage 503 with Retry-After — never a 500, a hang or a traceback."""

from __future__ import annotations

import io
import json
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from werkzeug.test import Client

from services.intake import store
from services.notify.app import create_app as create_notify
from services.shared.config import settings_for
from services.shared.db import create_engine, migrate
from services.shared.tenancy import issue_token
from tests.intake.conftest import Intake, _clock, mentee  # noqa: F401 — _clock: the programme's date
from tests.integration.tcp_proxy import TcpProxy
from tests.skeleton import expect, over_test_client


@pytest.fixture
def open_cohort(tmp_path):
    intake = Intake(f"sqlite:///{tmp_path}/intake.db", tmp_path)
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
    return intake, coordinator, f"/intake/public/cohorts/{cohort['id']}/applications"


def post_raw(intake: Intake, path: str, body: str | bytes, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = Client(intake.app).post(path, data=body, content_type="application/json", headers=headers)
    return response.status_code, response.get_json(silent=True)


def applications(intake: Intake) -> int:
    with intake.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(store.applications)).scalar_one()


def test_an_application_nested_a_thousand_deep_is_refused_not_crashed(open_cohort):
    intake, _, path = open_cohort
    body = json.dumps(mentee())[:-1] + ', "interests": ' + "[" * 1000 + "]" * 1000 + "}"
    answer = expect(post_raw(intake, path, body), 400)
    assert answer["code"] == 400 and answer["status"] == "Bad Request"
    assert "deeper" in answer["errors"]["json"][0]
    assert applications(intake) == 0


def test_text_that_is_not_unicode_is_refused_by_field_even_in_a_key(open_cohort):
    intake, _, path = open_cohort
    body = json.dumps(mentee(city="\ud800", consent={"given": True, "\udfff": 1}))
    answer = expect(post_raw(intake, path, body), 422)
    assert answer["errors"]["json"]["city"] == ["a lone surrogate (text that is not valid Unicode)"]
    assert answer["errors"]["json"]["consent"] == {"\\udfff": ["a lone surrogate (text that is not valid Unicode)"]}
    assert applications(intake) == 0


def test_a_five_thousand_digit_number_is_refused_by_field(open_cohort):
    intake, _, path = open_cohort
    body = json.dumps(mentee())[:-1] + ', "experience_years": ' + "9" * 5000 + "}"
    answer = expect(post_raw(intake, path, body), 422)
    assert answer["errors"]["json"] == {"experience_years": [answer["errors"]["json"]["experience_years"][0]]}
    assert "beyond" in answer["errors"]["json"]["experience_years"][0]
    # one digit past what a BIGINT holds, in a list
    languages = '[{"language": "sv", "level": "B2", "years": 9223372036854775808}]'
    body = json.dumps(mentee())[:-1] + f', "languages": {languages}' + "}"
    assert "years" in expect(post_raw(intake, path, body), 422)["errors"]["json"]["languages"]["0"]


def test_an_application_over_256_kib_gets_413_but_a_coordinator_may_send_more(open_cohort):
    intake, coordinator, path = open_cohort
    big = json.dumps(mentee(interests="x" * 300_000))
    answer = expect(post_raw(intake, path, big), 413)
    assert answer["code"] == 413 and answer["status"] == "Request Entity Too Large"
    # a coordinator's body of the same size is read (and judged by its schema), up to 2 MiB
    programme = {"name": {"sv": "Mentorprogrammet"}, "locale": "sv", "languages": ["sv"],
                 "description": {"sv": "x" * 300_000}}
    assert post_raw(intake, "/intake/programmes", json.dumps(programme), coordinator)[0] != 413
    programme["description"]["sv"] = "x" * 3_000_000
    expect(post_raw(intake, "/intake/programmes", json.dumps(programme), coordinator), 413)
    # a forged token does not buy the larger limit
    assert post_raw(intake, "/intake/programmes", json.dumps(programme | {"description": {"sv": "x" * 300_000}}),
                    "forged.token")[0] == 413


def test_an_application_sent_in_chunks_is_held_to_the_same_limit(open_cohort):
    intake, _, path = open_cohort
    big = json.dumps(mentee(interests="x" * 300_000)).encode()
    response = Client(intake.app).post(path, input_stream=io.BytesIO(big), content_type="application/json",
                                       headers={"Transfer-Encoding": "chunked"},
                                       environ_overrides={"wsgi.input_terminated": True})  # as gunicorn says
    assert response.status_code == 413, response.get_data(as_text=True)
    assert response.get_json()["code"] == 413


def test_a_huge_offset_in_the_delivery_log_is_refused(tmp_path):
    settings = settings_for("notify", database_url=f"sqlite:///{tmp_path}/notify.db", amqp_url="memory://",
                            signing_key="edge-key", data_dir=tmp_path)
    migrate("notify", settings.database_url)
    send = over_test_client(Client(create_notify(settings, create_engine(settings.database_url))))
    coordinator = issue_token("edge-key", tenant="saco", role="coordinator", sub="anna@example.se")
    answer = expect(send("GET", "/notify/deliveries?offset=338880937968660971520", None, coordinator), 422)
    assert answer["errors"] == {"query": {"offset": [answer["errors"]["query"]["offset"][0]]}}
    expect(send("GET", "/notify/deliveries?offset=0", None, coordinator), 200)


@pytest.mark.services
def test_a_database_outage_answers_503_with_retry_after_and_then_recovers(pg_url_factory, tmp_path):
    url = make_url(pg_url_factory("edge"))
    proxy = TcpProxy(url.host, url.port).open()
    try:
        intake = Intake(url.set(port=proxy.port).render_as_string(hide_password=False), tmp_path)
        coordinator = intake.tenant("saco")
        cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
        client = Client(intake.app)
        proxy.shut()
        started = time.monotonic()
        for response in (client.get("/intake/programmes", headers={"Authorization": f"Bearer {coordinator}"}),
                         client.post(f"/intake/public/cohorts/{cohort['id']}/applications", json=mentee())):
            assert response.status_code == 503, response.get_data(as_text=True)
            assert response.headers["Retry-After"].isdigit()
            body = response.get_json()
            assert body["code"] == 503 and body["errors"] == {"database": ["unavailable"]}
            assert "Traceback" not in response.get_data(as_text=True)
        assert time.monotonic() - started < 10
        proxy.reopen()
        expect(intake.send("GET", "/intake/programmes", None, coordinator), 200)
        intake.engine.dispose()
    finally:
        proxy.shut()
