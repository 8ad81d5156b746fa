"""Intake on its own: its API over a fresh database, and what it wrote to its outbox."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.test import Client

from services.intake import store
from services.intake.app import create_app
from services.shared import clock
from services.shared.config import settings_for
from services.shared.db import create_engine, migrate
from services.shared.tenancy import issue_token
from tests.skeleton import expect, over_test_client

KEY = "intake-test-key"


class Intake:
    """Intake's API as its users reach it, with tokens for an operator and a tenant's coordinator."""

    def __init__(self, database_url: str, tmp_path, rate_limit: str = "10000 per minute"):
        self.settings = settings_for("intake", database_url=database_url, amqp_url="memory://", signing_key=KEY,
                                     public_rate_limit=rate_limit, data_dir=tmp_path)
        migrate("intake", database_url)
        self.engine = create_engine(database_url)
        self.app = create_app(self.settings, self.engine)
        self.send = over_test_client(Client(self.app))
        self.operator = issue_token(KEY, tenant="*", role="operator", sub="ops")

    def client(self):
        return over_test_client(Client(self.app))

    def tenant(self, slug: str) -> str:
        """Create a tenant; return its coordinator's token."""
        expect(self.send("POST", "/intake/tenants", {"slug": slug, "name": slug.title()}, self.operator), 201)
        return expect(self.send("POST", f"/intake/tenants/{slug}/tokens",
                                {"role": "coordinator", "sub": f"coordinator@{slug}.example.se"}, self.operator), 201)["token"]

    def representative(self, slug: str, org: str) -> str:
        return expect(self.send("POST", f"/intake/tenants/{slug}/tokens",
                                {"role": "representative", "sub": f"rep@{org}.example.se", "org": org}, self.operator), 201)["token"]

    def programme(self, token: str, **settings) -> dict:
        body = {"name": {"sv": "Mentorprogrammet", "en": "The mentor programme"}, "locale": "sv",
                "languages": ["sv", "en"], **settings}
        return expect(self.send("POST", "/intake/programmes", body, token), 201)

    def cohort(self, token: str, programme_id: str, **fields) -> dict:
        body = {"name": "Våren 2027", "time_zone": "Europe/Stockholm", "starts_on": "2027-01-23", "ends_on": "2027-06-30",
                "mentee_places": 20, "admission": "first_come", "open": True, **fields}
        return expect(self.send("POST", f"/intake/programmes/{programme_id}/cohorts", body, token), 201)

    def events(self, type_prefix: str = "") -> list[dict]:
        o = store.OUTBOX
        with self.engine.connect() as conn:
            bodies = conn.execute(sa.select(o.c.body).where(o.c.type.startswith(type_prefix)).order_by(o.c.id)).scalars()
            return [json.loads(b) for b in bodies]


def mentee(n: int = 1, **overrides) -> dict:
    return {
        "role": "mentee", "name": f"Adept Nummer{n}", "email": f"adept{n}@example.se", "locale": "sv",
        "languages": [{"language": "ar", "level": "native"}, {"language": "sv", "level": "B2"}, {"language": "en", "level": "C1"}],
        "mentoring_languages": ["sv", "en"],
        "profession": {"code": "2611", "title": "Advokat"}, "wished_profession": {"code": "2611", "title": "Bolagsjurist"},
        "education_field": "Juridik", "education_level": "master", "education_country": "SY",
        "experience_years": 6, "sector": "private", "city": "Stockholm", "remote_ok": True,
        "interests": "affärsjuridik, avtalsrätt", "referral": "partner_course",
        "consent": {"given": True, "text_version": "2026-01", "retention_months": 24}, **overrides,
    }


def mentor(n: int = 1, **overrides) -> dict:
    return {
        "role": "mentor", "name": f"Mentor Nummer{n}", "email": f"mentor{n}@example.se", "locale": "sv",
        "languages": [{"language": "sv", "level": "native"}, {"language": "en", "level": "C1"}],
        "mentoring_languages": ["sv", "en"], "profession": {"code": "2611", "title": "Jurist"},
        "experience_years": 15, "sector": "public", "employer": "Kammarkollegiet", "city": "Stockholm",
        "capacity": 2, "interests": "förvaltningsrätt",
        "consent": {"given": True, "text_version": "2026-01", "retention_months": 24}, **overrides,
    }


@pytest.fixture(autouse=True)
def _clock():
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    yield
    clock.set(None)


@pytest.fixture
def intake(tmp_path):
    return Intake(f"sqlite:///{tmp_path}/intake.db", tmp_path)


@pytest.fixture
def intake_pg(pg_url_factory, tmp_path):
    made = Intake(pg_url_factory("intake"), tmp_path)
    yield made
    made.engine.dispose()


__all__ = ["Intake", "mentee", "mentor", "date", "timedelta"]
