"""The public pages of a programme and its open cohorts: no token, rate-limited per client.

A paused programme answers every public request with its notice (503, in the asked language)
and a closed one with its closing notice (410); neither takes anything in.
"""

from flask import current_app, request
from flask.views import MethodView
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint
from werkzeug.exceptions import Gone, ServiceUnavailable

from services.shared.api import service
from services.shared.clients import HEADER as CLIENT_HEADER
from services.shared.clients import client_key, vouched_address
from services.shared.reference import isco08
from services.shared.tenancy import current_principal, require

from ..domain import CONSENT_TEXT, CONSENT_VERSION
from ..domain.nominations import organisation_name
from ..domain.programmes import NotOpen, localized
from ..schemas import (
    ApplicationIn,
    MentorFormIn,
    MentorFormOut,
    ProfessionOut,
    PublicCohortOut,
    PublicProgrammeOut,
    SubmittedOut,
)
from ..usecases import applications, public
from .common import asked_locale

blp = Blueprint("public", __name__, url_prefix="/public", description="Public pages and application forms.")

def client_address() -> str:
    """Whom a public request counts against: the address the web front vouches for when it asks
    on a person's behalf, else the peer (behind the configured trusted proxies)."""
    settings = current_app.config["TANDEM_SETTINGS"]
    vouched = vouched_address(client_key(settings.signing_key), request.headers.get(CLIENT_HEADER))
    return vouched or get_remote_address()


limiter = Limiter(key_func=client_address, default_limits=[], headers_enabled=True)  # storage: the app's config


def _rate() -> str:
    return current_app.config["TANDEM_SETTINGS"].public_rate_limit


@blp.errorhandler(NotOpen)
def _not_open(refusal: NotOpen):
    """A paused programme answers 503 (come back in a day), a closed one 410, with its notice."""
    paused = refusal.status == "paused"
    error = ServiceUnavailable() if paused else Gone()
    error.data = {"message": refusal.message, "errors": refusal.errors,
                  "headers": {"Retry-After": "86400"} if paused else {}}
    return current_app.extensions["tandem.api"].handle_http_exception(error)


@blp.route("/programmes/<programme_id>")
class PublicProgramme(MethodView):
    decorators = [limiter.limit(_rate)]

    @blp.response(200, PublicProgrammeOut)
    def get(self, programme_id):
        """A programme's public page, in the asked language (``?lang=`` or Accept-Language)."""
        locale = asked_locale()
        with service().engine.connect() as conn:
            programme, cohorts = public.programme(conn, programme_id, locale)
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
        locale = asked_locale()
        with service().engine.connect() as conn:
            cohort, programme, events, places_left = public.cohort(conn, cohort_id, locale)
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
        return [{"code": o.code, "label": o.label(locale)} for o in isco08.occupations(level=4)]


@blp.route("/cohorts/<cohort_id>/applications")
class PublicApplications(MethodView):
    decorators = [limiter.limit(_rate)]

    @blp.arguments(ApplicationIn)
    @blp.response(201, SubmittedOut)
    @blp.alt_response(409, description="The cohort is not open, or this e-mail applied already (with its id).")
    def post(self, body, cohort_id):
        """Apply to an open cohort as a mentor or a mentee. The answer carries a personal token
        (also e-mailed as a link) to see or withdraw the application."""
        return applications.apply(service().engine.begin, cohort_id, body, asked_locale(), service().settings)


@blp.route("/mentor-form")
class MentorForm(MethodView):
    decorators = [limiter.limit(_rate)]

    @require("participant")
    @blp.response(200, MentorFormOut)
    @blp.doc(security=[{"bearer": []}], description="Opened from the personal link (``?token=``) a nominated mentor receives.")
    def get(self):
        """The mentor form, prefilled with what the nomination says."""
        with service().engine.connect() as conn:
            nomination, cohort, programme = public.mentor_form(conn, current_principal())
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
        return applications.apply_as_nominee(service().engine.begin, current_principal(), body, service().settings)
