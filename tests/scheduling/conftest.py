"""Scheduling on its own: its API over a fresh database, fed with intake's and matching's events
as the consumer would apply them, and its worker's tick on a clock the test sets.

The default cohort is the state employers' agency programme: six months from 23 January, a
two-day residential training (23–24 January) and three mandatory half-day meetings (31 January,
28 March, 18 June, 08:30–12:00 Stockholm time), with the county programme's six-step meeting plan.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa
from werkzeug.test import Client

from services.scheduling import store
from services.scheduling.app import create_app
from services.scheduling.handlers import HANDLERS
from services.scheduling.usecases import due
from services.shared import clock, inbox
from services.shared.config import settings_for
from services.shared.contract import new_event
from services.shared.db import create_engine, migrate
from services.shared.tenancy import issue_token, participant_token
from tests.skeleton import expect, over_test_client

KEY = "scheduling-test-key"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
PUBLIC_URL = "https://tandem.example.org"


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, zone: ZoneInfo = STOCKHOLM) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=zone)


# The county programme's six steps (shortened), with its checklist for every meeting.
CHECKLIST = [
    {"nb": "Hva har skjedd siden sist?", "sv": "Vad har hänt sedan sist?", "en": "What has happened since last time?"},
    {"nb": "Hva skal vi snakke om i dag?", "sv": "Vad ska vi prata om i dag?", "en": "What do we talk about today?"},
    {"nb": "Diskutere dagens tema", "sv": "Diskutera dagens tema", "en": "Discuss today's topic"},
    {"nb": "Hva skal til for å komme videre?", "sv": "Vad krävs för att komma vidare?", "en": "What is needed to move on?"},
    {"nb": "Hvem gjør hva til neste møte", "sv": "Vem gör vad till nästa träff", "en": "Who does what before the next meeting"},
]
SIX_STEPS = [
    {"nb": "Bli kjent og skriv mentoravtale", "sv": "Lära känna varandra och skriva mentoravtalet", "en": "Getting to know each other"},
    {"nb": "Mål og forventninger", "sv": "Mål och förväntningar", "en": "Goals and expectations"},
    {"nb": "Arbeidsmarkedet", "sv": "Arbetsmarknaden", "en": "The labour market"},
    {"nb": "Kompetanse og utdanning", "sv": "Kompetens och utbildning", "en": "Competence and education"},
    {"nb": "Arbeidsplassforståelse", "sv": "Arbetsplatskultur", "en": "Workplace culture"},
    {"nb": "Avslutning og veien videre", "sv": "Avslutning och vägen framåt", "en": "Closing and the road ahead"},
]
MEETING_PLAN = [{"title": title, "checklist": CHECKLIST} for title in SIX_STEPS]

VENUE = "Hotell Exempel, Järnvägsgatan 1, Stockholm"
GROUP_EVENTS = [
    {"id": "training", "kind": "training", "title": {"sv": "Mentorutbildning (internat)", "en": "Mentor training (residential)"},
     "starts_at": local(2019, 1, 23, 10), "ends_at": local(2019, 1, 24, 12, 30), "venue": VENUE, "mandatory": True},
    {"id": "half-day-1", "kind": "half_day", "title": {"sv": "Halvdagsträff 1"}, "starts_at": local(2019, 1, 31, 8, 30),
     "ends_at": local(2019, 1, 31, 12), "venue": VENUE, "mandatory": True},
    {"id": "half-day-2", "kind": "half_day", "title": {"sv": "Halvdagsträff 2"}, "starts_at": local(2019, 3, 28, 8, 30),
     "ends_at": local(2019, 3, 28, 12), "venue": VENUE, "mandatory": True},
    {"id": "half-day-3", "kind": "half_day", "title": {"sv": "Halvdagsträff 3"}, "starts_at": local(2019, 6, 18, 8, 30),
     "ends_at": local(2019, 6, 18, 12), "venue": VENUE, "mandatory": True},
]


def cohort_snapshot(cohort_id: str, status: str = "running", group_events=None, starts_on=date(2019, 1, 23),
                    ends_on=date(2019, 7, 22), time_zone: str = "Europe/Stockholm", **programme) -> dict:
    return {
        "cohort_id": cohort_id, "name": "Våren 2019", "status": status, "time_zone": time_zone,
        "applications_open_at": None, "application_deadline": None, "nomination_deadline": None,
        "starts_on": starts_on, "ends_on": ends_on, "mentee_places": 20, "mentor_places": None,
        "admission": "first_come", "group_events": [dict(g) for g in (GROUP_EVENTS if group_events is None else group_events)],
        "programme": {
            "id": "p-agency", "name": {"sv": "Mentorprogrammet", "en": "The mentor programme"}, "locale": "sv",
            "languages": ["sv", "en"], "professions": [], "duration_months": 6, "meeting_every_months": 1,
            "meeting_minutes": 120, "meeting_plan": MEETING_PLAN, "matching_weights": {"profession": 5.0},
            "matching_mode": "optimal", "match_when_closed": False, "reminder_days": [3, 1],
            "share_contact_details": ["email"], "contacts": [], **programme,
        },
    }


@dataclass(frozen=True)
class Pair:
    tenant: str
    id: str
    cohort_id: str
    mentee_id: str
    mentor_id: str


def person(name: str, locale: str = "sv", domain: str = "example.se") -> dict:
    return {"application_id": str(uuid.uuid4()), "name": name, "email": f"{name.lower().replace(' ', '.')}@{domain}",
            "locale": locale, "languages": ["sv", "en"], "phone": None}


class Scheduling:
    """Scheduling's API as its users reach it, fed with the events the other services publish."""

    def __init__(self, database_url: str, tmp_path):
        self.settings = settings_for("scheduling", database_url=database_url, amqp_url="memory://", signing_key=KEY,
                                     data_dir=tmp_path, public_url=PUBLIC_URL, web_url=PUBLIC_URL)
        migrate("scheduling", database_url)
        self.engine = create_engine(database_url)
        self.app = create_app(self.settings, self.engine)
        self.send = over_test_client(Client(self.app))
        self.client = Client(self.app)

    # who asks
    def coordinator(self, tenant: str) -> str:
        return issue_token(KEY, tenant=tenant, role="coordinator", sub=f"coordinator@{tenant}.example.org")

    def token(self, pair: Pair, role: str) -> str:
        """The participant token intake gives every applicant (scope: their application)."""
        sub = pair.mentee_id if role == "mentee" else pair.mentor_id
        return participant_token(KEY, tenant=pair.tenant, sub=sub, scope="application", ttl=3600)

    # events from the other services, applied as the consumer does (inbox row + handler, one transaction)
    def feed(self, type_: str, tenant: str, data: dict, source: str = "intake"):
        event = new_event(type_, source=source, tenant=tenant, subject="test", data=data)
        self.apply(event)
        return event

    def apply(self, event) -> bool:
        with self.engine.begin() as conn:
            if not inbox.record(conn, store.INBOX, [event]):
                return False
            HANDLERS.handlers[event.type](conn, event)
            return True

    def cohort(self, tenant: str = "agency", **snapshot) -> str:
        cohort_id = str(uuid.uuid4())
        self.feed("cohort.opened.v1", tenant, cohort_snapshot(cohort_id, **snapshot))
        return cohort_id

    def confirm(self, tenant: str, cohort_id: str, mentee: dict | None = None, mentor: dict | None = None,
                starts_on=date(2019, 1, 23), ends_on=date(2019, 7, 22), **extra) -> Pair:
        mentee = mentee or person("Amal Haddad")
        mentor = mentor or person("Karin Berg")
        pair_id = str(uuid.uuid4())
        data = {"cohort_id": cohort_id, "cohort_name": "Våren 2019", "programme_id": "p-agency",
                "programme_name": {"sv": "Mentorprogrammet"}, "time_zone": "Europe/Stockholm",
                "starts_on": starts_on, "ends_on": ends_on, "pair_id": pair_id, "mentee": mentee, "mentor": mentor,
                "shared_languages": ["sv", "en"], "share_contact_details": ["email"], "score": 9.5,
                "confirmed_at": clock.now(), **extra}
        self.feed("match.confirmed.v1", tenant, data, source="matching")
        return Pair(tenant, pair_id, cohort_id, mentee["application_id"], mentor["application_id"])

    def end(self, pair: Pair, reason: str = "the chemistry did not work") -> None:
        mentee = {"application_id": pair.mentee_id, "name": "x", "email": "x@example.se", "locale": "sv"}
        mentor = {**mentee, "application_id": pair.mentor_id}
        self.feed("match.ended.v1", pair.tenant, {
            "cohort_id": pair.cohort_id, "cohort_name": "Våren 2019", "programme_id": "p-agency",
            "programme_name": {"sv": "Mentorprogrammet"}, "time_zone": "Europe/Stockholm", "starts_on": date(2019, 1, 23),
            "ends_on": date(2019, 7, 22), "pair_id": pair.id, "mentee": mentee, "mentor": mentor, "reason": reason,
            "ended_by": "coordinator@agency.example.org", "ended_at": clock.now()}, source="matching")

    # what it wrote, and what it answers
    def events(self, prefix: str = "") -> list[dict]:
        o = store.OUTBOX
        with self.engine.connect() as conn:
            bodies = conn.execute(sa.select(o.c.body).where(o.c.type.startswith(prefix)).order_by(o.c.id)).scalars()
            return [json.loads(b) for b in bodies]

    def pair(self, pair: Pair, role: str = "mentee") -> dict:
        return expect(self.send("GET", f"/scheduling/pairs/{pair.id}", None, self.token(pair, role)), 200)

    def meetings(self, pair: Pair, role: str = "mentee") -> list[dict]:
        return self.pair(pair, role)["meetings"]

    def schedule(self, pair: Pair, number: int, starts_at: str, role: str = "mentor", place: str = "Stadsbiblioteket, Stockholm",
                 **body) -> dict:
        meeting = self.meetings(pair, role)[number - 1]
        return expect(self.send("PUT", f"/scheduling/meetings/{meeting['id']}/schedule",
                                {"starts_at": starts_at, "place": place, **body}, self.token(pair, role)), 200)

    def tick(self, when: datetime | None = None):
        return due.run_due(self.engine, when or clock.now())

    def calendar(self, token: str, path: str = "/scheduling/mine/calendar") -> str:
        return expect(self.send("POST", path, None, token), 201)["url"]

    def ics(self, url: str) -> icalendar.Calendar:
        response = self.client.get(url.removeprefix(PUBLIC_URL))
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.content_type.startswith("text/calendar")
        return icalendar.Calendar.from_ical(response.get_data())

    def ics_status(self, url: str) -> int:
        return self.client.get(url.removeprefix(PUBLIC_URL)).status_code


GOALS = [{"title": "Förstå hur rekryteringar går till i staten",
          "sub_goals": [{"title": "Gå igenom tre annonser tillsammans", "due_on": "2019-03-15"},
                        {"title": "Skriva ett personligt brev", "due_on": None}]},
         {"title": "Bygga ett nätverk inom förvaltningsrätt", "sub_goals": [{"title": "Följa med på ett seminarium", "due_on": None}]}]


def sign_both(s: Scheduling, pair: Pair, version: int = 1) -> None:
    expect(s.send("PATCH", f"/scheduling/pairs/{pair.id}/agreement", {"based_on_version": version, "goals": GOALS},
                  s.token(pair, "mentee")), 200)
    for role in ("mentee", "mentor"):
        expect(s.send("POST", f"/scheduling/pairs/{pair.id}/agreement/sign", {"version": version}, s.token(pair, role)), 200)


CHECKLIST_FILLED = {
    "since_last_time": "Amal har sökt två tjänster som utredare.",
    "topic": "Mål och förväntningar",
    "next_steps": "Skriva om CV:t efter svensk modell.",
    "actions": [{"who": "mentee", "what": "Skicka CV till Karin"}, {"who": "mentor", "what": "Fråga en kollega om en studiebesök"}],
}


@pytest.fixture(autouse=True)
def _clock():
    clock.set(datetime(2019, 1, 20, 9, 0, tzinfo=UTC))
    yield
    clock.set(None)


@pytest.fixture
def scheduling_pg(pg_url_factory, tmp_path):
    made = Scheduling(pg_url_factory("scheduling"), tmp_path)
    yield made
    made.engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def scheduling(request, tmp_path):
    """Every scenario runs on the embedded SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        made = Scheduling(f"sqlite:///{tmp_path}/scheduling.db", tmp_path)
    else:
        made = Scheduling(request.getfixturevalue("pg_url_factory")("scheduling"), tmp_path)
    yield made
    made.engine.dispose()
