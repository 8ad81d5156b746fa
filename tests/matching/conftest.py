"""Matching on its own: its API over a fresh database, fed with intake's events as the consumer
would apply them."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from werkzeug.test import Client

from services.matching import store
from services.matching.app import create_app
from services.matching.handlers import HANDLERS
from services.matching.usecases.runs import work_on_runs
from services.shared import inbox
from services.shared.config import settings_for
from services.shared.contract import new_event
from services.shared.db import create_engine, migrate
from services.shared.tenancy import issue_token
from tests.skeleton import expect, over_test_client

KEY = "matching-test-key"
_arrivals = itertools.count(1)


class Matching:
    def __init__(self, database_url: str, tmp_path):
        self.settings = settings_for("matching", database_url=database_url, amqp_url="memory://", signing_key=KEY, data_dir=tmp_path)
        migrate("matching", database_url)
        self.engine = create_engine(database_url)
        self.send = over_test_client(Client(create_app(self.settings, self.engine)))

    def coordinator(self, tenant: str) -> str:
        return issue_token(KEY, tenant=tenant, role="coordinator", sub=f"coordinator@{tenant}.example.se")

    def feed(self, type_: str, tenant: str, data: dict) -> None:
        """Apply one of intake's events the way the consumer does: inbox row and handler, one transaction."""
        event = new_event(type_, source="intake", tenant=tenant, subject="test", data=data)
        with self.engine.begin() as conn:
            assert inbox.record(conn, store.INBOX, [event])
            HANDLERS.handlers[type_](conn, event)

    def cohort(self, tenant: str = "saco", **programme) -> str:
        cohort_id = str(uuid.uuid4())
        self.feed("cohort.opened.v1", tenant, cohort_snapshot(cohort_id, **programme))
        return cohort_id

    def person(self, tenant: str, cohort_id: str, role: str, name: str, **profile) -> str:
        application_id = str(uuid.uuid4())
        data = application(application_id, cohort_id, role, name, **profile)
        self.feed("application.submitted.v1", tenant, data)
        self.feed("application.accepted.v1", tenant, {k: data[k] for k in PERSON_KEYS} | {"status": "accepted"})
        return application_id

    def events(self, prefix: str) -> list[dict]:
        o = store.OUTBOX
        with self.engine.connect() as conn:
            return [json.loads(b) for b in conn.execute(sa.select(o.c.body).where(o.c.type.startswith(prefix)).order_by(o.c.id)).scalars()]

    def run(self, token: str, cohort_id: str, **body) -> dict:
        """Request a run, let the worker execute it, and answer the finished run."""
        queued = expect(self.send("POST", f"/matching/cohorts/{cohort_id}/runs", body, token), 202)
        work_on_runs(self.engine, "test-worker")
        return expect(self.send("GET", f"/matching/runs/{queued['id']}", None, token), 200)


PERSON_KEYS = ("application_id", "cohort_id", "programme_id", "programme_name", "cohort_name", "role", "name", "email",
               "locale", "time_zone", "status", "manage_link")


def cohort_snapshot(cohort_id: str, status: str = "open", **programme) -> dict:
    return {
        "cohort_id": cohort_id, "name": "Våren 2027", "status": status, "time_zone": "Europe/Stockholm",
        "applications_open_at": None, "application_deadline": None, "nomination_deadline": None,
        "starts_on": date(2027, 1, 23), "ends_on": date(2027, 6, 30), "mentee_places": 20, "mentor_places": None,
        "admission": "first_come", "group_events": [],
        "programme": {
            "id": "p1", "name": {"sv": "Mentorprogrammet", "en": "The mentor programme"}, "locale": "sv",
            "languages": ["sv", "en"], "professions": [], "duration_months": 6, "meeting_every_months": 1,
            "meeting_minutes": 120, "meeting_plan": [{"title": {"sv": "Lära känna"}, "checklist": []}],
            "matching_weights": {"profession": 5.0, "education_field": 2.0, "sector": 1.0, "location": 1.0,
                                 "mother_tongue": 1.0, "experience": 1.0, "interests": 2.0},
            "matching_mode": "optimal", "match_when_closed": False, "reminder_days": [3, 1],
            "share_contact_details": ["email"], "contacts": [], **programme,
        },
    }


def application(application_id: str, cohort_id: str, role: str, name: str, **profile) -> dict:
    slug = name.lower().replace(" ", ".")
    base = {
        "application_id": application_id, "cohort_id": cohort_id, "programme_id": "p1", "programme_name": "Mentorprogrammet",
        "cohort_name": "Våren 2027", "role": role, "name": name, "email": f"{slug}@example.se", "locale": "sv",
        "time_zone": "Europe/Stockholm", "status": "submitted", "manage_link": None,
        "submitted_at": datetime(2026, 11, 2, 9, tzinfo=UTC), "phone": None,
        "languages": [{"language": "sv", "level": "native" if role == "mentor" else "B2"}],
        "mentoring_languages": ["sv"], "profession": None, "wished_profession": None, "education_field": None,
        "education_level": None, "education_country": None, "experience_years": 5 if role == "mentee" else 15,
        "sector": None, "employer": None, "excluded_employers": [], "city": "Stockholm", "remote_ok": False,
        "capacity": 1, "interests": "", "nomination_id": None, "arrival": next(_arrivals),
    }
    return {**base, **profile}


@pytest.fixture
def matching(tmp_path):
    return Matching(f"sqlite:///{tmp_path}/matching.db", tmp_path)
