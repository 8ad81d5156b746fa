"""Scheduling's rules on their own, in the programmes' terms: due windows and topics, phases,
reminder times across a clock change, and the agreement's versions and signatures."""

from datetime import UTC, date, datetime

import pytest

from services.scheduling.domain import plan, terms, timing
from services.scheduling.domain.phases import PhaseFacts, moves_forward, phase_of
from tests.scheduling.conftest import MEETING_PLAN, SIX_STEPS

# --- the plan -------------------------------------------------------------------------------


def test_a_six_month_cohort_from_23_january_has_six_monthly_windows():
    windows = plan.due_windows(date(2019, 1, 23), date(2019, 7, 22))
    assert [(w.start, w.end) for w in windows] == [
        (date(2019, 1, 23), date(2019, 2, 22)), (date(2019, 2, 23), date(2019, 3, 22)),
        (date(2019, 3, 23), date(2019, 4, 22)), (date(2019, 4, 23), date(2019, 5, 22)),
        (date(2019, 5, 23), date(2019, 6, 22)), (date(2019, 6, 23), date(2019, 7, 22)),
    ]


def test_windows_count_from_the_start_so_the_31st_does_not_drift():
    windows = plan.due_windows(date(2027, 1, 31), date(2027, 5, 30))
    assert [w.start for w in windows] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    assert windows[0].end == date(2027, 2, 27)


def test_a_last_window_too_short_to_meet_in_joins_the_one_before():
    # the union programme: seven months from 1 September, ending 5 April
    windows = plan.due_windows(date(2026, 9, 1), date(2027, 4, 5))
    assert len(windows) == 7 and windows[-1] == plan.DueWindow(7, date(2027, 3, 1), date(2027, 4, 5))


def test_a_two_monthly_cadence_halves_the_meetings():
    assert len(plan.due_windows(date(2019, 1, 23), date(2019, 7, 22), every_months=2)) == 3


def test_the_six_steps_go_to_six_meetings_in_order():
    meetings = plan.plan_meetings(date(2019, 1, 23), date(2019, 7, 22), 1, MEETING_PLAN)
    assert [m.topic for m in meetings] == SIX_STEPS
    assert all(len(m.checklist) == 5 for m in meetings)


def test_fewer_meetings_than_steps_combine_the_later_steps_and_drop_none():
    topics = plan.topics_for(4, MEETING_PLAN)
    assert [t["title"]["en"] for t in topics] == ["Getting to know each other", "Goals and expectations",
                                                  "The labour market · Competence and education",
                                                  "Workplace culture · Closing and the road ahead"]


def test_more_meetings_than_steps_give_the_pair_its_own_topic_before_the_closing():
    topics = plan.topics_for(8, MEETING_PLAN)
    assert [t["title"]["en"] for t in topics][4:] == ["Workplace culture", plan.OWN_TOPIC["en"], plan.OWN_TOPIC["en"],
                                                      "Closing and the road ahead"]
    assert plan.topics_for(2, [])[0]["title"] == plan.OWN_TOPIC


# --- phases ---------------------------------------------------------------------------------

FACTS = PhaseFacts(ended=False, agreement_signed=False, meetings_held=0, closing_from=date(2019, 6, 23), ends_on=date(2019, 7, 22))


def test_a_pair_starts_until_it_has_signed_and_met():
    assert phase_of(FACTS, date(2019, 2, 1)) == "start"
    assert phase_of(FACTS.__class__(**{**FACTS.__dict__, "agreement_signed": True}), date(2019, 2, 1)) == "start"
    assert phase_of(FACTS.__class__(**{**FACTS.__dict__, "meetings_held": 1}), date(2019, 2, 1)) == "start"
    working = FACTS.__class__(**{**FACTS.__dict__, "agreement_signed": True, "meetings_held": 1})
    assert phase_of(working, date(2019, 2, 1)) == "working"
    assert phase_of(working, date(2019, 6, 23)) == "closing"
    assert phase_of(working, date(2019, 7, 23)) == "finished"


def test_the_last_window_is_closing_even_for_a_pair_that_never_got_going():
    assert phase_of(FACTS, date(2019, 6, 23)) == "closing"


def test_an_early_end_finishes_the_pair_and_phases_only_move_forward():
    assert phase_of(FACTS.__class__(**{**FACTS.__dict__, "ended": True}), date(2019, 3, 1)) == "finished"
    assert moves_forward(None, "start") and moves_forward("start", "working")
    assert not moves_forward("closing", "working") and not moves_forward("working", "working")


# --- time -----------------------------------------------------------------------------------


def test_reminders_keep_the_wall_clock_across_the_march_clock_change():
    # a meeting at 17:00 on Tuesday 2 April 2019 (summer time since Sunday 31 March)
    starts_at = datetime(2019, 4, 2, 15, 0, tzinfo=UTC)
    due = dict(timing.reminder_times(starts_at, [3, 1], "Europe/Stockholm", datetime(2019, 3, 1, tzinfo=UTC)))
    assert timing.local(due[3], "Europe/Stockholm").strftime("%a %d %H:%M %Z") == "Sat 30 17:00 CET"
    assert timing.local(due[1], "Europe/Stockholm").strftime("%a %d %H:%M %Z") == "Mon 01 17:00 CEST"


def test_a_reminder_whose_time_has_passed_is_not_planned():
    starts_at = datetime(2019, 4, 2, 15, 0, tzinfo=UTC)
    due = timing.reminder_times(starts_at, [3, 1], "Europe/Stockholm", datetime(2019, 3, 31, 12, tzinfo=UTC))
    assert [days for days, _ in due] == [1]


def test_local_times_are_read_in_the_cohorts_zone_and_the_lost_hour_is_refused():
    assert timing.to_utc(datetime(2019, 3, 28, 8, 30), "Europe/Stockholm") == datetime(2019, 3, 28, 7, 30, tzinfo=UTC)
    assert timing.to_utc(datetime(2019, 6, 18, 8, 30), "Europe/Helsinki") == datetime(2019, 6, 18, 5, 30, tzinfo=UTC)
    with pytest.raises(timing.NoSuchLocalTime):
        timing.to_utc(datetime(2019, 3, 31, 2, 30), "Europe/Oslo")


def test_surveys_fall_at_the_mid_point_and_on_the_last_day_in_the_morning():
    times = timing.survey_times(date(2019, 1, 23), date(2019, 7, 22), "Europe/Stockholm")
    assert timing.local(times["midpoint"], "Europe/Stockholm").isoformat() == "2019-04-23T09:00:00+02:00"
    assert timing.local(times["closing"], "Europe/Stockholm").isoformat() == "2019-07-22T09:00:00+02:00"


# --- the agreement ----------------------------------------------------------------------------

NOW = datetime(2019, 2, 1, 12, tzinfo=UTC)


def _version(**values) -> dict:
    return {"version": 1, "status": "draft", "mentee_signed_at": None, "mentor_signed_at": None, "signed_at": None,
            "goals": [{"title": "Förstå rekryteringar i staten", "sub_goals": []}], **values}


def test_the_second_signature_puts_the_agreement_in_force():
    first = terms.signature(_version(), 1, "mentee", NOW)
    assert first == {"mentee_signed_at": NOW}
    second = terms.signature(_version(**first), 1, "mentor", NOW)
    assert second == {"mentor_signed_at": NOW, "status": "signed", "signed_at": NOW}


def test_an_agreement_signed_by_both_never_changes():
    signed = _version(status="signed", mentee_signed_at=NOW, mentor_signed_at=NOW, signed_at=NOW)
    with pytest.raises(terms.AgreementRefused):
        terms.assert_editable(signed)
    assert terms.how_to_change(signed, 1) == "new_version"
    with pytest.raises(terms.AgreementRefused):
        terms.signature(signed, 1, "mentee", NOW)


def test_a_change_to_a_half_signed_draft_is_a_new_version_and_an_untouched_one_changes_in_place():
    assert terms.how_to_change(_version(mentor_signed_at=NOW), 1) == "new_version"
    assert terms.how_to_change(_version(), 1) == "in_place"
    with pytest.raises(terms.AgreementRefused) as refused:
        terms.how_to_change(_version(version=2), 1)
    assert "based_on_version" in refused.value.errors


def test_no_one_signs_an_agreement_without_goals_or_signs_twice():
    with pytest.raises(terms.AgreementRefused) as refused:
        terms.signature(_version(goals=[]), 1, "mentee", NOW)
    assert "goals" in refused.value.errors
    with pytest.raises(terms.AgreementRefused):
        terms.signature(_version(mentee_signed_at=NOW), 1, "mentee", NOW)


def test_terms_must_fit_the_programme_and_the_cohort():
    agreed = terms.draft_terms(["sv"], ["sv", "en"], 1, 120, [date(2019, 2, 7)])
    assert terms.check_terms(agreed, programme_every_months=1, starts_on=date(2019, 1, 23), ends_on=date(2019, 7, 22)) == {}
    wrong = {**agreed, "meeting_every_months": 2, "planned_dates": ["2019-08-01"],
             "goals": [{"title": "x", "sub_goals": [{"title": "y", "due_on": "2020-01-01"}]}]}
    errors = terms.check_terms(wrong, programme_every_months=1, starts_on=date(2019, 1, 23), ends_on=date(2019, 7, 22))
    assert set(errors) == {"meeting_every_months", "planned_dates", "goals.0.sub_goals"}
