"""Matching's rules on plain values, without a database."""

from __future__ import annotations

from collections import Counter

import pytest

from services.matching.domain import runs as rules
from services.shared.errors import INVALID

COHORT = {"id": "c1", "programme": {"required_mentor_languages": ["sv"]}}


def person(id_, role, **more):
    return {"id": id_, "role": role, "arrival": 1, "mentoring_languages": ["sv"], "education_field": None,
            "sector": None, "city": None, "remote_ok": True, "experience_years": 3, "employer": None,
            "interests": "", "wished_profession": None, "languages": [{"language": "sv", "level": "native"}],
            "excluded_employers": [], "profession": None, "capacity": 2, **more}


def test_the_problem_leaves_out_paired_mentees_and_taken_seats_and_keeps_pins_of_free_people():
    people = [person("e1", "mentee"), person("e2", "mentee"), person("m1", "mentor")]
    pairs = [{"mentee_id": "e1", "mentor_id": "m1"}]
    overrides = [{"kind": "pin", "mentee_id": "e2", "mentor_id": "m1"},
                 {"kind": "pin", "mentee_id": "e1", "mentor_id": "m1"},
                 {"kind": "forbid", "mentee_id": "e1", "mentor_id": "m9"}]
    problem = rules.build_problem(COHORT, people, pairs, overrides)
    assert [m.id for m in problem.mentees] == ["e2"]
    assert [(m.id, m.capacity) for m in problem.mentors] == [("m1", 1)]
    assert problem.rules.pinned == {("e2", "m1")} and problem.rules.forbidden == {("e1", "m9")}
    assert problem.rules.required_mentor_languages == {"sv"} and problem.mode == "optimal"


def test_a_cohort_without_accepted_mentees_cannot_be_matched_and_says_what_to_do():
    problem = rules.build_problem(COHORT, [person("m1", "mentor")], [], [])
    with pytest.raises(rules.RunCannotSucceed) as failure:
        rules.check_problem(problem, Counter({("mentee", "submitted"): 2, ("mentor", "accepted"): 1}), {})
    assert failure.value.code == "no_mentees" and "accept" in failure.value.reason


def test_approval_needs_an_open_proposal_a_free_mentee_and_a_seat():
    proposal = {"status": "proposed", "mentee_id": "e1", "mentor_id": "m1"}
    rules.check_approval(proposal, [], {"capacity": 1})
    with pytest.raises(rules.ReviewRefused, match="capacity"):
        rules.check_approval(proposal, [{"mentee_id": "e2", "mentor_id": "m1"}], {"capacity": 1})
    with pytest.raises(rules.ReviewRefused, match="already"):
        rules.check_approval(proposal, [{"mentee_id": "e1", "mentor_id": "m2"}], {"capacity": 1})
    with pytest.raises(rules.ReviewRefused, match="approved"):
        rules.check_approval({**proposal, "status": "approved"}, [], {"capacity": 1})


def test_a_pin_names_a_mentee_and_a_mentor_of_the_cohort():
    rules.check_override_people({"e1": {"role": "mentee"}, "m1": {"role": "mentor"}}, "e1", "m1")
    with pytest.raises(rules.ReviewRefused) as refusal:
        rules.check_override_people({"e1": {"role": "mentee"}}, "e1", "m1")
    assert refusal.value.kind == INVALID and "mentee_id" in refusal.value.errors
