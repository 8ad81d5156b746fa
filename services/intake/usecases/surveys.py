"""An applicant's mid-point and closing surveys, through their personal link: the questions in
their language, and their answers (once)."""

from __future__ import annotations

import uuid

from sqlalchemy.engine import Connection

from services.shared import clock
from services.shared.contract import new_event
from services.shared.errors import Conflict

from .. import store
from ..domain import surveys as rules
from ..domain.programmes import localized
from .applications import own


def survey(conn: Connection, principal, kind: str, asked_locale: str | None) -> dict:
    """The survey's questions for my role, in the language asked for (else my application's),
    and whether I have answered it."""
    rules.refuse_unless_kind(kind)
    application = own(conn, principal)
    cohort, programme = store.cohort_and_programme(conn, principal.tenant, application["cohort_id"])
    answered = store.survey_answered(conn, principal.tenant, application["id"], kind)
    locale = asked_locale or application["locale"]
    questions = [{"id": q["id"], "kind": q["kind"], "choices": q.get("choices"),
                  "text": localized(q["text"], locale, programme["locale"])}
                 for q in rules.questions_for(programme["surveys"], kind, application["role"])]
    return {"kind": kind, "cohort": cohort["name"], "questions": questions, "answered": bool(answered)}


def answer(conn: Connection, principal, kind: str, answers: dict) -> dict:
    """Write my answers to the survey, once, and tell the others it is answered."""
    rules.refuse_unless_kind(kind)
    application = own(conn, principal)
    rules.refuse_unless_participant(application)
    tenant = principal.tenant
    cohort, programme = store.cohort_and_programme(conn, tenant, application["cohort_id"])
    rules.refuse_unfit_answers(rules.questions_for(programme["surveys"], kind, application["role"]), answers)
    if not store.insert_survey_response(conn, tenant, {
            "id": str(uuid.uuid4()), "cohort_id": cohort["id"],
            "application_id": application["id"], "role": application["role"], "kind": kind,
            "answers": answers, "answered_at": clock.now()}):
        raise Conflict("This survey is answered already.")
    store.publish(conn, new_event("survey.answered.v1", source="intake", tenant=tenant,
                                  subject=f"application/{application['id']}",
                                  data={"cohort_id": cohort["id"], "application_id": application["id"],
                                        "role": application["role"], "kind": kind}))
    return {"kind": kind, "cohort": cohort["name"], "questions": [], "answered": True}
