"""The public pages of a programme and its open cohorts: no token, rate-limited per client.

A paused programme answers every public request with its notice (503, in the asked language)
and a closed one with its closing notice (410); neither takes anything in.
"""

import sqlalchemy as sa
from flask import current_app, request
from flask.views import MethodView
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint, abort

from services.shared import clock
from services.shared.api import service
from services.shared.clients import HEADER as CLIENT_HEADER
from services.shared.clients import client_key, vouched_address
from services.shared.tenancy import require

from .. import store
from ..domain import application_refusal, taxonomy
from ..domain.nominations import organisation_name
from ..domain.programmes import localized, public_notice
from ..schemas import (
    ApplicationIn,
    MentorFormIn,
    MentorFormOut,
    ProfessionOut,
    PublicCohortOut,
    PublicProgrammeOut,
    SubmittedOut,
)
from .cohorts import admitted, submit
from .common import asked_locale, cohort_and_programme
from .nominations import nomination_of_link

blp = Blueprint("public", __name__, url_prefix="/public", description="Public pages and application forms.")

def client_address() -> str:
    """Whom a public request counts against: the address the web front vouches for when it asks
    on a person's behalf, else the peer (behind the configured trusted proxies)."""
    settings = current_app.config["TANDEM_SETTINGS"]
    vouched = vouched_address(client_key(settings.signing_key), request.headers.get(CLIENT_HEADER))
    return vouched or get_remote_address()


limiter = Limiter(key_func=client_address, default_limits=[], headers_enabled=True)  # storage: the app's config
CONSENT_VERSION = "2026-01"
CONSENT_TEXT = {
    "sv": "Jag samtycker till att mina uppgifter behandlas för att matcha mig i programmet och sparas under den tid jag anger.",
    "fi": "Hyväksyn, että tietojani käsitellään ohjelman parien muodostamiseksi ja säilytetään ilmoittamani ajan.",
    "nb": "Jeg samtykker til at opplysningene mine behandles for å matche meg i programmet og lagres så lenge jeg oppgir.",
    "en": "I agree that my details are processed to match me in the programme and kept for the period I state.",
}


def _rate() -> str:
    return current_app.config["TANDEM_SETTINGS"].public_rate_limit


def refuse_unless_open(programme) -> None:
    notice = public_notice(programme, asked_locale())
    if notice:
        status = 503 if programme["status"] == "paused" else 410
        abort(status, message=notice, errors={"programme": [programme["status"]]},
              headers={"Retry-After": "86400"} if status == 503 else None)


def public_cohort(conn, cohort_id):
    """A cohort as the public may see it: any tenant's, but never a draft."""
    c, p = store.cohorts, store.programmes
    found = conn.execute(sa.select(c, p).join_from(
        c, p, sa.and_(p.c.id == c.c.programme_id, p.c.tenant == c.c.tenant)
    ).where(c.c.id == cohort_id, c.c.status != "draft")).first()
    if found is None:
        abort(404, message="No such cohort.")
    # one read for both: the cohort's columns come first, then the programme's
    values = list(found)
    return (dict(zip(c.c.keys(), values[:len(c.c)], strict=True)),
            dict(zip(p.c.keys(), values[len(c.c):], strict=True)))


def mentee_places_left(conn, cohort) -> int:
    a = store.applications
    taken = conn.execute(sa.select(sa.func.count()).select_from(a).where(
        a.c.tenant == cohort["tenant"], a.c.cohort_id == cohort["id"], a.c.role == "mentee",
        a.c.status == "accepted")).scalar_one()
    return max(0, cohort["mentee_places"] - taken)


@blp.route("/programmes/<programme_id>")
class PublicProgramme(MethodView):
    decorators = [limiter.limit(_rate)]

    @blp.response(200, PublicProgrammeOut)
    def get(self, programme_id):
        """A programme's public page, in the asked language (``?lang=`` or Accept-Language)."""
        with service().engine.connect() as conn:
            p = store.programmes
            programme = conn.execute(sa.select(p).where(p.c.id == programme_id)).mappings().first()
            if programme is None:
                abort(404, message="No such programme.")
            refuse_unless_open(programme)
            c = store.cohorts
            cohorts = conn.execute(sa.select(c.c.id, c.c.name, c.c.application_deadline).where(
                c.c.programme_id == programme_id, c.c.status == "open")).mappings().all()
        locale = asked_locale()
        return {
            "id": programme["id"], "name": localized(programme["names"], locale, programme["locale"]),
            "description": localized(programme["descriptions"], locale, programme["locale"]),
            "status": programme["status"], "notice": None, "languages": programme["languages"],
            "contacts": programme["contacts"],
            "open_cohorts": [{"id": r["id"], "name": r["name"],
                              "application_deadline": r["application_deadline"].isoformat() if r["application_deadline"] else None}
                             for r in cohorts],
        }


@blp.route("/cohorts/<cohort_id>")
class PublicCohort(MethodView):
    decorators = [limiter.limit(_rate)]

    @blp.response(200, PublicCohortOut)
    def get(self, cohort_id):
        """What an applicant sees of a cohort before applying, with the consent text to agree to."""
        from ..domain.cohorts import group_events

        with service().engine.connect() as conn:
            cohort, programme = public_cohort(conn, cohort_id)
            refuse_unless_open(programme)
            events = group_events(conn, cohort)
            places_left = mentee_places_left(conn, cohort)
        locale = asked_locale()
        return {**cohort, "programme": localized(programme["names"], locale, programme["locale"]),
                "description": localized(programme["descriptions"], locale, programme["locale"]),
                "mentee_places_left": places_left,
                "languages": programme["languages"], "professions": programme["professions"],
                "consent_version": CONSENT_VERSION, "consent_text": localized(CONSENT_TEXT, locale, programme["locale"]),
                "group_events": events}


@blp.route("/professions")
class Professions(MethodView):
    @blp.response(200, ProfessionOut(many=True))
    def get(self):
        """The ISCO-08 unit groups an applicant chooses their profession from, labelled in the
        asked language (``?lang=`` or Accept-Language), in code order."""
        locale = asked_locale() or "en"
        return [{"code": o.code, "label": o.label(locale)} for o in taxonomy.occupations(level=4)]


@blp.route("/cohorts/<cohort_id>/applications")
class PublicApplications(MethodView):
    decorators = [limiter.limit(_rate)]

    @blp.arguments(ApplicationIn)
    @blp.response(201, SubmittedOut)
    @blp.alt_response(409, description="The cohort is not open, or this e-mail applied already (with its id).")
    def post(self, body, cohort_id):
        """Apply to an open cohort as a mentor or a mentee. The answer carries a personal token
        (also e-mailed as a link) to see or withdraw the application."""
        with service().engine.begin() as conn:
            cohort, programme = public_cohort(conn, cohort_id)
            refuse_unless_open(programme)
            refusal = application_refusal(programme["status"], cohort["status"], cohort["application_deadline"],
                                          clock.now(), cohort["applications_open_at"])
            if refusal:
                abort(409, message=refusal.reason, errors={"cohort": [refusal.reason]})
            if body["consent"]["text_version"] != CONSENT_VERSION:
                abort(422, message="Please agree to the current consent text.",
                      errors={"json": {"consent": {"text_version": [f"the current version is {CONSENT_VERSION}"]}}})
            row = submit(conn, cohort, programme, body)
        return admitted(row, cohort, programme)


@blp.route("/mentor-form")
class MentorForm(MethodView):
    decorators = [limiter.limit(_rate)]

    @require("participant")
    @blp.response(200, MentorFormOut)
    @blp.doc(security=[{"bearer": []}], description="Opened from the personal link (``?token=``) a nominated mentor receives.")
    def get(self):
        """The mentor form, prefilled with what the nomination says."""
        with service().engine.connect() as conn:
            nomination = nomination_of_link(conn)
            cohort, programme = cohort_and_programme(conn, nomination["tenant"], nomination["cohort_id"])
        locale = nomination["locale"]
        return {
            "nomination_id": nomination["id"], "cohort_id": cohort["id"], "cohort": cohort["name"],
            "programme": localized(programme["names"], locale, programme["locale"]),
            "organisation": organisation_name(programme, nomination["organisation"]) or nomination["organisation"],
            "organisation_id": nomination["organisation"],
            "prefilled": {"role": "mentor", "name": nomination["name"], "email": nomination["email"], "locale": locale},
            "consent_version": CONSENT_VERSION, "consent_text": localized(CONSENT_TEXT, locale, programme["locale"]),
            "application_id": nomination["application_id"],
        }

    @require("participant")
    @blp.arguments(MentorFormIn)
    @blp.response(201, SubmittedOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body):
        """Send the mentor form; the application is tied to the nomination."""
        with service().engine.begin() as conn:
            nomination = nomination_of_link(conn)
            if nomination["application_id"]:
                abort(409, message="This nomination has its application already.",
                      errors={"existing_id": nomination["application_id"]})
            cohort, programme = cohort_and_programme(conn, nomination["tenant"], nomination["cohort_id"])
            if cohort["status"] in ("running", "finished"):
                abort(409, message=f"The cohort is {cohort['status']}.")
            body = {**body, "role": "mentor", "name": nomination["name"], "email": nomination["email"],
                    "nomination_id": nomination["id"]}
            row = submit(conn, cohort, programme, body)
            store.update(conn, store.nominations, nomination["tenant"], nomination["id"], application_id=row["id"])
        return admitted(row, cohort, programme)
