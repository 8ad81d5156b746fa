"""Intake's rules on plain values, without a database: cohorts' statuses, calendar and group
events, nominations, staff changes and the grouping of a person's links."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.intake.domain import cohorts, links, nominations, staff
from services.shared.errors import Forbidden, Invalid

NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
PROGRAMME = {"id": "p1", "tenant": "saco", "member_organisations": [{"id": "skatteverket", "name": "Skatteverket"}]}


def _cohort(**values) -> dict:
    return {"id": "c1", "tenant": "saco", "status": "open", "time_zone": "Europe/Stockholm",
            "application_deadline": None, "nomination_deadline": None, "starts_on": None, "ends_on": None, **values}


def test_a_cohort_moves_only_forward_and_may_reopen_once_closed():
    assert cohorts.transition_event(_cohort(status="draft"), "open") == "cohort.opened.v1"
    assert cohorts.transition_event(_cohort(status="closed"), "open") == "cohort.opened.v1"
    with pytest.raises(cohorts.TransitionRefused) as refused:
        cohorts.transition_event(_cohort(status="running"), "open")
    assert refused.value.errors == {"status": ["running"]}


def test_the_calendar_closes_at_the_deadline_starts_on_the_start_date_and_finishes_after_the_end():
    open_ = _cohort(application_deadline=NOW - timedelta(minutes=1))
    assert cohorts.due_transition(open_, NOW) == "closed"
    assert cohorts.due_transition(_cohort(status="closed", starts_on=date(2027, 1, 10)), NOW) == "running"
    assert cohorts.due_transition(_cohort(status="running", ends_on=date(2027, 1, 10)), NOW) is None
    assert cohorts.due_transition(_cohort(status="running", ends_on=date(2027, 1, 9)), NOW) == "finished"


def test_a_group_event_given_with_its_id_is_changed_and_one_without_is_new_in_the_cohorts_time_zone():
    cohort = _cohort()
    local = datetime(2027, 2, 1, 17, 0)
    changed, new = cohorts.group_event_changes(cohort, [
        {"id": "e1", "kind": "kickoff", "starts_at": local, "ends_at": local + timedelta(hours=2)},
        {"id": "gone-already", "kind": "closing", "starts_at": local, "ends_at": local},
    ], existing={"e1", "e2"})
    assert set(changed) == {"e1"} and changed["e1"]["starts_at"].utcoffset() == timedelta(hours=1)
    assert [(row["kind"], row["cohort_id"]) for row in new] == [("closing", "c1")]
    assert new[0]["id"] != "gone-already"


def test_the_figures_count_accepted_and_waitlisted_per_role_and_nothing_else():
    accepted, waitlisted = cohorts.counts([("mentee", "accepted", 3), ("mentor", "waitlisted", 1), ("mentee", "rejected", 5)])
    assert accepted == {"mentee": 3, "mentor": 0} and waitlisted == {"mentee": 0, "mentor": 1}


def test_only_a_member_organisation_nominates_and_only_before_the_deadline():
    with pytest.raises(Forbidden):
        nominations.refuse_unless_may_nominate(_cohort(), PROGRAMME, "forsakringskassan", NOW)
    late = _cohort(nomination_deadline=NOW - timedelta(seconds=1))
    with pytest.raises(nominations.NominationRefused) as refused:
        nominations.refuse_unless_may_nominate(late, PROGRAMME, "skatteverket", NOW)
    assert refused.value.message == "The nomination deadline has passed."
    nominations.refuse_unless_may_nominate(_cohort(status="draft"), PROGRAMME, "skatteverket", NOW)


def test_a_decided_nomination_is_not_decided_again():
    assert nominations.decision({"status": "nominated"}, "accept", NOW) == {"status": "accepted", "decided_at": NOW}
    with pytest.raises(nominations.NominationRefused):
        nominations.decision({"status": "declined"}, "accept", NOW)


def test_a_representative_keeps_an_organisation_and_a_coordinator_speaks_for_none():
    representative = {"role": "representative", "organisation": "skatteverket"}
    assert staff.changes(representative, {"role": "coordinator"}) == {"role": "coordinator", "organisation": None}
    with pytest.raises(Invalid):
        staff.changes(representative, {"organisation": None})
    assert staff.changes(representative, {"name": "Karin B"})["name"] == "Karin B"


def test_a_staff_member_gets_at_most_three_links_within_a_codes_lifetime():
    assert staff.may_send(2) and not staff.may_send(3)


def test_a_persons_links_are_grouped_by_tenant_newest_first():
    day = timedelta(days=1)
    applied = [{"tenant": "saco", "at": NOW - day, "id": "a1"}, {"tenant": "jusek", "at": NOW, "id": "a2"}]
    nominated = [{"tenant": "saco", "at": NOW, "id": "n1"}]
    grouped = links.by_tenant(applied, nominated)
    assert [(tenant, [item["id"] for item in items]) for tenant, items in grouped] == [
        ("saco", ["n1", "a1"]), ("jusek", ["a2"])]
    assert grouped[0][1][0]["kind"] == "mentor_form" and grouped[0][1][0]["role"] == "mentor"
