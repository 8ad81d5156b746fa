"""Mid-point and closing surveys, and the cohort outcome report that never shows a small group."""

from __future__ import annotations

from collections import Counter

from services.shared.errors import Conflict, Invalid, NotFound

KINDS = ("midpoint", "closing")


def refuse_unless_kind(kind: str) -> None:
    """A survey is the mid-point or the closing one; any other is not there."""
    if kind not in KINDS:
        raise NotFound("No such survey.")


def refuse_unless_participant(application) -> None:
    """Only an accepted applicant, a participant of the cohort, answers its surveys."""
    if application["status"] != "accepted":
        raise Conflict("Only participants of the cohort answer its surveys.")


def refuse_unfit_answers(questions: list[dict], answers: dict) -> None:
    """Refused as invalid when an answer is to no question of the survey, or does not fit its question."""
    errors = check_answers(questions, answers)
    if errors:
        raise Invalid("Some answers do not fit their question.", {"answers": errors})


def questions_for(surveys: dict, kind: str, role: str) -> list[dict]:
    return [q for q in surveys.get(kind, []) if role in q["roles"]]


def check_answers(questions: list[dict], answers: dict) -> dict[str, list[str]]:
    """Field-level problems with ``answers`` (unknown question, wrong kind of answer)."""
    by_id = {q["id"]: q for q in questions}
    errors: dict[str, list[str]] = {}
    for key, value in answers.items():
        question = by_id.get(key)
        if question is None:
            errors[key] = ["not a question of this survey"]
        elif value is None:
            continue
        elif question["kind"] == "yes_no" and not isinstance(value, bool):
            errors[key] = ["answer true or false"]
        elif question["kind"] == "scale" and (not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5):
            errors[key] = ["answer 1 to 5"]
        elif question["kind"] == "choice" and value not in (question.get("choices") or []):
            errors[key] = [f"answer one of {', '.join(question.get('choices') or [])}"]
        elif question["kind"] == "text" and (not isinstance(value, str) or len(value) > 4000):
            errors[key] = ["answer with text of at most 4000 characters"]
    return errors


def outcome_report(surveys: dict, invited: dict[str, int], responses: list[dict], min_group: int) -> dict:
    """Response rate per survey and, per closed question, the counts behind each figure.

    ``invited`` counts the accepted participants per role; ``responses`` are
    ``{"kind", "role", "answers"}``. A figure whose group (those who answered that question) is
    smaller than ``min_group`` is suppressed, so no one can be singled out. Free text is never
    reported here.
    """
    report = {}
    for kind in KINDS:
        kind_responses = [r for r in responses if r["kind"] == kind]
        questions = [q for q in surveys.get(kind, []) if q["kind"] != "text"]
        eligible = sum(invited.get(role, 0) for role in ("mentee", "mentor")
                       if any(role in q["roles"] for q in surveys.get(kind, [])))
        figures = {}
        for question in questions:
            answers = [r["answers"].get(question["id"]) for r in kind_responses
                       if r["role"] in question["roles"] and r["answers"].get(question["id"]) is not None]
            group = len(answers)
            if group < min_group:
                figures[question["id"]] = {"answered": group, "suppressed": True}
                continue
            if question["kind"] == "yes_no":
                yes = sum(1 for a in answers if a is True)
                figures[question["id"]] = {"answered": group, "yes": yes, "no": group - yes, "share_yes": round(yes / group, 3)}
            else:
                figures[question["id"]] = {"answered": group, "counts": dict(Counter(str(a) for a in answers))}
        respondents = len(kind_responses)
        report[kind] = {
            "invited": eligible,
            "responded": respondents,
            "response_rate": round(respondents / eligible, 3) if eligible else None,
            "figures": figures,
        }
    return report


def _share(answers: list, min_group: int) -> dict:
    """The share of yes among ``answers`` (True/False), or only its size when too few answered."""
    group = len(answers)
    if group < min_group:
        return {"answered": group, "suppressed": True}
    yes = sum(1 for a in answers if a is True)
    return {"answered": group, "yes": yes, "share": round(yes / group, 3), "suppressed": False}


def headline(surveys: dict, responses: list[dict], min_group: int) -> dict:
    """The programme's own figures from the closing survey, as programmes report them: the share
    of mentees in qualified work, the share of those who say their mentor helped them get it,
    and the share of mentors who found mentoring meaningful. A figure whose question the
    programme does not ask is None; a group smaller than ``min_group`` is suppressed."""
    asked = {q["id"]: q for q in surveys.get("closing", [])}
    closing = [r for r in responses if r["kind"] == "closing"]

    def answers(question: str, role: str, rows=None) -> list:
        rows = closing if rows is None else rows
        return [r["answers"][question] for r in rows if r["role"] == role and r["answers"].get(question) is not None]

    working = [r for r in closing if r["role"] == "mentee" and r["answers"].get("qualified_job") is True]
    return {
        "qualified_work": _share(answers("qualified_job", "mentee"), min_group) if "qualified_job" in asked else None,
        "mentor_helped": (_share(answers("mentor_contributed", "mentee", working), min_group)
                          if {"qualified_job", "mentor_contributed"} <= set(asked) else None),
        "mentors_meaningful": (_share(answers("meaningful", "mentor"), min_group)
                               if "mentor" in (asked.get("meaningful") or {}).get("roles", []) else None),
    }
